"""MEND's editor network: maps the rank-one factors ``(u, δ)`` of a weight gradient to pseudo-gradient factors.

One :class:`GradientTransform` serves every edited weight of one shape (MEND's ``shared: True``): the layers it
serves are told apart by a per-layer *mode* that scales and shifts each hidden pre-activation (FiLM). The input is
``[norm(u); norm(δ)]`` (``combine: True``); the network is a stack of low-rank residual layers
``z ↦ z + act((U V z + b) · s_m + t_m)`` with ``U`` initialised to zero, so an untrained editor is the identity and
MEND starts as one gradient step. The output is split back into ``(ũ, δ̃)`` and the pseudo-gradient of an
``(out, in)`` weight is ``Σ_i δ̃_i ũ_iᵀ``.

Decisions (methods.md §3.3, §14.2):
* the activation (ReLU) is applied in every layer but the last (the paper's network); ``relu_last=True`` applies
  it in the last layer too, as the reference ``LRLinear`` does whatever its flag says;
* normalisation ``running`` (Welford statistics over all training tokens, the reference) or ``layer`` (LayerNorm
  with affine parameters, LiME); ``none`` for tests and ablations.
"""

from __future__ import annotations

from typing import Literal

import torch
from torch import nn

from mke_lightning.editors.mend.normalization import RunningStandardizer

Norm = Literal["running", "layer", "none"]


def _normalizer(kind: Norm, dim: int) -> nn.Module:
    if kind == "running":
        return RunningStandardizer(dim)
    if kind == "layer":
        return nn.LayerNorm(dim)
    if kind == "none":
        return nn.Identity()
    raise ValueError(f"unknown normalisation {kind!r}; expected running, layer or none")


class LowRankResidual(nn.Module):
    """``z ↦ z + act((U V z + b) · scale[mode] + shift[mode])`` with ``U = 0`` at initialisation."""

    def __init__(self, dim: int, rank: int, n_modes: int, activation: bool):
        super().__init__()
        self.v = nn.Parameter(torch.randn(rank, dim) / dim**0.5)
        self.u = nn.Parameter(torch.zeros(dim, rank))
        self.bias = nn.Parameter(torch.zeros(dim))
        self.scale = nn.Parameter(torch.ones(n_modes, dim))
        self.shift = nn.Parameter(torch.zeros(n_modes, dim))
        self.activation = activation

    def forward(self, z: torch.Tensor, mode: int) -> torch.Tensor:
        pre = (z @ self.v.T @ self.u.T + self.bias) * self.scale[mode] + self.shift[mode]
        # clamp, not relu: at initialisation every pre-activation is exactly 0 (U = 0), where relu's gradient is 0
        # (the layer could never leave the identity) but clamp's is 1.
        return z + (pre.clamp(min=0) if self.activation else pre)


class GradientTransform(nn.Module):
    """The editor network for weights of shape ``(d_out, d_in)``, shared by ``n_modes`` layers."""

    def __init__(self, d_in: int, d_out: int, n_modes: int, rank: int = 1920, n_hidden: int = 1,
                 norm: Norm = "running", relu_last: bool = False):
        super().__init__()
        self.d_in, self.d_out = d_in, d_out
        dim = d_in + d_out
        rank = min(rank, dim)
        n_layers = n_hidden + 1
        self.norm_u, self.norm_delta = _normalizer(norm, d_in), _normalizer(norm, d_out)
        self.layers = nn.ModuleList(
            LowRankResidual(dim, rank, n_modes, activation=(i < n_layers - 1) or relu_last) for i in range(n_layers))

    def update_statistics(self, u: torch.Tensor, delta: torch.Tensor) -> None:
        """Merge a training batch's factors into the running statistics (no-op for other normalisations)."""
        if isinstance(self.norm_u, RunningStandardizer):
            self.norm_u.update(u)
            self.norm_delta.update(delta)

    def forward(self, u: torch.Tensor, delta: torch.Tensor, mode: int) -> tuple[torch.Tensor, torch.Tensor]:
        """``(n, d_in), (n, d_out) -> (ũ, δ̃)`` of the same shapes."""
        z = torch.cat([self.norm_u(u), self.norm_delta(delta)], dim=-1)
        for layer in self.layers:
            z = layer(z, mode)
        return z[:, :self.d_in], z[:, self.d_in:]

    def pseudo_gradient(self, u: torch.Tensor, delta: torch.Tensor, mode: int) -> torch.Tensor:
        """``Σ_i δ̃_i ũ_iᵀ``, an ``(d_out, d_in)`` matrix."""
        u_t, delta_t = self(u, delta, mode)
        return delta_t.T @ u_t
