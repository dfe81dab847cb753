"""Evaluation: the scoring seam (``ScoringLM``), the batched scorer, the query plan and per-case metric values of an
applied edit, the edit loop (edit → score → restore) and the edit-evaluation callback."""

from mke_lightning.evaluation.callback import EditEvaluationCallback
from mke_lightning.evaluation.lm import HFScoringLM, RewritingLM, ScoringLM
from mke_lightning.evaluation.loop import EditLoop

__all__ = ["EditEvaluationCallback", "EditLoop", "HFScoringLM", "RewritingLM", "ScoringLM"]
