"""The edited model as a function of the weight deltas: ``functional_call(model, {W: W + Δ})``, so training losses
of the edited model reach whatever produced ``Δ`` (an editor network, learned step sizes) while the base model's
weights are never written.

Only the logits at the positions that predict label tokens are needed by a training loss, so the trunk runs on the
whole sequence and the LM head only on those positions (:func:`find_trunk` looks the split up once; families whose
logits are post-processed, or that have no separate head, run the full model instead). Shared by the gradient
editors (:class:`~mke_lightning.editors.gradient_editor.GradientEditor`: MEND, and KE and LiME next).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn
from torch.func import functional_call

from mke_lightning.models.adapter import from_out_in
from mke_lightning.models.encoding import PromptTargetBatch, trunk_and_head


@dataclass(frozen=True)
class TrunkSplit:
    """A causal LM as ``head(trunk(x))``: the trunk module, its parameter-name prefix (with the dot) in the full
    model, and the LM head; ``trunk is None`` when logits need the full model."""

    trunk: nn.Module | None = None
    prefix: str = ""
    head: nn.Module | None = None


def find_trunk(model: nn.Module) -> TrunkSplit:
    """The trunk/head split of ``model`` (:func:`~mke_lightning.models.encoding.trunk_and_head`), or the empty split."""
    trunk, head = trunk_and_head(model)
    if trunk is None:
        return TrunkSplit()
    prefix = next(name for name, module in model.named_modules() if module is trunk)
    return TrunkSplit(trunk, prefix + ".", head)


def target_logits(model: nn.Module, split: TrunkSplit, batch: PromptTargetBatch,
                  deltas: dict[str, torch.Tensor] | None = None) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Logits of the (edited, if ``deltas``) ``model`` at the positions that predict label tokens only.

    ``deltas`` maps module names (relative to ``model``) to weight deltas in ``(out, in)`` layout. Returns
    ``(logits (n, vocab), their labels (n,), their row (n,))``; positions are in row-major order. The edited model
    is ``functional_call(model, {W: W + Δ})``, so gradients flow into ``Δ``.
    """
    params = {}
    for name, delta in (deltas or {}).items():
        module = model.get_submodule(name)
        params[f"{name}.weight"] = module.weight + from_out_in(module, delta).to(module.weight.dtype)
    targets = batch.labels[:, 1:]
    mask = targets != -100  # the logit at t predicts the token at t + 1
    inputs = {"input_ids": batch.input_ids, "attention_mask": batch.attention_mask}
    if split.trunk is None:
        logits = functional_call(model, params, args=(), kwargs=inputs).logits[:, :-1][mask]
    else:
        own = {k[len(split.prefix):]: v for k, v in params.items()}
        hidden = functional_call(split.trunk, own, args=(), kwargs=inputs).last_hidden_state
        logits = split.head(hidden[:, :-1][mask])
    rows = torch.arange(mask.shape[0], device=mask.device).unsqueeze(1).expand_as(mask)[mask]
    return logits, targets[mask], rows
