"""The common base of the locate-then-edit editors (ROME, MEMIT, PMET and their multilingual variants).

It owns what every one of them needs once per editor instance (never in a module global): the context templates
(:class:`~.context_templates.ContextTemplates`), the covariance statistics (:class:`~.covariance.CovarianceCache`,
loaded once per layer on the **unedited** model, so sequential edits keep the base model's statistics as the
references do), the target-optimisation settings, and the list of requests an ``edit`` call writes:

* single-language editors write the ``src_lang`` view of each case;
* multilingual variants (``uses_parallel_views = True``: M-ROME, M-MEMIT, M-PMET, the LAFN paper's baselines) write
  **every** view of each case at once, each with its own language's prompt, subject and target (the data module's
  ``languages`` choose which views a case has).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, Literal

import torch

from mke_lightning.data.schema import EditCase
from mke_lightning.editors.base import BaseEditor
from mke_lightning.editors.shared.context_templates import ContextTemplates, kl_prompt
from mke_lightning.editors.shared.covariance import CovarianceCache
from mke_lightning.editors.shared.fingerprint import model_fingerprint
from mke_lightning.editors.shared.keys import Request
from mke_lightning.editors.shared.target_optimization import OptimizationSettings
from mke_lightning.models.adapter import ArchitectureAdapter


class LocateThenEditEditor(BaseEditor):
    """Shared state and helpers; the concrete editors declare the options (see :class:`RomeEditor` for their doc)."""

    #: how the key averages over context templates (:func:`~.keys.averaged_keys`).
    key_average: ClassVar[Literal["flat", "grouped"]] = "grouped"

    def __init__(self, model_name_or_path: str, dtype: str, *, v_num_grad_steps: int, v_lr: float, kl_factor: float,
                 v_weight_decay: float, clamp_norm_factor: float, early_stop_loss: float, mom2_adjustment: bool,
                 mom2_corpus: str, mom2_n_samples: int, mom2_dtype: str, cache_dir: str | None,
                 context_templates_per_seed: int, context_template_lengths: list[int],
                 template_seeds: dict[str, list[str]] | None, kl_prompts: dict[str, str] | None,
                 target_batch_size: int, adaptive_nll: bool = False):
        super().__init__(model_name_or_path, dtype)
        self.optimization = OptimizationSettings(steps=v_num_grad_steps, lr=v_lr, kl_factor=kl_factor,
                                                 weight_decay=v_weight_decay, clamp_norm_factor=clamp_norm_factor,
                                                 early_stop_loss=early_stop_loss, adaptive_nll=adaptive_nll,
                                                 batch_size=target_batch_size)
        self.mom2_adjustment = mom2_adjustment
        self.covariance = CovarianceCache(corpus=mom2_corpus, n_samples=mom2_n_samples, dtype=mom2_dtype,
                                          cache_dir=cache_dir)
        self.templates = ContextTemplates(n_per_seed=context_templates_per_seed, lengths=context_template_lengths,
                                          seeds=template_seeds,
                                          cache_dir=None if cache_dir is None else f"{cache_dir}/context_templates")
        self.kl_prompt_overrides = dict(kl_prompts or {})
        self._moments: dict[int, torch.Tensor] = {}
        self._fingerprint: str | None = None

    # ---- requests ---------------------------------------------------------------------------------------------
    def requests(self, cases: Sequence[EditCase], src_lang: str) -> list[Request]:
        out = []
        for case in cases:
            langs = list(case.views) if self.uses_parallel_views else [src_lang]
            for lang in langs:
                if lang not in case.views:
                    raise KeyError(f"case {case.case_id!r} has no {lang!r} view")
                v = case.views[lang]
                out.append(Request(v.prompt, v.subject, v.target_new, lang))
        return out

    def template_groups(self, requests: Sequence[Request]) -> dict[str, list[list[str]]]:
        return {r.lang: self.templates.groups(self.base_model, self.tokenizer, r.lang) for r in requests}

    def kl_prompts(self, requests: Sequence[Request]) -> dict[str, str]:
        return {r.lang: kl_prompt(r.lang, self.kl_prompt_overrides) for r in requests}

    # ---- covariance -------------------------------------------------------------------------------------------
    def second_moments(self, layers: Sequence[int]) -> dict[int, torch.Tensor]:
        """``E[k kᵀ]`` per layer (float64, on the model's device), of the unedited model: read once per instance."""
        adapter = ArchitectureAdapter(self.base_model)
        wanted = [layer % adapter.num_layers for layer in layers]
        missing = [layer for layer in wanted if layer not in self._moments]
        if missing:
            if self._fingerprint is None:
                self._fingerprint = model_fingerprint(self.base_model)
            got = self.covariance.get(self.base_model, self.tokenizer, missing, fingerprint=self._fingerprint)
            self._moments.update({k: v.to(self.device, torch.float64) for k, v in got.items()})
        return {layer: self._moments[layer] for layer in wanted}
