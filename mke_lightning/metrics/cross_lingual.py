"""One metric per (metric, source language, target language), logged as ``{stage}/{metric}/{s}-{t}``, with
``/mono`` (mean over s = t) and ``/cross`` (mean over s != t, the papers' transferability)."""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence

import torch
from torch import nn

from mke_lightning.metrics.edit_metrics import METRICS


class CrossLingualMetrics(nn.Module):
    def __init__(self, metrics: Sequence[str], edit_languages: Sequence[str], eval_languages: Sequence[str]):
        super().__init__()
        unknown = [m for m in metrics if m not in METRICS]
        if unknown:
            raise ValueError(f"unknown metrics {unknown}; known: {sorted(METRICS)}")
        self.metric_names, self.src, self.tgt = list(metrics), list(edit_languages), list(eval_languages)
        self.cells = nn.ModuleDict({self.key(m, s, t): METRICS[m]() for m in metrics for s in self.src for t in self.tgt})

    @staticmethod
    def key(metric: str, src: str, tgt: str) -> str:
        return f"{metric}__{src}__{tgt}"

    def update(self, metric: str, src: str, tgt: str, values) -> None:
        self.cells[self.key(metric, src, tgt)].update(values)

    def matrix(self, metric: str) -> torch.Tensor:
        """``(len(src), len(tgt))`` values of one metric (NaN where a cell saw no case)."""
        # Every process computes every cell (the sync is collective), also cells it never updated: silence the
        # warning torchmetrics gives for those; their value is NaN unless another process saw cases there.
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*was called before the ``update`` method.*")
            return torch.tensor([[float(self.cells[self.key(metric, s, t)].compute()) for t in self.tgt]
                                 for s in self.src])

    def compute(self, stage: str) -> dict[str, float]:
        out: dict[str, float] = {}
        for m in self.metric_names:
            values = self.matrix(m)
            mono, cross = [], []
            for i, s in enumerate(self.src):
                for j, t in enumerate(self.tgt):
                    v = float(values[i, j])
                    if math.isnan(v):
                        continue
                    out[f"{stage}/{m}/{s}-{t}"] = v
                    (mono if s == t else cross).append(v)
            if mono:
                out[f"{stage}/{m}/mono"] = sum(mono) / len(mono)
            if cross:
                out[f"{stage}/{m}/cross"] = sum(cross) / len(cross)
        return out

    def reset(self) -> None:
        for cell in self.cells.values():
            cell.reset()
