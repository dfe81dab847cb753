"""The common base of the locate-then-edit editors (ROME, MEMIT, PMET and their multilingual variants).

It owns what every one of them needs once per editor instance (never in a module global): the context templates
(:class:`~.context_templates.ContextTemplates`), the covariance statistics (:class:`~.covariance.CovarianceCache`,
loaded once per layer on the **unedited** model, so sequential edits keep the base model's statistics as the
references do), the target-optimisation settings, and the list of requests an ``edit`` call writes:

* single-language editors write the ``src_lang`` view of each case;
* multilingual variants (``uses_parallel_views = True``: M-ROME, M-MEMIT, M-PMET, the LAFN paper's baselines) write
  **every** view of each case at once, each with its own language's prompt, subject and target (the data module's
  ``languages`` choose which views a case has).

Options come in three groups, each a frozen dataclass next to the code that reads it, whose fields are the option
names (``--model.optimization.v_lr 2``, ``--model.covariance.n_samples 1000``, ``--model.templates.n_per_seed 0``):
:class:`~.target_optimization.TargetOptimization`, :class:`~.covariance.CovarianceOptions` and
:class:`~.context_templates.ContextTemplateOptions`. Each editor sets its own defaults of a group in its signature;
setting one field in a config keeps the editor's defaults of the others.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, Literal

import torch

from mke_lightning.data.schema import EditCase
from mke_lightning.editors.base import BaseEditor
from mke_lightning.editors.options import as_group, plain
from mke_lightning.editors.shared.context_templates import ContextTemplateOptions, ContextTemplates, kl_prompt
from mke_lightning.editors.shared.covariance import CovarianceCache, CovarianceOptions
from mke_lightning.editors.shared.fingerprint import model_fingerprint
from mke_lightning.editors.shared.keys import Request
from mke_lightning.editors.shared.target_optimization import TargetOptimization
from mke_lightning.models.adapter import ArchitectureAdapter

#: option names before they were grouped -> (group, field): :meth:`LocateThenEditEditor.upgrade_hparams`.
_FLAT_OPTIONS = {
    **{name: ("optimization", name) for name in ("v_num_grad_steps", "v_lr", "kl_factor", "v_weight_decay",
                                                 "clamp_norm_factor", "early_stop_loss")},
    "target_batch_size": ("optimization", "batch_size"),
    "mom2_corpus": ("covariance", "corpus"), "mom2_n_samples": ("covariance", "n_samples"),
    "mom2_dtype": ("covariance", "dtype"), "cache_dir": ("covariance", "cache_dir"),
    "context_templates_per_seed": ("templates", "n_per_seed"), "context_template_lengths": ("templates", "lengths"),
    "template_seeds": ("templates", "seeds"),
}


class LocateThenEditEditor(BaseEditor):
    """Shared state, helpers and options; each concrete editor declares its own defaults of the groups."""

    #: how the key averages over context templates (:func:`~.keys.averaged_keys`).
    key_average: ClassVar[Literal["flat", "grouped"]] = "grouped"
    #: PMET's adaptive NLL factor (:mod:`.target_optimization`).
    adaptive_nll: ClassVar[bool] = False

    def __init__(self, *, optimization: TargetOptimization, templates: ContextTemplateOptions,
                 covariance: CovarianceOptions = CovarianceOptions(), mom2_adjustment: bool = True,
                 kl_prompts: dict[str, str] | None = None, **kwargs: Any):
        """Options of every locate-then-edit editor (each one is a command-line option of `mke`; the fields of a
        group are ``--model.GROUP.FIELD``).

        Args:
            optimization: the target-vector optimisation.
            templates: the context templates.
            covariance: the covariance statistics: corpus, sample count, accumulation dtype, cache directory.
            mom2_adjustment: use the covariance statistics (ROME: ``u = C⁻¹ k̄``, else ``u = k̄``; MEMIT and PMET: the
                ``λC`` term, else the minimum-norm least-squares update).
            kl_prompts: KL prompt per language (``{}`` = subject), overriding the built-in "{subject} is a" ones.
            **kwargs: the base model (``model_name_or_path``, ``dtype``: :class:`~mke_lightning.editors.base.BaseEditor`).
        """
        super().__init__(**kwargs)
        self.optimization = as_group(TargetOptimization, optimization, "model.optimization")
        #: the statistics and the templates; their options are ``self.covariance.options``, ``self.templates.options``.
        self.covariance = CovarianceCache(as_group(CovarianceOptions, covariance, "model.covariance"))
        cache_dir = self.covariance.options.cache_dir
        self.templates = ContextTemplates(as_group(ContextTemplateOptions, templates, "model.templates"),
                                          cache_dir=None if cache_dir is None else f"{cache_dir}/context_templates")
        self.mom2_adjustment = mom2_adjustment
        self.save_hyperparameters({**self.hparams, "optimization": plain(self.optimization),
                                   "templates": plain(self.templates.options),
                                   "covariance": plain(self.covariance.options)})
        self.kl_prompt_overrides = dict(kl_prompts or {})
        self._moments: dict[int, torch.Tensor] = {}
        self._fingerprint: str | None = None

    @classmethod
    def upgrade_hparams(cls, hparams: dict) -> dict:
        """Saved hyperparameters with the flat option names of earlier versions moved into their groups."""
        out = {k: v for k, v in hparams.items() if k not in _FLAT_OPTIONS}
        for old, (group, field) in _FLAT_OPTIONS.items():
            if hparams.get(old) is not None:
                out.setdefault(group, {})[field] = hparams[old]
        return out

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
