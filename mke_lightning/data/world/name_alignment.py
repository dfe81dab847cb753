"""Contrastive alignment of one entity's names across languages (after PreAlign, Li et al., EMNLP 2024).

PreAlign pulls together the hidden states of a word and its translation, with the other words of the batch as
negatives, so that a fact learnt under one language's form of a name is found under another's. This module holds
the loss alone; :class:`~mke_lightning.data.world.pretraining.WorldModelPretraining` decides which states enter it.

Decisions: the similarity is the cosine (states are L2-normalised), the loss is InfoNCE in both directions
(a→b and b→a, averaged), and every other pair of the batch is a negative.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F


def name_alignment_loss(a: torch.Tensor, b: torch.Tensor, temperature: float) -> torch.Tensor:
    """Symmetric InfoNCE between ``a[i]`` and ``b[i]`` (``(batch, width)`` each): row ``i`` of ``a`` should be
    closer to ``b[i]`` than to any other row of ``b``, and the other way round. ``ln(batch)`` at random states,
    0 when every pair is identical and the rows are far apart."""
    if a.shape != b.shape or a.ndim != 2:
        raise ValueError(f"name_alignment_loss takes two (batch, width) tensors of one shape, got {tuple(a.shape)} "
                         f"and {tuple(b.shape)}")
    logits = F.normalize(a, dim=-1) @ F.normalize(b, dim=-1).T / temperature
    target = torch.arange(a.shape[0], device=a.device)
    return 0.5 * (F.cross_entropy(logits, target) + F.cross_entropy(logits.T, target))
