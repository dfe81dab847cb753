"""Padding token-id lists into a batch: ``(input_ids, attention_mask)``, left- or right-aligned.

Left padding puts every sequence's last token in the last column (generation, prompt caches); right padding keeps
positions starting at 0 (teacher forcing, training).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import torch


def pad_batch(sequences: Sequence[Sequence[int]], pad_id: int,
              side: Literal["left", "right"] = "right") -> tuple[torch.Tensor, torch.Tensor]:
    width = max((len(s) for s in sequences), default=0)
    input_ids = torch.full((len(sequences), width), pad_id, dtype=torch.long)
    attention = torch.zeros((len(sequences), width), dtype=torch.long)
    for row, seq in enumerate(sequences):
        if not seq:
            continue
        cols = slice(width - len(seq), width) if side == "left" else slice(0, len(seq))
        input_ids[row, cols] = torch.as_tensor(seq, dtype=torch.long)
        attention[row, cols] = 1
    return input_ids, attention


def pad_id_of(tokenizer) -> int:
    """The tokenizer's pad id, or its EOS id when it has no pad token."""
    return tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
