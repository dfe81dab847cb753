"""Evaluation: batched scoring and generation, per-case metric values, and the edit-evaluation callback."""

from mke_lightning.evaluation.callback import EditEvaluationCallback

__all__ = ["EditEvaluationCallback"]
