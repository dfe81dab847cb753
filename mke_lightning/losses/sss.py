"""SSS, the sum of squared gradients with respect to the final hidden states (EditSSS, ACL Findings 2024).

``SSS = Σ_{b,t,d} (∂L/∂h_{b,t,d})²`` where ``h`` are the post-final-norm hidden states that produce the logits of
the edit loss ``L``; the regularised objective is ``(1 − C)·L + C·SSS``.

Decisions on the spec's ambiguities (methods.md §2):
* the **sum** over batch, positions and features, as the reference code computes (not the paper's mean over
  tokens);
* **differentiable** (``create_graph=True``, as the reference code since 2024-11-04): SSS's own gradient reaches the
  trained parameters; ``differentiable=False`` reproduces the earlier release, where SSS was a constant;
* the closed form ``Σ_t w_t² ‖W_Uᵀ(p_t − e_{y_t})‖²`` (valid when logits are ``W_U h`` without bias and each
  position carries one weighted cross-entropy term) is available and tested equal to the autograd value; it needs
  no double backward through the trunk.
"""

from __future__ import annotations

from typing import Literal

import torch
from torch import nn


def sss_autograd(loss: torch.Tensor, hidden: torch.Tensor, differentiable: bool = True) -> torch.Tensor:
    """``‖∂loss/∂hidden‖²_F`` by autograd (``hidden`` must be part of the graph of ``loss``)."""
    (grad,) = torch.autograd.grad(loss, hidden, create_graph=differentiable, retain_graph=True)
    return grad.pow(2).sum()


def sss_closed_form(logits: torch.Tensor, labels: torch.Tensor, weights: torch.Tensor,
                    unembedding: torch.Tensor) -> torch.Tensor:
    """SSS of ``L = Σ_{b,t} weights[b,t] · CE(logits[b,t], labels[b,t])`` with ``logits = h @ unembedding.T``.

    ``labels`` are the targets *at each logit position* (already shifted); positions with ``weights == 0`` or
    label -100 contribute nothing.
    """
    mask = (labels != -100) & (weights != 0)
    probs = torch.softmax(logits[mask].float(), dim=-1)
    probs = probs - nn.functional.one_hot(labels[mask], probs.shape[-1]).to(probs.dtype)
    grad_h = (probs @ unembedding.float()) * weights[mask].unsqueeze(-1).float()
    return grad_h.pow(2).sum()


class SSSRegularizer(nn.Module):
    """Combines an edit loss with SSS: ``(1 − weight)·loss + weight·SSS`` (``weight`` is the paper's C)."""

    def __init__(self, weight: float = 0.9, method: Literal["autograd"] = "autograd", differentiable: bool = True):
        super().__init__()
        if not 0.0 <= weight <= 1.0:
            raise ValueError(f"SSS weight C must be in [0, 1], got {weight}")
        self.weight, self.method, self.differentiable = weight, method, differentiable

    def forward(self, loss: torch.Tensor, hidden: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Return ``(combined loss, SSS value)``."""
        sss = sss_autograd(loss, hidden, self.differentiable)
        return (1.0 - self.weight) * loss + self.weight * sss, sss.detach()
