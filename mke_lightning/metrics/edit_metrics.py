"""torchmetrics classes for ES, PS, NS, QS and the F1 family: means of per-case values, synced across processes.

Each ``update`` takes the case values computed by the functional twins in :mod:`mke_lightning.metrics.functional`
(or raw inputs, via the class methods below); states are a sum and a count reduced with ``sum``, so two
processes that saw half the cases each report exactly what one process that saw all of them reports.
"""

from __future__ import annotations

import torch
from torchmetrics import Metric


class CaseMean(Metric):
    """Mean of per-case values in [0, 1]."""

    is_differentiable = False
    higher_is_better = True
    full_state_update = False

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.add_state("total", default=torch.tensor(0.0, dtype=torch.float64), dist_reduce_fx="sum")
        self.add_state("count", default=torch.tensor(0, dtype=torch.long), dist_reduce_fx="sum")

    def update(self, values: torch.Tensor | float | list[float]) -> None:
        values = torch.as_tensor(values, dtype=torch.float64, device=self.total.device).flatten()
        self.total += values.sum()
        self.count += values.numel()

    def compute(self) -> torch.Tensor:
        return self.total / self.count if self.count > 0 else torch.tensor(float("nan"), dtype=torch.float64)


class EditSuccess(CaseMean):
    """ES: share of cases whose edit prompt prefers target_new over target_true (mean-token log-probability)."""


class ParaphraseScore(CaseMean):
    """PS: per case, the share of paraphrases preferring target_new; averaged over cases."""


class NeighborhoodScore(CaseMean):
    """NS: per case, mean token F1 of post-edit greedy answers vs ground truth on neighbourhood prompts."""


class QuestionScore(CaseMean):
    """QS: per case, mean token F1 of post-edit greedy answers vs post-edit multi-hop answers."""


class RelF1(CaseMean):
    """rel_f1: token F1 of the greedy answer vs target_new on the edit prompt."""


class GenF1(CaseMean):
    """gen_f1: mean token F1 of greedy answers vs target_new on the paraphrases."""


class LocF1(CaseMean):
    """loc_f1: mean token F1 of post-edit vs pre-edit greedy answers on neighbourhood prompts."""


METRICS: dict[str, type[CaseMean]] = {"es": EditSuccess, "ps": ParaphraseScore, "ns": NeighborhoodScore,
                                      "qs": QuestionScore, "rel_f1": RelF1, "gen_f1": GenF1, "loc_f1": LocF1}
