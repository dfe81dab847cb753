"""Hyperparameters into the logger once, naming the metrics the HParams tab shows, without extra metric points.

Lightning's ``TensorBoardLogger.log_hyperparams(params, metrics)`` writes ``metrics`` as scalars at step 0 besides
the HParams summary; called after every validation, that gives every headline curve a false point at step 0. The
HParams tab needs only the metric *tags*: it reads their values from the scalars the run logs at their real steps.
So for TensorBoard the summary is written here with the tags alone; any other logger gets its own
``log_hyperparams(params)`` without metrics.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import lightning as L


def log_hparams(trainer: L.Trainer, params: dict[str, Any], metric_tags: Sequence[str]) -> None:
    """Record ``params`` (nested dicts are flattened to ``a/b``) for the run, with ``metric_tags`` as its metrics."""
    logger = trainer.logger
    if logger is None:
        return
    from lightning.pytorch.loggers import TensorBoardLogger

    if not isinstance(logger, TensorBoardLogger):
        logger.log_hyperparams(params)
        return
    from lightning.fabric.utilities.logger import _convert_params, _flatten_dict
    from torch.utils.tensorboard.summary import hparams

    params = _convert_params(params)
    logger.hparams.update(params)  # what hparams.yaml holds
    flat = logger._sanitize_params(_flatten_dict(params))
    flat = {k: v if isinstance(v, (bool, int, float, str)) else str(v) for k, v in flat.items()}
    writer = logger.experiment._get_file_writer()
    for summary in hparams(flat, {tag: 0.0 for tag in metric_tags}):
        writer.add_summary(summary, trainer.global_step)
