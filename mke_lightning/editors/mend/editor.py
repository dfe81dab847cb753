"""MEND — Model Editor Networks with Gradient Decomposition (Mitchell et al., ICLR 2022), with optional SSS
(EditSSS, ACL Findings 2024), as a LightningModule trained by meta-learning (methods.md §3, §2).

An edit runs the base model once on the edit prompt + ``target_new``, captures the rank-one factors ``(u, δ)`` of
the gradient of every inner weight (:mod:`.capture`), maps them through a per-shape editor network
(:mod:`.gradient_transform`) and adds ``−η_ℓ Σ_i δ̃_i ũ_iᵀ`` to each inner weight ``ℓ``. Meta-training forms the
edited model functionally (``torch.func.functional_call`` with ``{name: W + Δ}``) so the post-edit losses reach the
editor networks and the step sizes ``η``.

Decisions on the spec's ambiguities (methods.md §3, §14):
* inner parameters: both FFN matrices (LLaMA: gate, up and down) of the last three blocks by default
  (``layers``, ``ffn``);
* the generalisation loss ``L_edit`` is measured on the *outer* inputs, not on the edit input (EasyEdit's defect):
  by default the source-language paraphrases **and** every other language's prompt and paraphrases (``outer``);
* the locality KL is taken at the positions that *predict* the neighbourhood answers (:func:`locality_kl`), on
  neighbourhood prompts of every language by default (``loc_scope``);
* the update is ``W − η·∇̃`` with ``η`` initialised positive, so an untrained editor is one gradient-descent step on
  the normalised factors; the reference writes ``W + η·∇̃`` and lets ``η`` turn negative — the same family of
  edits with the sign folded into ``η``;
* ReLU in every editor layer but the last (``relu_last`` for the reference's behaviour); running (Welford)
  normalisation of ``u`` and ``δ`` by default, LayerNorm (LiME) with ``norm: layer``; the statistics are merged once
  per training batch, all processes' tokens together under DDP;
* the low-rank factor ``V`` is initialised ``N(0, 1/D)`` rather than ``N(0, 1)``, keeping pre-activations O(1) for any
  width ``D`` (``U = 0`` keeps the network the identity at initialisation either way);
* SSS (``sss_weight`` C > 0, training only): ``C·SSS + (1 − C)·(c_edit·L_edit + c_loc·L_loc)`` (C weights the whole
  objective, as the EditSSS code does for MEND); SSS is the squared norm of ``∂L_edit/∂h`` at the edited model's
  final hidden states on the outer inputs — where our ``L_edit`` is computed — by the closed form of
  :func:`~mke_lightning.losses.sss.sss_closed_form` (needs an LM head without bias; differentiable, no double
  backward through the trunk);
* one Adam, two parameter groups: the editor networks (``lr``) and the step sizes (``lr_lr``); gradient clipping
  and accumulation are the Trainer's (``gradient_clip_val``, ``accumulate_grad_batches``);
* a step whose loss or gradients are NaN/Inf is skipped (in every process) and counted
  (``train/nonfinite_steps``); after ``max_nonfinite_steps`` such steps in a row training stops with an error;
* checkpoints hold the editor's parameters and statistics only, never the frozen base model.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Literal

import torch
from torch import nn
from torch.func import functional_call

from mke_lightning.data.schema import EditCase
from mke_lightning.editors.applied import AppliedEdit, WeightEdit
from mke_lightning.editors.base import BaseEditor, register_editor
from mke_lightning.editors.mend.capture import GradientFactors, capture_gradient_factors, group_by_shape
from mke_lightning.editors.mend.examples import LocScope, MendExample, Outer, make_example
from mke_lightning.editors.mend.gradient_transform import GradientTransform, Norm
from mke_lightning.models.encoding import encode_prompt_target, trunk_and_head
from mke_lightning.losses.locality import mean_kl
from mke_lightning.losses.sss import sss_closed_form
from mke_lightning.models.adapter import ArchitectureAdapter, from_out_in

log = logging.getLogger(__name__)

BASE_PREFIX = "base_model."


@register_editor("mend")
class MendEditor(BaseEditor):
    def __init__(
        self,
        model_name_or_path: str = "checkpoints/world-gpt2",
        dtype: str = "float32",
        layers: list[int] | None = None,
        ffn: Literal["both", "in", "out"] = "both",
        rank: int = 1920,
        n_hidden: int = 1,
        norm: Norm = "running",
        relu_last: bool = False,
        edit_lr: float = 1e-4,
        lr: float = 1e-6,
        lr_lr: float = 1e-4,
        c_edit: float = 0.1,
        c_loc: float = 1.0,
        outer: Outer = "all",
        loc_scope: LocScope = "all",
        max_outer: int | None = 16,
        max_loc: int | None = 8,
        train_edit_languages: list[str] | None = None,
        sss_weight: float = 0.0,
        max_nonfinite_steps: int = 10,
        sampling_seed: int = 0,
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
            lr: Adam learning rate of the editor networks.
            lr_lr: Adam learning rate of the step sizes.
            c_edit: weight of the generalisation loss ``L_edit``.
            c_loc: weight of the locality KL.
            outer: inputs of ``L_edit``: ``paraphrases`` (source language), ``cross_lingual`` (other languages) or
                ``all``.
            loc_scope: neighbourhood prompts of the source language only (``edit``) or of every language (``all``).
            max_outer: at most this many outer sequences per example (``None``: all).
            max_loc: at most this many locality sequences per example (``None``: all).
            train_edit_languages: source languages sampled for training edits (``None``: the datamodule's
                ``edit_languages``).
            sss_weight: SSS weight C; 0 disables SSS.
            max_nonfinite_steps: stop training after this many NaN/Inf steps in a row.
            sampling_seed: seed of the per-case sampling of source language, outer and locality sequences (named
                apart from the data's ``seed``, which picks cases).
        """
        super().__init__(model_name_or_path, dtype)
        self.save_hyperparameters()
        if ffn not in ("both", "in", "out"):
            raise ValueError(f"model.ffn must be both, in or out, got {ffn!r}")
        if outer not in ("paraphrases", "cross_lingual", "all"):
            raise ValueError(f"model.outer must be paraphrases, cross_lingual or all, got {outer!r}")
        if loc_scope not in ("edit", "all"):
            raise ValueError(f"model.loc_scope must be edit or all, got {loc_scope!r}")
        if not 0.0 <= sss_weight <= 1.0:
            raise ValueError(f"model.sss_weight (C) must be in [0, 1], got {sss_weight}")
        if max_nonfinite_steps < 1:
            raise ValueError("model.max_nonfinite_steps must be >= 1")
        self.layers = list(layers) if layers is not None else [-3, -2, -1]
        self.transforms: nn.ModuleDict | None = None
        self.edit_lrs: nn.Parameter | None = None
        self.inner_names: list[str] = []
        self.strict_loading = False  # checkpoints leave the frozen base model out (checked in on_load_checkpoint)
        self.nonfinite_steps = 0
        self.nonfinite_in_a_row = 0

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
        modules = self.inner_modules()
        self.groups = group_by_shape(names, modules)
        self.transforms = nn.ModuleDict({
            f"{d_out}x{d_in}": GradientTransform(d_in, d_out, len(group), self.hparams.rank, self.hparams.n_hidden,
                                                 self.hparams.norm, self.hparams.relu_last)
            for (d_out, d_in), group in self.groups.items()})
        self.edit_lrs = nn.Parameter(torch.full((len(names),), float(self.hparams.edit_lr)))
        self.transforms.to(self.base_model.device)
        self.edit_lrs.data = self.edit_lrs.data.to(self.base_model.device)
        self._trunk = self._find_trunk()  # looked up once: target_logits runs for every case of every step
        head = self.base_model.get_output_embeddings()
        if self.hparams.sss_weight > 0 and getattr(head, "bias", None) is not None:
            raise ValueError("SSS in MEND uses the closed form, which needs an LM head without bias")

    def inner_modules(self) -> dict[str, nn.Module]:
        return {name: self.base_model.get_submodule(name) for name in self.inner_names}

    def train(self, mode: bool = True):
        super().train(mode)
        if self.base_model is not None:
            self.base_model.eval()  # the frozen base model never drops out
        return self

    # ---- the edit -------------------------------------------------------------------------------------------
    def weight_deltas(self, factors: GradientFactors, rows: Sequence[int]) -> dict[str, torch.Tensor]:
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

    def _capture(self, triples) -> GradientFactors:
        batch = encode_prompt_target(self.tokenizer, *zip(*triples)).to(self.device)
        return capture_gradient_factors(self.base_model, self.inner_modules(), batch)

    def edit(self, cases: Sequence[EditCase], src_lang: str) -> AppliedEdit:
        views = [case.views[src_lang] for case in cases]
        with torch.inference_mode(False):
            factors = self._capture([(v.prompt, v.target_new, src_lang) for v in views])
            with torch.no_grad():
                deltas = self.weight_deltas(factors, range(len(views)))
        modules = self.inner_modules()
        return WeightEdit.from_deltas(self.base_model, {f"{n}.weight": from_out_in(modules[n], d) for n, d in deltas.items()})

    # ---- meta-training --------------------------------------------------------------------------------------
    def _edit_languages(self) -> list[str]:
        langs = self.hparams.train_edit_languages
        if langs is None and self._trainer is not None:
            langs = getattr(self.trainer.datamodule, "edit_languages", None)
        if not langs:
            raise ValueError("MEND training needs source languages: set model.train_edit_languages or "
                             "data.edit_languages")
        return list(langs)

    def examples(self, cases: Sequence[EditCase]) -> list[MendExample]:
        h = self.hparams
        epoch = self.current_epoch if self._trainer is not None else 0
        langs = self._edit_languages()
        return [make_example(c, langs, h.outer, h.loc_scope, h.max_outer, h.max_loc, h.sampling_seed, epoch)
                for c in cases]

    def _find_trunk(self):
        """``(trunk, its parameter-name prefix, LM head)``, or ``(None, "", None)`` when logits need the full model."""
        trunk, head = trunk_and_head(self.base_model)
        if trunk is None:
            return None, "", None
        prefix = next(name for name, module in self.base_model.named_modules() if module is trunk)
        return trunk, prefix + ".", head

    def target_logits(self, batch, deltas: dict[str, torch.Tensor] | None = None):
        """Logits of the (edited, if ``deltas``) model at the positions that predict label tokens only.

        Returns ``(logits (n, vocab), their labels (n,), their row (n,))``; positions are in row-major order. The
        edited model is ``functional_call(model, {W: W + Δ})``, so gradients flow into ``Δ``.
        """
        modules, params = self.inner_modules(), {}
        for name, delta in (deltas or {}).items():
            weight = modules[name].weight
            params[f"{name}.weight"] = weight + from_out_in(modules[name], delta).to(weight.dtype)
        targets = batch.labels[:, 1:]
        mask = targets != -100  # the logit at t predicts the token at t + 1
        inputs = {"input_ids": batch.input_ids, "attention_mask": batch.attention_mask}
        trunk, prefix, head = self._trunk
        if trunk is None:
            logits = functional_call(self.base_model, params, args=(), kwargs=inputs).logits[:, :-1][mask]
        else:
            own = {k[len(prefix):]: v for k, v in params.items()}
            hidden = functional_call(trunk, own, args=(), kwargs=inputs).last_hidden_state
            logits = head(hidden[:, :-1][mask])
        rows = torch.arange(mask.shape[0], device=mask.device).unsqueeze(1).expand_as(mask)[mask]
        return logits, targets[mask], rows

    def meta_loss(self, cases: Sequence[EditCase]) -> dict[str, torch.Tensor]:
        """The meta-objective averaged over ``cases`` (each edited on its own), with its parts."""
        h = self.hparams
        examples = self.examples(cases)
        factors = self._capture([ex.edit for ex in examples])
        if self.training:
            for (d_out, d_in), names in self.groups.items():
                rows = [factors.rows(n, r) for n in names for r in range(len(examples))]
                self.transforms[f"{d_out}x{d_in}"].update_statistics(torch.cat([p[0] for p in rows]).float(),
                                                                    torch.cat([p[1] for p in rows]).float())
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
            objective = h.c_edit * l_edit
            if ex.loc:
                n = int((~outer).sum())
                l_loc = mean_kl(base_loc[start:start + n], logits[~outer])
                start += n
                objective = objective + h.c_loc * l_loc
                parts["loc"].append(l_loc)
            if h.sss_weight > 0:
                unembedding = self.base_model.get_output_embeddings().weight
                sss = sss_closed_form(logits[outer], labels[outer], weights, unembedding)
                objective = h.sss_weight * sss + (1 - h.sss_weight) * objective
                parts["sss"].append(sss)
            parts["edit"].append(l_edit)
            parts["total"].append(objective)
        return {k: torch.stack(v).mean() for k, v in parts.items() if v}

    def training_step(self, batch, batch_idx):
        parts = self.meta_loss(batch)
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
        self.log("train/edit_lr_mean", self.edit_lrs.detach().mean())

    def _nonfinite(self, what: str) -> None:
        self.nonfinite_steps += 1
        self.nonfinite_in_a_row += 1
        self.log("train/nonfinite_steps", float(self.nonfinite_steps))
        log.warning("MEND: non-finite %s at step %d, step skipped (%d in a row, %d in total)", what,
                    self.global_step, self.nonfinite_in_a_row, self.nonfinite_steps)
        if self.nonfinite_in_a_row >= self.hparams.max_nonfinite_steps:
            raise FloatingPointError(
                f"MEND: {self.nonfinite_in_a_row} training steps in a row had a non-finite {what}; stopping. "
                "Lower model.lr / model.edit_lr, set trainer.gradient_clip_val, or check the training data.")

    def configure_optimizers(self):
        editor = [p for p in self.transforms.parameters() if p.requires_grad]
        return torch.optim.Adam([{"params": editor, "lr": self.hparams.lr, "name": "editor"},
                                 {"params": [self.edit_lrs], "lr": self.hparams.lr_lr, "name": "edit_lrs"}])

    # ---- checkpoints: the editor only ---------------------------------------------------------------------
    def on_save_checkpoint(self, checkpoint: dict) -> None:
        checkpoint["state_dict"] = {k: v for k, v in checkpoint["state_dict"].items() if not k.startswith(BASE_PREFIX)}

    def on_load_checkpoint(self, checkpoint: dict) -> None:
        own = {k: v for k, v in self.state_dict().items() if not k.startswith(BASE_PREFIX)}
        saved = checkpoint["state_dict"]
        missing = sorted(set(own) - set(saved))
        unexpected = sorted(set(saved) - set(own))
        reshaped = sorted(k for k in set(own) & set(saved) if own[k].shape != saved[k].shape)
        if missing or unexpected or reshaped:
            raise KeyError(f"MEND checkpoint does not match this editor (layers, ffn, rank or base model differ): "
                           f"missing {missing[:5]}, unexpected {unexpected[:5]}, other shapes {reshaped[:5]}")
