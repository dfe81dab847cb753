"""The base of gradient editors: editors that turn the gradient of the edit loss at some inner weights into weight
deltas with a trained network (MEND today; KE and LiME next), meta-trained so the edited model generalises and
stays local (methods.md §2, §3).

An edit runs the base model once on the edit prompt + ``target_new``, captures the rank-one factors ``(u, δ)`` of
the gradient of every inner weight (:mod:`~mke_lightning.editors.shared.gradient_capture`) and adds the subclass's
``weight_deltas(factors, rows)`` to those weights. Meta-training forms the edited model functionally
(:mod:`~mke_lightning.editors.shared.functional_lm`: ``functional_call`` with ``{name: W + Δ}``), so the post-edit
losses reach whatever produced ``Δ``. Per case (:mod:`~mke_lightning.editors.shared.edit_examples` draws its
sequences), each case edited on its own:

* ``L_edit``: the edited model's NLL of the outer (generalisation) inputs, each sequence's mean-token NLL averaged;
* ``L_loc``: ``KL(base ‖ edited)`` at the positions that predict the locality answers (:func:`mean_kl`);
* objective ``c_edit·L_edit + c_loc·L_loc``; with SSS (``sss_weight`` C > 0, training only):
  ``C·SSS + (1 − C)·(c_edit·L_edit + c_loc·L_loc)`` (C weights the whole objective, as the EditSSS code does for
  MEND), SSS being the squared norm of ``∂L_edit/∂h`` at the edited model's final hidden states on the outer inputs,
  by the closed form of :func:`~mke_lightning.losses.sss.sss_closed_form` (needs an LM head without bias).

The options of this objective are one group, :class:`MetaTraining` (``model.meta.*``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

import torch
from torch import nn

from mke_lightning.data.schema import EditCase
from mke_lightning.editors.applied import AppliedEdit, WeightEdit
from mke_lightning.editors.shared.edit_examples import EditExample, LocScope, Outer, Triple, make_example
from mke_lightning.editors.shared.functional_lm import TrunkSplit, find_trunk, target_logits
from mke_lightning.editors.shared.gradient_capture import GradientFactors, capture_gradient_factors
from mke_lightning.editors.trained import EditorTraining, TrainedEditor
from mke_lightning.losses.locality import mean_kl
from mke_lightning.losses.sss import sss_closed_form
from mke_lightning.models.adapter import from_out_in
from mke_lightning.models.encoding import PromptTargetBatch, encode_prompt_target
from mke_lightning.option_ranges import NonNegativeFloat, PositiveFloat, PositiveInt, UnitFloat


@dataclass(frozen=True)
class MetaTraining(EditorTraining):
    """Meta-training options of a gradient editor (``model.meta.*``): the objective, the examples it is measured
    on, and the optimiser. The defaults are MEND's paper values (GPT-2 XL scale)."""

    lr_lr: PositiveFloat = 1e-4
    """Adam learning rate of learned edit step sizes (editors that have them: MEND)."""
    c_edit: NonNegativeFloat = 0.1
    """Weight of the generalisation loss L_edit."""
    c_loc: NonNegativeFloat = 1.0
    """Weight of the locality KL."""
    outer: Outer = "all"
    """Inputs of L_edit: paraphrases (source language), cross_lingual (other languages) or all."""
    loc_scope: LocScope = "all"
    """Neighbourhood prompts of the source language only (edit) or of every language (all)."""
    max_outer: PositiveInt | None = 16
    """At most this many outer sequences per example (null: all)."""
    max_loc: PositiveInt | None = 8
    """At most this many locality sequences per example (null: all)."""
    sss_weight: UnitFloat = 0.0
    """SSS weight C in C·SSS + (1 − C)·(c_edit·L_edit + c_loc·L_loc); 0 disables SSS."""
    sampling_seed: int = 0
    """Seed of the per-case sampling of source language, outer and locality sequences (apart from the data's
    seed, which picks cases)."""

    def __post_init__(self):
        super().__post_init__()
        if self.outer not in ("paraphrases", "cross_lingual", "all"):
            raise ValueError(f"model.meta.outer must be paraphrases, cross_lingual or all, got {self.outer!r}")
        if self.loc_scope not in ("edit", "all"):
            raise ValueError(f"model.meta.loc_scope must be edit or all, got {self.loc_scope!r}")


class GradientEditor(TrainedEditor):
    """Base of gradient editors: the edit and the meta-objective over an abstract ``weight_deltas``.

    To add a gradient editor (MEND; KE and LiME next), override:

    * ``__init__`` (as for :class:`~mke_lightning.editors.trained.TrainedEditor`) with
      ``meta: MetaTraining = MetaTraining(...)`` (or a subclass of it, set as ``options_class``);
    * ``configure_model``: call ``super().configure_model()``, set :attr:`inner_names` (the modules whose weights
      are edited, named relative to ``base_model``) and build the editor's networks;
    * :meth:`weight_deltas`: ``{inner name: Δ}`` in ``(out, in)`` layout from the gradient factors of some rows,
      differentiably (meta-training back-propagates through it);
    * optionally :meth:`observe_factors` (MEND merges training factors into its running statistics) and
      :meth:`optimizer_groups` (MEND adds its step sizes at ``lr_lr``).

    ``edit``, ``edit_each`` (many independent edits from one gradient capture), ``meta_loss``, ``training_losses`` and ``configure_optimizers`` then work unchanged.
    """

    options_class: ClassVar[type[MetaTraining]] = MetaTraining
    meta: MetaTraining

    def __init__(self, model_name_or_path: str = "checkpoints/world-gpt2", dtype: str = "float32",
                 meta: MetaTraining | None = None):
        super().__init__(model_name_or_path, dtype, meta)
        self.inner_names: list[str] = []
        self._trunk: TrunkSplit | None = None

    def configure_model(self) -> None:
        super().configure_model()
        if self._trunk is None:
            self._trunk = find_trunk(self.base_model)  # looked up once: target_logits runs for every case of every step
            head = self.base_model.get_output_embeddings()
            if self.meta.sss_weight > 0 and getattr(head, "bias", None) is not None:
                raise ValueError(f"SSS in {type(self).__name__} uses the closed form, which needs an LM head "
                                 "without bias")

    def inner_modules(self) -> dict[str, nn.Module]:
        return {name: self.base_model.get_submodule(name) for name in self.inner_names}

    # ---- what a subclass supplies ---------------------------------------------------------------------------
    def weight_deltas(self, factors: GradientFactors, rows: Sequence[int]) -> dict[str, torch.Tensor]:
        """``{inner module: Δ}`` in ``(out, in)`` layout from the factors of ``rows`` (one edit, or a batch of edits
        applied together); differentiable in the editor's parameters."""
        raise NotImplementedError

    def observe_factors(self, factors: GradientFactors, n_rows: int) -> None:
        """Called in training with each batch's factors (rows ``0..n_rows-1``) before any ``weight_deltas``."""

    def optimizer_groups(self) -> list[dict]:
        """Adam's parameter groups: by default one, every trainable parameter outside the base model at ``lr``."""
        editor = [p for n, p in self.named_parameters() if p.requires_grad and not n.startswith(self.unsaved_prefix)]
        return [{"params": editor, "lr": self.meta.lr, "name": "editor"}]

    def configure_optimizers(self):
        return torch.optim.Adam(self.optimizer_groups())

    # ---- the edit -------------------------------------------------------------------------------------------
    def capture(self, triples: Sequence[Triple]) -> GradientFactors:
        """The gradient factors at the inner modules of the NLL of each ``(prompt, target, language)`` row."""
        batch = encode_prompt_target(self.tokenizer, *zip(*triples)).to(self.device)
        return capture_gradient_factors(self.base_model, self.inner_names, batch)

    def edit(self, cases: Sequence[EditCase], src_lang: str) -> AppliedEdit:
        return self._edits(cases, src_lang, [range(len(cases))])[0]

    def edit_each(self, cases: Sequence[EditCase], src_lang: str) -> list[AppliedEdit]:
        """One gradient capture for all cases (each row's factors are its own loss's: the rows do not interact),
        then each case's deltas from its own rows."""
        return self._edits(cases, src_lang, [[i] for i in range(len(cases))])

    def _edits(self, cases: Sequence[EditCase], src_lang: str, row_sets: Sequence[Sequence[int]]) -> list[AppliedEdit]:
        """One edit per set of rows, from one capture of the cases' edit prompts + targets."""
        views = [case.views[src_lang] for case in cases]
        with torch.inference_mode(False):
            factors = self.capture([(v.prompt, v.target_new, src_lang) for v in views])
            with torch.no_grad():
                deltas = [self.weight_deltas(factors, rows) for rows in row_sets]
        modules = self.inner_modules()
        return [WeightEdit.from_deltas(self.base_model,
                                       {f"{n}.weight": from_out_in(modules[n], d) for n, d in delta.items()})
                for delta in deltas]

    # ---- meta-training --------------------------------------------------------------------------------------
    def examples(self, cases: Sequence[EditCase]) -> list[EditExample]:
        m = self.meta
        epoch = self.current_epoch if self._trainer is not None else 0
        langs = self.edit_languages()
        return [make_example(c, langs, m.outer, m.loc_scope, m.max_outer, m.max_loc, m.sampling_seed, epoch)
                for c in cases]

    def target_logits(self, batch: PromptTargetBatch, deltas: dict[str, torch.Tensor] | None = None):
        """:func:`~mke_lightning.editors.shared.functional_lm.target_logits` of the base model edited by ``deltas``."""
        return target_logits(self.base_model, self._trunk, batch, deltas)

    def meta_loss(self, cases: Sequence[EditCase]) -> dict[str, torch.Tensor]:
        """The meta-objective averaged over ``cases`` (each edited on its own), with its parts."""
        m = self.meta
        examples = self.examples(cases)
        factors = self.capture([ex.edit for ex in examples])
        if self.training:
            self.observe_factors(factors, len(examples))
        loc_all = [t for ex in examples for t in ex.loc]
        if loc_all:
            with torch.no_grad():
                base_loc, _, _ = self.target_logits(encode_prompt_target(self.tokenizer, *zip(*loc_all)).to(self.device))
        parts = {"edit": [], "loc": [], "sss": [], "total": []}
        start = 0
        for i, ex in enumerate(examples):
            batch = encode_prompt_target(self.tokenizer, *zip(*(ex.outer + ex.loc))).to(self.device)
            logits, labels, rows = self.target_logits(batch, self.weight_deltas(factors, [i]))
            n_outer = len(ex.outer)
            outer = rows < n_outer
            counts = torch.bincount(rows[outer], minlength=n_outer).clamp(min=1)
            weights = 1.0 / (counts[rows[outer]] * n_outer)  # each outer sequence's mean-token NLL, averaged
            logp = torch.log_softmax(logits[outer].float(), dim=-1).gather(-1, labels[outer].unsqueeze(-1)).squeeze(-1)
            l_edit = -(logp * weights).sum()
            objective = m.c_edit * l_edit
            if ex.loc:
                n = int((~outer).sum())
                l_loc = mean_kl(base_loc[start:start + n], logits[~outer])
                start += n
                objective = objective + m.c_loc * l_loc
                parts["loc"].append(l_loc)
            if m.sss_weight > 0:
                unembedding = self.base_model.get_output_embeddings().weight
                sss = sss_closed_form(logits[outer], labels[outer], weights, unembedding)
                objective = m.sss_weight * sss + (1 - m.sss_weight) * objective
                parts["sss"].append(sss)
            parts["edit"].append(l_edit)
            parts["total"].append(objective)
        return {k: torch.stack(v).mean() for k, v in parts.items() if v}

    def training_losses(self, cases) -> dict[str, torch.Tensor]:
        return self.meta_loss(cases)
