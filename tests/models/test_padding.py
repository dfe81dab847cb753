"""pad_batch: left/right alignment, masks, empty rows."""

from __future__ import annotations

import torch

from mke_lightning.models.padding import pad_batch


def test_left_and_right_padding():
    ids, mask = pad_batch([[5, 6, 7], [8]], pad_id=0, side="left")
    assert ids.tolist() == [[5, 6, 7], [0, 0, 8]] and mask.tolist() == [[1, 1, 1], [0, 0, 1]]
    ids, mask = pad_batch([[5, 6, 7], [8], []], pad_id=9, side="right")
    assert ids.tolist() == [[5, 6, 7], [8, 9, 9], [9, 9, 9]] and mask.tolist() == [[1, 1, 1], [1, 0, 0], [0, 0, 0]]
    assert ids.dtype == mask.dtype == torch.long
