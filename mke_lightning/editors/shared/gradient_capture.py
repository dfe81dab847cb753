"""Capture the rank-one factors of a linear layer's weight gradient: inputs ``u`` and output gradients ``δ``.

For ``y = W x`` hit by a loss ``L``, ``∇_W L = Σ_i δ_i u_iᵀ`` over token positions ``i`` with ``u_i = x_i`` and
``δ_i = ∂L/∂y_i``. Forward hooks (:func:`~mke_lightning.models.hooks.hooked`, removed whatever happens) keep each
inner module's input and output; ``torch.autograd.grad`` then returns ``∂L/∂y`` for every output at once. The base
model's parameters stay frozen: the first hooked output is made a graph leaf that requires grad, so the backward
pass runs only from the loss down to the first edited module and no parameter ``.grad`` is ever written (nothing
for DDP or an optimiser to trip on).

Shared by the gradient editors (:class:`~mke_lightning.editors.gradient_editor.GradientEditor`: MEND, and KE and
LiME next), whose editor networks read these factors.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import torch
from torch import nn

from mke_lightning.models.adapter import as_out_in
from mke_lightning.models.encoding import PromptTargetBatch, token_logprobs
from mke_lightning.models.hooks import hooked


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


def capture_gradient_factors(model: nn.Module, names: Iterable[str], batch: PromptTargetBatch) -> GradientFactors:
    """Run ``model`` on ``batch`` and return the ``(u, δ)`` of each module named in ``names`` (relative to ``model``;
    a ``{name: module}`` dict works too) for the loss ``Σ_rows mean-token NLL``.

    Summing the per-row means makes ``δ`` of each row the gradient of that row's own loss (rows do not interact), so
    one padded pass serves a whole batch of independent edits.
    """
    names = list(names)
    inputs: dict[str, torch.Tensor] = {}
    outputs: dict[str, torch.Tensor] = {}

    def recorder(name):
        def record(module, args, output):
            inputs[name] = args[0].detach()
            if not output.requires_grad:
                output.requires_grad_(True)
            outputs[name] = output
        return record

    with hooked(model, {name: recorder(name) for name in names}), torch.enable_grad():
        logits = model(input_ids=batch.input_ids, attention_mask=batch.attention_mask).logits
        logp, mask = token_logprobs(logits, batch.labels)
        per_row = -logp.sum(-1) / mask.sum(-1).clamp(min=1)
        missing = [n for n in names if n not in outputs]
        if missing:
            raise RuntimeError(f"inner modules never ran in the forward pass: {missing}")
        grads = torch.autograd.grad(per_row.sum(), [outputs[n] for n in names], allow_unused=True)
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
