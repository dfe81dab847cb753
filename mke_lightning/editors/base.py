"""The editor contract (design.md §3.3): every editor is a LightningModule registered by name that implements
``edit(cases, src_lang) -> AppliedEdit`` and may override ``scoring_lm()``.

The base class owns the frozen base model and its tokenizer (loaded once, in ``configure_model``, from any HF
causal LM path or hub id), and gives training-free editors the no-op ``validation_step`` / ``test_step`` that
Lightning needs: the :class:`~mke_lightning.evaluation.callback.EditEvaluationCallback` does the scoring.

A new editor overrides:

* ``edit(cases, src_lang)``: compute the edit of ``cases`` (their ``src_lang`` views, or every view for editors with
  ``uses_parallel_views``) and return it as an :class:`~mke_lightning.editors.applied.AppliedEdit`, applied on
  entry and restored bit for bit on exit (``WeightEdit`` for weight changes, ``HookEdit`` for activation edits;
  state an editor keeps for its edits, such as demonstrations or a memory, is pushed on entry and popped on exit);
* ``scoring_lm(batch_size)``, only if the edit changes what the model is asked rather than the model itself
  (prompts rewritten, or routed to another model): return a :class:`~mke_lightning.evaluation.lm.ScoringLM` that
  answers as the edited system does while the edit is active;
* ``edit_each(cases, src_lang)``, optionally: the edit of each case alone (what ``edit([case], src_lang)`` returns
  for it, computed on the unedited model), for the batched single mode (``edit_batch_size`` > 1 of the evaluation):
  an editor that can compute several independent edits together (ROME's target optimisations as one batch, MEND's
  gradient factors in one pass) overrides it; the default computes them one ``edit`` at a time; ``scored_together``
  (rarely overridden) then scores such a batch in shared forwards, each row with its own case's edit;
* ``fast_test_options``: keyword arguments that make one edit quick on the tiny test models (the restore matrix of
  ``tests/editors/test_restore.py`` builds every registered editor with them).

Trained editors start from :class:`~mke_lightning.editors.trained.TrainedEditor` instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import lightning as L

from mke_lightning.data.schema import EditCase
from mke_lightning.editors.applied import AppliedEdit
from mke_lightning.editors.row_weights import RowWeightEdit
from mke_lightning.evaluation.lm import HFScoringLM, ScoringLM
from mke_lightning.models.loading import load_causal_lm

#: name -> editor class; filled by :func:`register_editor`.
EDITORS: dict[str, type[BaseEditor]] = {}


def register_editor(name: str):
    """Class decorator: register an editor under ``name`` (the restore matrix of the tests runs every registered
    editor)."""

    def wrap(cls: type[BaseEditor]) -> type[BaseEditor]:
        if name in EDITORS and EDITORS[name] is not cls:
            raise ValueError(f"editor name {name!r} is taken by {EDITORS[name].__qualname__}")
        cls.editor_name = name
        EDITORS[name] = cls
        return cls

    return wrap


class BaseEditor(L.LightningModule):
    """Base of every editor.

    Class attributes:
        editor_name: the registry name.
        uses_parallel_views: the method reads other languages' views of the case being edited (reports show it).
        fast_test_options: ``__init__`` keyword arguments for a quick edit on the tiny test models.
    """

    editor_name: ClassVar[str] = ""
    uses_parallel_views: ClassVar[bool] = False
    fast_test_options: ClassVar[dict[str, Any]] = {}

    def __init__(self, model_name_or_path: str = "checkpoints/world-gpt2", dtype: str = "float32"):
        """Options (each one is a command-line option of `mke`).

        Args:
            model_name_or_path: the base causal LM: a local HF directory (default: the shipped GPT-2 world model) or
                a hub id such as ``ai-forever/mGPT``.
            dtype: parameter dtype of the base model (``float32``, ``bfloat16``, ``float16``).
        """
        super().__init__()
        self.save_hyperparameters()  # subclasses with more options call it again with theirs
        self.model_name_or_path, self.dtype_name = model_name_or_path, dtype
        self.base_model = None
        self.tokenizer = None

    def configure_model(self) -> None:
        if self.base_model is None:
            self.base_model, self.tokenizer = load_causal_lm(self.model_name_or_path, self.dtype_name)

    def edit(self, cases: Sequence[EditCase], src_lang: str) -> AppliedEdit:
        """Return the edit of ``cases`` (their ``src_lang`` views) as a context manager; it is applied on entry."""
        raise NotImplementedError

    def edit_each(self, cases: Sequence[EditCase], src_lang: str) -> list[AppliedEdit]:
        """The edit of each case on its own, as ``edit([case], src_lang)`` would return it (none applied yet; each
        computed on the unedited model). Default: one ``edit`` call per case; editors that batch override it."""
        return [self.edit([case], src_lang) for case in cases]

    def scored_together(self, edits: Sequence[AppliedEdit]):
        """One edit under which the cases of ``edits`` (from :meth:`edit_each`) are scored in shared forwards, each
        batch row with its own case's edit (:class:`~mke_lightning.editors.row_weights.RowWeightEdit`), or ``None``
        to score them one at a time. Default: weight edits of the same parameters, when the editor scores through
        the base model (``scoring_lm`` not overridden)."""
        if type(self).scoring_lm is not BaseEditor.scoring_lm:
            return None
        return RowWeightEdit.of(self.base_model, self.tokenizer, edits)

    def scoring_lm(self, batch_size: int = 256) -> ScoringLM:
        """What the evaluation queries while an edit of this editor is active (and, outside any edit, the unedited
        system): by default the base model itself, ``batch_size`` sequences per padded forward / generation."""
        return HFScoringLM(self.base_model, self.tokenizer, batch_size)

    def transfer_batch_to_device(self, batch, device, dataloader_idx):
        # Batches are lists of EditCase (text): editors tokenize per language themselves, nothing to move.
        return batch

    def validation_step(self, batch, batch_idx):
        return None

    def test_step(self, batch, batch_idx):
        return None

    def configure_optimizers(self):
        return None
