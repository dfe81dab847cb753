"""MEMIT — Mass-Editing Memory in a Transformer (Meng et al., ICLR 2023); methods.md §7. M-MEMIT: the
multilingual baseline of the LAFN paper (Zhang et al., COLING 2025).

A batch of requests is written into the FFN out-projections of several layers ``ℓ_1 < … < ℓ_R``:

1. per request, a target residual ``z = h_L + δ`` at the last edited layer ``L`` (δ added to the **block output**,
   the residual stream, at the subject's last token; :mod:`..shared.target_optimization`, all requests optimised
   together);
2. for each layer in order, with the previous layers' updates already in the model: keys ``K`` (FFN out-projection
   inputs at the subject's last token, averaged ``grouped`` over the context templates), the current residual
   ``h_L`` at the plain prompt, ``R = z − h_L`` and
   ``ΔW_ℓ = (R / spread) Kᵀ (λ C_ℓ + K Kᵀ)⁻¹`` with ``spread = R_remaining`` (the remaining layers share the
   residual evenly), solved in float64 with a linear solve.

Decisions on the spec's [AMBIGUITY] items (§14.6):

* context templates: ``"{}"`` + 5 prefixes generated from per-language seed words (one each, ≤ 10 tokens, the
  MEMIT repo); keys averaged within each group, then across groups (``"{}"`` weighs 50 %);
* ``mom2_adjustment`` (default on): with it off the covariance term is dropped and the update is the minimum-norm
  least-squares solution ``ΔW = R K⁺`` (``K Kᵀ`` alone is singular for fewer edits than ``d_ff``);
* ``mom2_update_weight`` λ: default 15 000 (EasyEdit; the MEMIT repo 15 000–20 000 for ``d_ff`` = 6 400–16 384 and
  100k Wikipedia texts). The world models (``d_ff`` 384–512, world-corpus statistics) need λ ≈ 10: the share of
  the residual an update reaches at a key is ``s/(1+s)`` with ``s = kᵀC⁻¹k/λ`` (``kᵀC⁻¹k`` ~ ``d_ff``), so a large λ
  leaves most of it unwritten (configs/memit*.yaml set 10);
* the optimisation defaults (lr 0.5, 20 steps, clamp 4) are the references'; the world configs use lr 2, up to
  100 steps, clamp 3 and layers [0, 1] (GPT-2) / [0] (LLaMA: [0, 1] is no better, targets at layer 2 are out of
  reach from en);
* covariance corpus: the world corpus by default (multilingual), any corpus through ``covariance.corpus``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import torch

from mke_lightning.data.schema import EditCase
from mke_lightning.editors.applied import AppliedEdit, WeightEdit, scratch_weights
from mke_lightning.editors.base import register_editor
from mke_lightning.editors.shared.context_templates import ContextTemplateOptions
from mke_lightning.editors.shared.keys import Request, averaged_keys, io_at_subject
from mke_lightning.editors.shared.locate_edit import LocateThenEditEditor
from mke_lightning.editors.shared.target_optimization import TargetOptimization, optimize_targets
from mke_lightning.models.adapter import ArchitectureAdapter, from_out_in
from mke_lightning.option_ranges import NonNegativeFloat


def spread_update(keys: torch.Tensor, residuals: torch.Tensor, second_moment: torch.Tensor | None,
                  mom2_update_weight: float) -> torch.Tensor:
    """``ΔW`` (``(out, in)`` = ``[d, d_ff]``, float64) such that ``ΔW k_i ≈ r_i`` for keys ``[n, d_ff]`` and residuals
    ``[n, d]``: ``R Kᵀ (λC + K Kᵀ)⁻¹`` by a linear solve, or, without ``second_moment``, ``R K⁺`` (minimum-norm
    least squares)."""
    k = keys.double().T  # [d_ff, n]
    r = residuals.double().T  # [d, n]
    if second_moment is None:
        return r @ torch.linalg.pinv(k)
    adj = torch.linalg.solve(mom2_update_weight * second_moment.double() + k @ k.T, k)  # [d_ff, n]
    return r @ adj.T


@register_editor("memit")
class MemitEditor(LocateThenEditEditor):
    key_average = "grouped"
    #: one quick edit on the tiny test models (the restore test).
    fast_test_options: ClassVar[dict[str, Any]] = {
        "layers": [0, 1], "optimization": TargetOptimization(v_num_grad_steps=3),
        "templates": ContextTemplateOptions(n_per_seed=0), "mom2_adjustment": False}

    def __init__(self, layers: list[int] | None = None, mom2_update_weight: NonNegativeFloat = 15000.0,
                 optimization: TargetOptimization = TargetOptimization(),
                 templates: ContextTemplateOptions = ContextTemplateOptions(), **kwargs: Any):
        """Options (each one is a command-line option of `mke`).

        Args:
            layers: blocks whose FFN out-projections are edited (``None``: ``[1, 2]``; references: 13–17 GPT-2 XL,
                3–8 GPT-J, 4–8 LLaMA-7B).
            mom2_update_weight: λ, weight of the covariance term against the new keys.
            optimization: the z optimisation (all requests together, ``batch_size`` at a time; references'
                ``clamp_norm_factor``: 0.75 for GPT-2 XL / GPT-J, 4 for LLaMA).
            templates: context templates (MEMIT: one per seed word, up to 10 tokens).
            **kwargs: the options of every locate-then-edit editor
                (:class:`~mke_lightning.editors.shared.locate_edit.LocateThenEditEditor`: ``covariance``,
                ``mom2_adjustment``, ``kl_prompts``, ``model_name_or_path``, ``dtype``).
        """
        super().__init__(optimization=optimization, templates=templates, **kwargs)
        self.layers = sorted(layers if layers is not None else [1, 2])
        if not self.layers:
            raise ValueError("model.layers must name at least one layer")
        self.mom2_update_weight = mom2_update_weight
        self.last_losses: list[list[float]] = []  # diagnostics of the latest edit: loss history per request

    # ---- what differs between MEMIT and PMET ----------------------------------------------------------------
    def optimization_sites(self, adapter: ArchitectureAdapter, last: int) -> list[str]:
        """Modules whose output gets a δ during the target optimisation."""
        return [adapter.block_name(last)]

    def residual_site(self, adapter: ArchitectureAdapter, last: int) -> str:
        """The module whose output (at the last edited layer) the update must move to the target."""
        return adapter.block_name(last)

    def spread(self, remaining: int) -> float:
        return float(remaining)

    # ---- the edit ---------------------------------------------------------------------------------------------
    def optimized_targets(self, requests: Sequence[Request]) -> torch.Tensor:
        """The target ``z`` of each request at the residual site of the last edited layer, ``[n, d]`` (one batched
        optimisation; each request's vectors get only its own gradient, so batching changes no request's ``z``)."""
        adapter = ArchitectureAdapter(self.base_model)
        last = [layer % adapter.num_layers for layer in self.layers][-1]
        targets = optimize_targets(self.base_model, self.tokenizer, requests, self.template_groups(requests),
                                   self.kl_prompts(requests), self.optimization_sites(adapter, last),
                                   self.optimization, self.adaptive_nll)
        self.last_losses = targets.losses
        return targets.target(self.residual_site(adapter, last))

    def compute_new_weights(self, requests: Sequence[Request], z: torch.Tensor | None = None) -> dict[str, torch.Tensor]:
        """Parameter name -> new weight after writing ``requests`` (the model is left unchanged); ``z``: their
        targets when already optimised (:meth:`optimized_targets`)."""
        model, tok = self.base_model, self.tokenizer
        adapter = ArchitectureAdapter(model)
        layers = [layer % adapter.num_layers for layer in self.layers]
        last = layers[-1]
        groups, site = self.template_groups(requests), self.residual_site(adapter, last)
        if z is None:
            z = self.optimized_targets(requests)
        moments = self.second_moments(layers) if self.mom2_adjustment else {}
        names = {layer: adapter.ffn_out_name(layer) + ".weight" for layer in layers}
        prompts, subjects = [r.prompt for r in requests], [r.subject for r in requests]
        with scratch_weights(model, list(names.values())) as params:
            for i, layer in enumerate(layers):
                keys = averaged_keys(model, tok, adapter.ffn_out_name(layer), requests, groups, self.key_average)
                current = io_at_subject(model, tok, [site], prompts, subjects)[site][1]
                residuals = (z - current) / self.spread(len(layers) - i)
                delta = spread_update(keys, residuals, moments.get(layer), self.mom2_update_weight)
                weight = params[names[layer]]
                with torch.no_grad():
                    weight.add_(from_out_in(adapter.ffn_out(layer), delta).to(weight.dtype))
            return {name: params[name].detach().clone() for name in names.values()}

    def edit(self, cases: Sequence[EditCase], src_lang: str) -> AppliedEdit:
        return WeightEdit(self.base_model, self.compute_new_weights(self.requests(cases, src_lang)))

    def edit_each(self, cases: Sequence[EditCase], src_lang: str) -> list[AppliedEdit]:
        """The targets of every case's requests optimised in one batch, then each case's closed-form update on the
        unedited weights alone (the layers of one case build on each other; cases do not)."""
        if len(cases) < 2:
            return super().edit_each(cases, src_lang)
        per_case = [self.requests([case], src_lang) for case in cases]
        z = self.optimized_targets([r for requests in per_case for r in requests])
        edits, start = [], 0
        for requests in per_case:
            edits.append(WeightEdit(self.base_model, self.compute_new_weights(requests, z[start:start + len(requests)])))
            start += len(requests)
        return edits


@register_editor("m_memit")
class MMemitEditor(MemitEditor):
    """M-MEMIT: every language view of each case is one request of the MEMIT batch (own prompt, subject, target)."""

    uses_parallel_views = True
