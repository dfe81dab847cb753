"""MEND — Model Editor Networks with Gradient Decomposition (Mitchell et al., ICLR 2022), with optional SSS
(EditSSS, ACL Findings 2024), as a LightningModule trained by meta-learning (methods.md §3, §2).

An edit runs the base model once on the edit prompt + ``target_new``, captures the rank-one factors ``(u, δ)`` of
the gradient of every inner weight (:mod:`~mke_lightning.editors.shared.gradient_capture`), maps them through a
per-shape editor network (:mod:`.gradient_transform`) and adds ``−η_ℓ Σ_i δ̃_i ũ_iᵀ`` to each inner weight ``ℓ``.
Meta-training forms the edited model functionally (``torch.func.functional_call`` with ``{name: W + Δ}``) so the
post-edit losses reach the editor networks and the step sizes ``η``. The edit, the meta-objective and the training
plumbing are :class:`~mke_lightning.editors.gradient_editor.GradientEditor`'s; MEND supplies the editor networks,
the step sizes and :meth:`MendEditor.weight_deltas`. Training options are the ``model.meta`` group
(:class:`~mke_lightning.editors.gradient_editor.MetaTraining`); the architecture options are flat.

Decisions on the spec's ambiguities (methods.md §3, §14):
* inner parameters: both FFN matrices (LLaMA: gate, up and down) of the last three blocks by default
  (``layers``, ``ffn``);
* the generalisation loss ``L_edit`` is measured on the *outer* inputs, not on the edit input (EasyEdit's defect):
  by default the source-language paraphrases **and** every other language's prompt and paraphrases (``meta.outer``);
* the locality KL is taken at the positions that *predict* the neighbourhood answers (:func:`locality_kl`), on
  neighbourhood prompts of every language by default (``meta.loc_scope``);
* the update is ``W − η·∇̃`` with ``η`` initialised positive, so an untrained editor is one gradient-descent step on
  the normalised factors; the reference writes ``W + η·∇̃`` and lets ``η`` turn negative — the same family of
  edits with the sign folded into ``η``;
* ReLU in every editor layer but the last (``relu_last`` for the reference's behaviour); running (Welford)
  normalisation of ``u`` and ``δ`` by default, LayerNorm (LiME) with ``norm: layer``; the statistics are merged once
  per training batch, all processes' tokens together under DDP;
* the low-rank factor ``V`` is initialised ``N(0, 1/D)`` rather than ``N(0, 1)``, keeping pre-activations O(1) for any
  width ``D`` (``U = 0`` keeps the network the identity at initialisation either way);
* SSS (``meta.sss_weight`` C > 0, training only): ``C·SSS + (1 − C)·(c_edit·L_edit + c_loc·L_loc)`` (C weights
  the whole objective, as the EditSSS code does for MEND); SSS is the squared norm of ``∂L_edit/∂h`` at the edited model's
  final hidden states on the outer inputs — where our ``L_edit`` is computed — by the closed form of
  :func:`~mke_lightning.losses.sss.sss_closed_form` (needs an LM head without bias; differentiable, no double
  backward through the trunk);
* one Adam, two parameter groups: the editor networks (``meta.lr``) and the step sizes (``meta.lr_lr``); gradient
  clipping and accumulation are the Trainer's (``gradient_clip_val``, ``accumulate_grad_batches``);
* a step whose loss or gradients are NaN/Inf is skipped (in every process) and counted
  (``train/nonfinite_steps``); after ``meta.max_nonfinite_steps`` such steps in a row training stops with an error;
* checkpoints hold the editor's parameters and statistics only, never the frozen base model;
* the batched single mode (``edit_batch_size``) computes the edits of B cases from one gradient capture but scores
  each case on its own (:meth:`MendEditor.scored_together` is ``None``): MEND changes both FFN matrices of three
  blocks, and adding each batch row's dense ``ΔW x`` to six matrices costs more than the shared forwards save (on the
  world GPT-2 model, 32 cases: 0.111 s of scoring per case together against 0.064 s one at a time).
"""

from __future__ import annotations

from typing import Literal

import torch
from torch import nn

from mke_lightning.editors.base import register_editor
from mke_lightning.editors.gradient_editor import GradientEditor, MetaTraining
from mke_lightning.editors.mend.gradient_transform import GradientTransform, Norm
from mke_lightning.editors.shared.gradient_capture import GradientFactors, group_by_shape
from mke_lightning.models.adapter import ArchitectureAdapter
from mke_lightning.option_ranges import NonNegativeInt, PositiveFloat, PositiveInt


@register_editor("mend")
class MendEditor(GradientEditor):
    """MEND: one :class:`GradientTransform` per inner-weight shape and a learned step size per inner weight.

    State-dict entries (the checkpoint's; kept stable so saved editors load): ``edit_lrs`` and
    ``transforms.<d_out>x<d_in>.…``. Checkpoints of the flat-option MEND (``lr``, ``c_edit``, ... at the top level)
    load through :meth:`~mke_lightning.editors.trained.TrainedEditor.upgrade_hparams`.
    """

    def __init__(
        self,
        model_name_or_path: str = "checkpoints/world-gpt2",
        dtype: str = "float32",
        layers: list[int] | None = None,
        ffn: Literal["both", "in", "out"] = "both",
        rank: PositiveInt = 1920,
        n_hidden: NonNegativeInt = 1,
        norm: Norm = "running",
        relu_last: bool = False,
        edit_lr: PositiveFloat = 1e-4,
        meta: MetaTraining = MetaTraining(),
    ):
        """Options (each one is a command-line option of `mke`).

        Args:
            model_name_or_path: the frozen base causal LM (local HF directory or hub id).
            dtype: parameter dtype of the base model.
            layers: blocks whose FFN weights are edited (negative counts from the end); ``None``: the last three.
            ffn: which FFN matrices of those blocks: ``both``, ``in`` (LLaMA: gate and up) or ``out``.
            rank: rank of each low-rank editor layer (capped at ``d_in + d_out``).
            n_hidden: hidden layers of the editor network (it has ``n_hidden + 1`` residual layers).
            norm: normalisation of ``u`` and ``δ``: ``running`` (Welford statistics, MEND), ``layer`` (LiME), ``none``.
            relu_last: apply the activation in the last editor layer too (the reference implementation).
            edit_lr: initial value of every learned edit step size ``η``.
            meta: meta-training options (``model.meta.lr``, ``model.meta.c_edit``, ...; see :class:`MetaTraining`).
        """
        super().__init__(model_name_or_path, dtype, meta)
        self.save_hyperparameters()
        if ffn not in ("both", "in", "out"):
            raise ValueError(f"model.ffn must be both, in or out, got {ffn!r}")
        self.layers = list(layers) if layers is not None else [-3, -2, -1]
        self.transforms: nn.ModuleDict | None = None
        self.edit_lrs: nn.Parameter | None = None

    # ---- construction ---------------------------------------------------------------------------------------
    def configure_model(self) -> None:
        super().configure_model()
        if self.transforms is not None:
            return
        adapter = ArchitectureAdapter(self.base_model)
        names = []
        for layer in self.layers:
            if self.hparams.ffn in ("both", "in"):
                names.extend(adapter.ffn_in_names(layer))
            if self.hparams.ffn in ("both", "out"):
                names.append(adapter.ffn_out_name(layer))
        if len(set(names)) != len(names):
            raise ValueError(f"model.layers {self.layers} name a block twice")
        self.inner_names = names
        self.groups = group_by_shape(names, self.inner_modules())
        self.transforms = nn.ModuleDict({
            f"{d_out}x{d_in}": GradientTransform(d_in, d_out, len(group), self.hparams.rank, self.hparams.n_hidden,
                                                 self.hparams.norm, self.hparams.relu_last)
            for (d_out, d_in), group in self.groups.items()})
        self.edit_lrs = nn.Parameter(torch.full((len(names),), float(self.hparams.edit_lr)))
        self.transforms.to(self.base_model.device)
        self.edit_lrs.data = self.edit_lrs.data.to(self.base_model.device)

    # ---- the edit -------------------------------------------------------------------------------------------
    def scored_together(self, edits):
        """``None``: each case's edit is scored on its own (see the module docstring)."""
        return None

    def weight_deltas(self, factors: GradientFactors, rows) -> dict[str, torch.Tensor]:
        """``{inner module: −η·∇̃}`` in ``(out, in)`` layout from the factors of ``rows`` (one edit, or a batch of
        edits applied together)."""
        deltas = {}
        index = {name: i for i, name in enumerate(self.inner_names)}
        for (d_out, d_in), names in self.groups.items():
            transform = self.transforms[f"{d_out}x{d_in}"]
            for mode, name in enumerate(names):
                pairs = [factors.rows(name, r) for r in rows]
                u = torch.cat([p[0] for p in pairs]).float()
                delta = torch.cat([p[1] for p in pairs]).float()
                deltas[name] = -self.edit_lrs[index[name]] * transform.pseudo_gradient(u, delta, mode)
        return deltas

    def observe_factors(self, factors: GradientFactors, n_rows: int) -> None:
        """Merge the training batch's factors into each network's running statistics (``norm: running``)."""
        for (d_out, d_in), names in self.groups.items():
            rows = [factors.rows(n, r) for n in names for r in range(n_rows)]
            self.transforms[f"{d_out}x{d_in}"].update_statistics(torch.cat([p[0] for p in rows]).float(),
                                                                torch.cat([p[1] for p in rows]).float())

    # ---- optimisation ---------------------------------------------------------------------------------------
    def optimizer_groups(self) -> list[dict]:
        editor = [p for p in self.transforms.parameters() if p.requires_grad]
        return [{"params": editor, "lr": self.meta.lr, "name": "editor"},
                {"params": [self.edit_lrs], "lr": self.meta.lr_lr, "name": "edit_lrs"}]

    def on_finite_optimizer_step(self) -> None:
        self.log("train/edit_lr_mean", self.edit_lrs.detach().mean())
