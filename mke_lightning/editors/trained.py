"""The base of editors that are trained before they edit (MEND today; KE, LiME and SERAC next): what every trained
editor does the same way, written once.

* the base model is frozen and stays in eval mode while the editor trains (no dropout in the model being edited);
* checkpoints hold the editor only: the state-dict entries under :attr:`TrainedEditor.unsaved_prefix`
  (``base_model.``) are left out on save, and a load checks that the saved entries are exactly this editor's, shape
  for shape, with an error that says so;
* a training step whose loss or gradients are NaN/Inf is skipped in every process (the decision is reduced over
  processes, so DDP never deadlocks on one rank's skip), counted (``train/nonfinite_steps``), and
  ``max_nonfinite_steps`` such steps in a row stop training with an error;
* the source languages of training edits come from the options (``train_edit_languages``) or, by default, from the
  datamodule's ``edit_languages``.

Options shared by trained editors are grouped in :class:`EditorTraining` (the ``model.meta`` group of the command
line); a trained editor extends it with its own (:class:`~mke_lightning.editors.gradient_editor.MetaTraining`).
Checkpoints written before the group existed hold these options flat; :meth:`TrainedEditor.upgrade_hparams`
moves them into the group (the CLI calls it before it reads a checkpoint's hyperparameters).
"""

from __future__ import annotations

import dataclasses
import inspect
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import torch

from mke_lightning.editors.base import BaseEditor
from mke_lightning.editors.options import as_group, plain
from mke_lightning.option_ranges import PositiveFloat, PositiveInt, check_group

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class EditorTraining:
    """Training options every trained editor has (``model.meta.*``); each trained editor extends this group."""

    lr: PositiveFloat = 1e-6
    """Adam learning rate of the editor's networks."""
    train_edit_languages: list[str] | None = None
    """Source languages sampled for training edits (null: the datamodule's ``edit_languages``)."""
    max_nonfinite_steps: PositiveInt = 10
    """Stop training after this many training steps in a row with a NaN/Inf loss or gradient (each is skipped)."""

    def __post_init__(self):
        check_group(self, "model.meta")
        if self.train_edit_languages is not None and not self.train_edit_languages:
            raise ValueError("model.meta.train_edit_languages must name at least one language (or be null)")


class TrainedEditor(BaseEditor):
    """Base of trained editors: frozen base model, editor-only checkpoints, the non-finite step guard, the
    training source languages.

    To add a trained editor, override:

    * ``__init__``: take the architecture options flat and the training options as ``meta: <Options> =
      <Options>(...)`` (an :class:`EditorTraining` subclass, also set as :attr:`options_class`), pass ``meta`` on
      to ``super().__init__`` and call ``self.save_hyperparameters()``; read the options from ``self.meta``;
    * ``configure_model``: call ``super().configure_model()`` (it loads the frozen base model), then build the
      editor's own modules on the base model's device; their state-dict names must stay stable, they are the
      checkpoint's;
    * :meth:`training_losses`: the training objective of a batch of cases, ``{"total": loss, part: value, ...}``
      (:class:`~mke_lightning.editors.gradient_editor.GradientEditor` implements it for gradient editors);
    * ``configure_optimizers``: the optimiser over the editor's own parameters, never the base model's;
    * ``edit(cases, src_lang)``: the edit, as for every editor;
    * optionally :meth:`on_finite_optimizer_step` to log the editor's state after a step that was not skipped.

    Class attributes:
        unsaved_prefix: state-dict prefix of the frozen base model, left out of checkpoints (peft's ``prefix``
            turned around: it names what is *not* the editor's).
        options_class: the dataclass of the ``meta`` option group (a plain dict is converted into it).
    """

    unsaved_prefix: ClassVar[str] = "base_model."
    options_class: ClassVar[type[EditorTraining]] = EditorTraining

    def __init__(self, model_name_or_path: str = "checkpoints/world-gpt2", dtype: str = "float32",
                 meta: EditorTraining | Mapping[str, Any] | None = None):
        """Options (each one is a command-line option of `mke`).

        Args:
            model_name_or_path: the frozen base causal LM (local HF directory or hub id).
            dtype: parameter dtype of the base model.
            meta: the training options (``model.meta.*``); a dict is converted, ``None`` gives the defaults.
        """
        super().__init__(model_name_or_path, dtype)
        self.meta = self.as_options(meta)
        self.strict_loading = False  # checkpoints leave the frozen base model out (checked in on_load_checkpoint)
        self.nonfinite_steps = 0
        self.nonfinite_in_a_row = 0

    @classmethod
    def as_options(cls, meta: EditorTraining | Mapping[str, Any] | None) -> EditorTraining:
        """``meta`` as :attr:`options_class` (Lightning may hand checkpoint hyperparameters back as plain dicts)."""
        return as_group(cls.options_class, meta, "model.meta")

    @classmethod
    def upgrade_hparams(cls, hparams: dict) -> dict:
        """Saved hyperparameters of an earlier version, where the training options were flat (``lr``, ``c_edit``,
        ...), with those options moved into the ``meta`` group; others, and an existing group, are left as they
        are. Called by the CLI on a ``--ckpt_path`` checkpoint's hyperparameters before they are parsed."""
        own = set(inspect.signature(cls.__init__).parameters)
        grouped = {f.name for f in dataclasses.fields(cls.options_class)} - own
        flat = {k: v for k, v in hparams.items() if k in grouped}
        if not flat:
            return dict(hparams)
        upgraded = {k: v for k, v in hparams.items() if k not in flat}
        meta = upgraded.get("meta") or {}
        meta = dataclasses.asdict(meta) if dataclasses.is_dataclass(meta) else dict(meta)
        upgraded["meta"] = {**flat, **meta}
        return upgraded

    # ---- the frozen base model ------------------------------------------------------------------------------
    def train(self, mode: bool = True):
        super().train(mode)
        if self.base_model is not None:
            self.base_model.eval()  # the frozen base model never drops out
        return self

    # ---- training ---------------------------------------------------------------------------------------------
    def edit_languages(self) -> list[str]:
        """Source languages of training edits: ``model.meta.train_edit_languages``, else the datamodule's."""
        langs = self.meta.train_edit_languages
        if langs is None and self._trainer is not None:
            langs = getattr(self.trainer.datamodule, "edit_languages", None)
        if not langs:
            raise ValueError(f"{type(self).__name__} training needs source languages: set "
                             "model.meta.train_edit_languages or data.edit_languages")
        return list(langs)

    def training_losses(self, cases) -> dict[str, torch.Tensor]:
        """The training objective of a batch of cases: ``{"total": loss, ...parts}`` (every part is logged)."""
        raise NotImplementedError

    def training_step(self, batch, batch_idx):
        parts = self.training_losses(batch)
        loss = parts["total"]
        finite = bool(torch.isfinite(loss).item())
        if not self.trainer.strategy.reduce_boolean_decision(finite, all=True):
            self._nonfinite("loss")
            return None
        self.log_dict({f"train/{k}": v.detach() for k, v in parts.items()}, batch_size=len(batch), prog_bar=False)
        self.log("train/loss", loss.detach(), batch_size=len(batch), prog_bar=True)
        return loss

    def on_before_optimizer_step(self, optimizer) -> None:
        grads = [p.grad for group in optimizer.param_groups for p in group["params"] if p.grad is not None]
        if not grads:  # the step was skipped (non-finite loss)
            return
        if not all(torch.isfinite(g).all() for g in grads):  # gradients are already synced under DDP
            for group in optimizer.param_groups:
                for p in group["params"]:
                    p.grad = None  # Adam skips parameters without a gradient: the step is skipped
            self._nonfinite("gradient")
            return
        self.nonfinite_in_a_row = 0
        self.on_finite_optimizer_step()

    def on_finite_optimizer_step(self) -> None:
        """Called before an optimiser step that is not skipped (log the editor's state here)."""

    def _nonfinite(self, what: str) -> None:
        name = self.editor_name.upper() or type(self).__name__
        self.nonfinite_steps += 1
        self.nonfinite_in_a_row += 1
        self.log("train/nonfinite_steps", float(self.nonfinite_steps))
        log.warning("%s: non-finite %s at step %d, step skipped (%d in a row, %d in total)", name, what,
                    self.global_step, self.nonfinite_in_a_row, self.nonfinite_steps)
        if self.nonfinite_in_a_row >= self.meta.max_nonfinite_steps:
            raise FloatingPointError(
                f"{name}: {self.nonfinite_in_a_row} training steps in a row had a non-finite {what}; stopping. "
                "Lower model.meta.lr (or the editor's step sizes), set trainer.gradient_clip_val, or check the "
                "training data.")

    # ---- checkpoints: the editor only -----------------------------------------------------------------------
    def on_save_checkpoint(self, checkpoint: dict) -> None:
        prefix = self.unsaved_prefix
        checkpoint["state_dict"] = {k: v for k, v in checkpoint["state_dict"].items() if not k.startswith(prefix)}
        hparams = checkpoint.get("hyper_parameters")
        if hparams is not None and dataclasses.is_dataclass(hparams.get("meta")):
            hparams["meta"] = plain(hparams["meta"])  # plain types: loadable with weights_only=True

    def on_load_checkpoint(self, checkpoint: dict) -> None:
        own = {k: v for k, v in self.state_dict().items() if not k.startswith(self.unsaved_prefix)}
        saved = checkpoint["state_dict"]
        missing = sorted(set(own) - set(saved))
        unexpected = sorted(set(saved) - set(own))
        reshaped = sorted(k for k in set(own) & set(saved) if own[k].shape != saved[k].shape)
        if missing or unexpected or reshaped:
            raise KeyError(f"{type(self).__name__} checkpoint does not match this editor (its architecture options "
                           f"or base model differ): missing {missing[:5]}, unexpected {unexpected[:5]}, "
                           f"other shapes {reshaped[:5]}")
