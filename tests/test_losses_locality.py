"""The locality KL compares the predictions of the answer tokens: logit t predicts token t + 1."""

from __future__ import annotations

import pytest
import torch

from mke_lightning.losses import locality_kl


def _labels():
    # prompt of 3 tokens, answer of 2 tokens at positions 3 and 4, one padding position
    labels = torch.full((1, 6), -100)
    labels[0, 3:5] = torch.tensor([7, 8])
    return labels


def test_zero_for_identical_logits_positive_otherwise():
    torch.manual_seed(0)
    base = torch.randn(1, 6, 11)
    assert locality_kl(base, base.clone(), _labels()).item() == pytest.approx(0.0, abs=1e-7)
    assert locality_kl(base, base + torch.randn_like(base), _labels()).item() > 0.01


@pytest.mark.parametrize(("position", "counts"), [(1, False), (2, True), (3, True), (4, False), (5, False)])
def test_only_positions_predicting_answer_tokens_count(position, counts):
    """Answer tokens sit at 3 and 4, so the logits at 2 and 3 predict them; 4 predicts what follows the answer."""
    torch.manual_seed(0)
    base = torch.randn(1, 6, 11)
    edited = base.clone()
    edited[0, position] += torch.randn(11) * 3
    kl = locality_kl(base, edited, _labels()).item()
    assert (kl > 1e-4) is counts


def test_mean_over_answer_positions_matches_hand_computation():
    torch.manual_seed(1)
    base, edited = torch.randn(1, 6, 11), torch.randn(1, 6, 11)
    expected = []
    for t in (2, 3):
        p, q = torch.log_softmax(base[0, t], -1), torch.log_softmax(edited[0, t], -1)
        expected.append((p.exp() * (p - q)).sum())
    assert locality_kl(base, edited, _labels()).item() == pytest.approx(torch.stack(expected).mean().item(), rel=1e-5)


def test_no_answer_tokens_is_an_error():
    with pytest.raises(ValueError, match="no answer tokens"):
        locality_kl(torch.zeros(1, 3, 5), torch.zeros(1, 3, 5), torch.full((1, 3), -100))
