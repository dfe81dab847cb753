"""PMET — Precise Model Editing in a Transformer (Li et al., AAAI 2024); methods.md §8. M-PMET: the multilingual
baseline of the LAFN paper (Zhang et al., COLING 2025).

PMET is MEMIT (:mod:`..memit.editor`) with these differences:

* two vectors are optimised together at the last edited layer ``L``, both at the subject's last token: one added to
  the output of the attention out-projection, one to the output of the FFN out-projection (one Adam, weight decay
  and norm clamp each relative to its own initial value);
* adaptive NLL: a step at which the target is already the argmax at every target position stops the request when
  its weighted KL ``kl_factor · KL ≤ kl_stop`` (0.01), else sets the NLL factor to ``0.1 · nll_factor`` for the
  following steps (back to ``nll_factor`` after a step without the argmax);
* only the FFN out-projections are updated; the target is the **FFN output** at ``L`` (``R = z_ffn − FFN_L(k)``),
  the attention vector only shapes the optimisation and is discarded;
* the residual is spread over the remaining layers with ``1/√(remaining)`` instead of ``1/remaining``.

Decisions on the spec's [AMBIGUITY] items (§14.7):

* spread ``1/√`` (the PMET repo); the update uses the same float64 linear solve as MEMIT instead of the repo's
  explicit inverse (the same solution, better conditioned);
* ``kl_factor`` 1 (PMET repo) rather than EasyEdit's 0.0625 (the LLaMA world configs set 0.0625: at 1 the
  targets stay unreached there); λ (``mom2_update_weight``) 15 000 (EasyEdit; the
  repo's 6 000), lowered to 10 in the world configs as MEMIT's (see :mod:`..memit.editor`);
* context templates, covariance corpus and tokenisation as MEMIT.

Decision against the spec's wording of the adaptive NLL (§8 reads as "same step, raw KL"), taken to follow the PMET
repo (``edit/pmet/compute_zs.py``, loop of ``compute_zs`` / ``compute_z``): the reduced factor is set *after* the
step's loss (and gradient) are computed, so it first weighs the loss of the **next** step; the stop threshold is
compared with the **weighted** KL (the repo's ``kl_loss = kl_factor · KL``), so with ``kl_factor`` 0.0625 a request
stops at raw KL ≤ 0.16, with PMET's ``kl_factor`` 1 at raw KL ≤ 0.01. Implemented in
:mod:`..shared.target_optimization` (``adaptive_nll``).
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any, ClassVar

from mke_lightning.editors.base import register_editor
from mke_lightning.editors.memit.editor import MemitEditor
from mke_lightning.editors.shared.target_optimization import TargetOptimization
from mke_lightning.models.adapter import ArchitectureAdapter

#: PMET's defaults of the target optimisation (the PMET repo: 30 steps, lr 0.2, ``kl_factor`` 1).
PMET_OPTIMIZATION = TargetOptimization(v_num_grad_steps=30, v_lr=0.2, kl_factor=1.0)


@register_editor("pmet")
class PmetEditor(MemitEditor):
    adaptive_nll: ClassVar[bool] = True
    fast_test_options: ClassVar[dict[str, Any]] = {
        **MemitEditor.fast_test_options, "optimization": replace(PMET_OPTIMIZATION, v_num_grad_steps=3)}

    def __init__(self, optimization: TargetOptimization = PMET_OPTIMIZATION, **kwargs: Any):
        """Options (each one is a command-line option of `mke`): MEMIT's, with PMET's optimisation defaults.

        Args:
            optimization: the optimisation of both vectors (weight decay and norm clamp each relative to its own
                initial output).
            **kwargs: the options of :class:`~mke_lightning.editors.memit.editor.MemitEditor`.
        """
        super().__init__(optimization=optimization, **kwargs)

    def optimization_sites(self, adapter: ArchitectureAdapter, last: int) -> list[str]:
        return [adapter.attn_out_name(last), adapter.ffn_out_name(last)]

    def residual_site(self, adapter: ArchitectureAdapter, last: int) -> str:
        return adapter.ffn_out_name(last)

    def spread(self, remaining: int) -> float:
        return math.sqrt(remaining)


@register_editor("m_pmet")
class MPmetEditor(PmetEditor):
    """M-PMET: every language view of each case is one request of the PMET batch (own prompt, subject, target)."""

    uses_parallel_views = True
