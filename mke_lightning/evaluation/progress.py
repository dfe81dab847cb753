"""The training bar ``mke fit`` shows: Lightning's own, with the step budget where it would print ``Epoch 0/-2``.

A run bounded by ``max_steps`` has ``max_epochs = -1``, which Lightning's rich bar prints as ``Epoch 0/-2``; this bar
prints ``Epoch 0 · step budget 600`` instead (and ``Epoch 0/9`` as before when the run is bounded by epochs). It is the
default bar of every ``mke`` Lightning verb; a config that lists its own progress bar callback keeps it.
"""

from __future__ import annotations

from lightning.pytorch.callbacks import RichProgressBar, TQDMProgressBar
from lightning.pytorch.callbacks.progress.rich_progress import _RICH_AVAILABLE


def train_description(trainer, current_epoch: int) -> str:
    """``Epoch E/last`` when the run has an epoch budget, ``Epoch E · step budget N`` when only ``max_steps``."""
    if trainer.max_epochs is not None and trainer.max_epochs >= 0:
        return f"Epoch {current_epoch}/{trainer.max_epochs - 1}"
    if trainer.max_steps is not None and trainer.max_steps >= 0:
        return f"Epoch {current_epoch} · step budget {trainer.max_steps}"
    return f"Epoch {current_epoch}"


class StepBudgetRichBar(RichProgressBar):
    """Lightning's rich progress bar with :func:`train_description`."""

    def _get_train_description(self, current_epoch: int) -> str:
        text = train_description(self.trainer, current_epoch)
        return f"{text:{len(self.validation_description)}}" if len(self.validation_description) > len(text) else text


def default_progress_bar():
    """What Lightning would add (rich when installed, else tqdm), with the step budget in the rich bar's title."""
    return StepBudgetRichBar() if _RICH_AVAILABLE else TQDMProgressBar()
