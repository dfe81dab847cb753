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
* covariance corpus: the world corpus by default (multilingual), any corpus through ``mom2_corpus``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import torch

from mke_lightning.data.schema import EditCase
from mke_lightning.editors.applied import AppliedEdit, WeightEdit
from mke_lightning.editors.base import register_editor
from mke_lightning.editors.shared.keys import Request, averaged_keys, io_at_subject
from mke_lightning.editors.shared.locate_edit import LocateThenEditEditor
from mke_lightning.editors.shared.target_optimization import optimize_targets
from mke_lightning.models.adapter import ArchitectureAdapter, from_out_in


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
    #: PMET's adaptive NLL factor (:mod:`..shared.target_optimization`).
    adaptive_nll: ClassVar[bool] = False

    def __init__(
        self,
        model_name_or_path: str = "checkpoints/world-gpt2",
        dtype: str = "float32",
        layers: list[int] | None = None,
        mom2_update_weight: float = 15000.0,
        v_num_grad_steps: int = 20,
        v_lr: float = 0.5,
        kl_factor: float = 0.0625,
        v_weight_decay: float = 0.5,
        clamp_norm_factor: float = 4.0,
        early_stop_loss: float = 5e-2,
        mom2_adjustment: bool = True,
        mom2_corpus: str = "world",
        mom2_n_samples: int = 10_000,
        mom2_dtype: str = "float32",
        cache_dir: str | None = None,
        context_templates_per_seed: int = 1,
        context_template_lengths: list[int] | None = None,
        template_seeds: dict[str, list[str]] | None = None,
        kl_prompts: dict[str, str] | None = None,
        target_batch_size: int = 64,
    ):
        """Options (each one is a command-line option of `mke`).

        Args:
            model_name_or_path: the base causal LM (local HF directory or hub id).
            dtype: parameter dtype of the base model.
            layers: blocks whose FFN out-projections are edited (``None``: ``[1, 2]``; references: 13–17 GPT-2 XL,
                3–8 GPT-J, 4–8 LLaMA-7B).
            mom2_update_weight: λ, weight of the covariance term against the new keys.
            v_num_grad_steps: Adam steps of the z optimisation.
            v_lr: Adam learning rate of δ.
            kl_factor: weight of the KL term on "{subject} is a".
            v_weight_decay: weight of ``‖δ‖ / ‖h_init‖²``.
            clamp_norm_factor: ``‖δ‖ ≤ clamp_norm_factor · ‖h_init‖`` (references 0.75 for GPT-2 XL / GPT-J, 4 for
                LLaMA).
            early_stop_loss: stop a request's optimisation once its loss is below this.
            mom2_adjustment: use the covariance term (``False``: minimum-norm least squares).
            mom2_corpus: covariance corpus: ``world``, a local text/JSON(L) file or directory, or a ``datasets`` id.
            mom2_n_samples: corpus texts of the covariance statistics.
            mom2_dtype: accumulation dtype of the statistics (``float32`` or ``float64``).
            cache_dir: root of the on-disk caches (``None``: ``$MKE_CACHE_DIR`` or ``~/.cache/mke_lightning``).
            context_templates_per_seed: generated prefixes per seed word (0: only ``"{}"``).
            context_template_lengths: maximum tokens of the generated prefixes (``None``: ``[10]``).
            template_seeds: seed words per language, overriding the built-in ones.
            kl_prompts: KL prompt per language (``{}`` = subject), overriding the built-in ones.
            target_batch_size: requests whose target vectors are optimised together in one batch.
        """
        super().__init__(model_name_or_path, dtype, v_num_grad_steps=v_num_grad_steps, v_lr=v_lr, kl_factor=kl_factor,
                         v_weight_decay=v_weight_decay, clamp_norm_factor=clamp_norm_factor,
                         early_stop_loss=early_stop_loss, mom2_adjustment=mom2_adjustment, mom2_corpus=mom2_corpus,
                         mom2_n_samples=mom2_n_samples, mom2_dtype=mom2_dtype, cache_dir=cache_dir,
                         context_templates_per_seed=context_templates_per_seed,
                         context_template_lengths=context_template_lengths or [10], template_seeds=template_seeds,
                         kl_prompts=kl_prompts, target_batch_size=target_batch_size,
                         adaptive_nll=self.adaptive_nll)
        self.save_hyperparameters()
        self.layers = sorted(layers if layers is not None else [1, 2])
        if not self.layers:
            raise ValueError("model.layers must name at least one layer")
        self.mom2_update_weight = mom2_update_weight

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
    def compute_deltas(self, requests: Sequence[Request]) -> dict[str, torch.Tensor]:
        """Parameter name -> new weight after writing ``requests`` (the model is left unchanged)."""
        model, tok = self.base_model, self.tokenizer
        adapter = ArchitectureAdapter(model)
        layers = [layer % adapter.num_layers for layer in self.layers]
        last = layers[-1]
        groups, site = self.template_groups(requests), self.residual_site(adapter, last)
        targets = optimize_targets(model, tok, requests, groups, self.kl_prompts(requests),
                                   self.optimization_sites(adapter, last), self.optimization)
        self.last_losses = targets.losses
        z = targets.target(site)
        moments = self.second_moments(layers) if self.mom2_adjustment else {}
        modules = {layer: adapter.ffn_out(layer) for layer in layers}
        originals = {layer: m.weight.detach().clone() for layer, m in modules.items()}
        prompts, subjects = [r.prompt for r in requests], [r.subject for r in requests]
        try:
            for i, layer in enumerate(layers):
                keys = averaged_keys(model, tok, adapter.ffn_out_name(layer), requests, groups, self.key_average)
                current = io_at_subject(model, tok, [site], prompts, subjects)[site][1]
                residuals = (z - current) / self.spread(len(layers) - i)
                delta = spread_update(keys, residuals, moments.get(layer), self.mom2_update_weight)
                weight = modules[layer].weight
                with torch.no_grad():
                    weight.add_(from_out_in(modules[layer], delta).to(weight.dtype))
            return {adapter.ffn_out_name(layer) + ".weight": modules[layer].weight.detach().clone() for layer in layers}
        finally:
            with torch.no_grad():
                for layer, module in modules.items():
                    module.weight.copy_(originals[layer])

    def edit(self, cases: Sequence[EditCase], src_lang: str) -> AppliedEdit:
        return WeightEdit(self.base_model, self.compute_deltas(self.requests(cases, src_lang)))


@register_editor("m_memit")
class MMemitEditor(MemitEditor):
    """M-MEMIT: every language view of each case is one request of the MEMIT batch (own prompt, subject, target)."""

    uses_parallel_views = True
