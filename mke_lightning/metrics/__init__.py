"""Edit metrics (design.md §3.4): torchmetrics classes, their functional twins, and the cross-lingual collection."""

from mke_lightning.metrics.cross_lingual import CrossLingualMetrics
from mke_lightning.metrics.edit_metrics import (
    METRICS,
    EditSuccess,
    GenF1,
    LocF1,
    NeighborhoodScore,
    ParaphraseScore,
    QuestionScore,
    RelF1,
)
from mke_lightning.metrics.text import answer_tokens, normalize_answer, token_f1

__all__ = ["METRICS", "CrossLingualMetrics", "EditSuccess", "GenF1", "LocF1", "NeighborhoodScore", "ParaphraseScore",
           "QuestionScore", "RelF1", "answer_tokens", "normalize_answer", "token_f1"]
