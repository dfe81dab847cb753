"""One metric per (metric, source language, target language), logged as ``{stage}/{metric}/{s}-{t}``, with
``/mono`` (mean over s = t) and ``/cross`` (mean over s != t, the papers' transferability).

Next to the metrics, the number of cases behind each cell: cases edited per source language and cases scored per
(source, target) pair, summed across processes like the metric states, so a DDP run reports the whole data's counts
and each language's score can be read with the number of cases it rests on.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence

import torch
from torch import nn
from torchmetrics import Metric

from mke_lightning.metrics.edit_metrics import METRICS


class CaseCount(Metric):
    """A number of cases, summed across processes."""

    full_state_update = False

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.add_state("n", default=torch.tensor(0, dtype=torch.long), dist_reduce_fx="sum")

    def update(self, n: int = 1) -> None:
        self.n += n

    def compute(self) -> torch.Tensor:
        return self.n


class CrossLingualMetrics(nn.Module):
    def __init__(self, metrics: Sequence[str], edit_languages: Sequence[str], eval_languages: Sequence[str]):
        super().__init__()
        unknown = [m for m in metrics if m not in METRICS]
        if unknown:
            raise ValueError(f"unknown metrics {unknown}; known: {sorted(METRICS)}")
        self.metric_names, self.src, self.tgt = list(metrics), list(edit_languages), list(eval_languages)
        self.cells = nn.ModuleDict({self.key(m, s, t): METRICS[m]() for m in metrics for s in self.src for t in self.tgt})
        self.edited = nn.ModuleDict({s: CaseCount() for s in self.src})
        self.scored = nn.ModuleDict({f"{s}__{t}": CaseCount() for s in self.src for t in self.tgt})

    @staticmethod
    def key(metric: str, src: str, tgt: str) -> str:
        return f"{metric}__{src}__{tgt}"

    def update(self, metric: str, src: str, tgt: str, values) -> None:
        self.cells[self.key(metric, src, tgt)].update(values)

    def count_case(self, src: str, tgts) -> None:
        """One case edited in ``src`` and scored in each language of ``tgts``."""
        self.edited[src].update()
        for tgt in tgts:
            self.scored[f"{src}__{tgt}"].update()

    def metric_count(self, metric: str, src: str, tgt: str) -> int:
        """Cases that gave ``metric`` a value in the (src, tgt) cell (synced)."""
        cell = self.cells[self.key(metric, src, tgt)]
        with cell.sync_context():
            return int(cell.count)

    def case_counts(self) -> dict[str, dict[str, int]]:
        """``{"edited": {src: n}, "scored": {"src-tgt": n}}``, synced across processes."""
        return {"edited": {s: int(self.edited[s].compute()) for s in self.src},
                "scored": {f"{s}-{t}": int(self.scored[f"{s}__{t}"].compute()) for s in self.src for t in self.tgt}}

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
        for cell in [*self.cells.values(), *self.edited.values(), *self.scored.values()]:
            cell.reset()
