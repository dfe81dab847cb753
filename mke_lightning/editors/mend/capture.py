"""Capture the rank-one factors of a linear layer's weight gradient: inputs ``u`` and output gradients ``δ``.

For ``y = W x`` hit by a loss ``L``, ``∇_W L = Σ_i δ_i u_iᵀ`` over token positions ``i`` with ``u_i = x_i`` and
``δ_i = ∂L/∂y_i``. Forward hooks keep each inner module's input and output; ``torch.autograd.grad`` then returns
``∂L/∂y`` for every output at once. The base model's parameters stay frozen: the first hooked output is made a
graph leaf that requires grad, so the backward pass runs only from the loss down to the first edited module and
no parameter ``.grad`` is ever written (nothing for DDP or an optimiser to trip on).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch
from torch import nn

from mke_lightning.models.encoding import PromptTargetBatch, token_logprobs
from mke_lightning.models.adapter import as_out_in


@dataclass
class GradientFactors:
    """Per inner module: inputs ``u`` ``(batch, seq, d_in)`` and output gradients ``δ`` ``(batch, seq, d_out)``."""

    inputs: dict[str, torch.Tensor]
    grads: dict[str, torch.Tensor]
    loss: torch.Tensor  # per row: mean-token NLL of the target
    attention_mask: torch.Tensor

    def rows(self, name: str, row: int) -> tuple[torch.Tensor, torch.Tensor]:
        """The factors of one sequence: real tokens whose ``u`` and ``δ`` are not both zero (MEND drops rows that
        cannot carry gradient: padding, positions after the last target token)."""
        u, delta = self.inputs[name][row], self.grads[name][row]
        keep = self.attention_mask[row].bool() & (u.abs().sum(-1) > 0) & (delta.abs().sum(-1) > 0)
        return u[keep], delta[keep]


def capture_gradient_factors(model: nn.Module, modules: dict[str, nn.Module], batch: PromptTargetBatch) -> GradientFactors:
    """Run ``model`` on ``batch`` and return each module's ``(u, δ)`` for the loss ``Σ_rows mean-token NLL``.

    Summing the per-row means makes ``δ`` of each row the gradient of that row's own loss (rows do not interact), so
    one padded pass serves a whole batch of independent edits.
    """
    inputs: dict[str, torch.Tensor] = {}
    outputs: dict[str, torch.Tensor] = {}

    def hook(name):
        def record(module, args, output):
            inputs[name] = args[0].detach()
            if not output.requires_grad:
                output.requires_grad_(True)
            outputs[name] = output
        return record

    handles = [module.register_forward_hook(hook(name)) for name, module in modules.items()]
    try:
        with torch.enable_grad():
            logits = model(input_ids=batch.input_ids, attention_mask=batch.attention_mask).logits
            logp, mask = token_logprobs(logits, batch.labels)
            per_row = -logp.sum(-1) / mask.sum(-1).clamp(min=1)
            names = list(modules)
            missing = [n for n in names if n not in outputs]
            if missing:
                raise RuntimeError(f"inner modules never ran in the forward pass: {missing}")
            grads = torch.autograd.grad(per_row.sum(), [outputs[n] for n in names], allow_unused=True)
    finally:
        for handle in handles:
            handle.remove()
    return GradientFactors(inputs={n: inputs[n] for n in names},
                           grads={n: (g if g is not None else torch.zeros_like(outputs[n])).detach()
                                  for n, g in zip(names, grads)},
                           loss=per_row.detach(), attention_mask=batch.attention_mask)


def module_shape(module: nn.Module) -> tuple[int, int]:
    """``(d_out, d_in)`` of an ``nn.Linear`` or HF ``Conv1D``."""
    out_dim, in_dim = as_out_in(module, module.weight).shape
    return int(out_dim), int(in_dim)


def group_by_shape(names: Sequence[str], modules: dict[str, nn.Module]) -> dict[tuple[int, int], list[str]]:
    """Inner modules grouped by ``(d_out, d_in)``; a module's index within its group is its editor *mode*."""
    groups: dict[tuple[int, int], list[str]] = {}
    for name in names:
        groups.setdefault(module_shape(modules[name]), []).append(name)
    return groups
