"""RankC (Qi et al. 2023) against values worked out by hand from the paper's formula."""

from __future__ import annotations

import math

import pytest
import torch

from mke_lightning.metrics.rank_consistency import query_consistency, rank_consistency, rank_weights


def _weights(n):
    z = sum(math.exp(n - k) for k in range(1, n + 1))
    return [math.exp(n - j) / z for j in range(1, n + 1)]


def test_weights_are_a_softmax_over_n_minus_rank():
    assert rank_weights(4).tolist() == pytest.approx(_weights(4))


def test_identical_rankings_score_one_reversed_ones_by_hand():
    a = torch.tensor([3.0, 2.0, 1.0])
    assert query_consistency(a, a * 10 - 4) == pytest.approx(1.0)  # a monotone transform ranks the same
    w = _weights(3)
    # top-1 {0} vs {2}: 0; top-2 {0,1} vs {2,1}: 1/2; top-3: 1
    assert query_consistency(a, torch.tensor([1.0, 2.0, 3.0])) == pytest.approx(w[1] * 0.5 + w[2])


def test_partial_agreement_by_hand_and_symmetry():
    a = torch.tensor([0.9, 0.5, 0.1, 0.0])  # ranks 0, 1, 2, 3
    b = torch.tensor([0.5, 0.9, 0.0, 0.1])  # ranks 1, 0, 3, 2
    w = _weights(4)
    expected = w[0] * 0 + w[1] * 1 + w[2] * (2 / 3) + w[3] * 1
    assert query_consistency(a, b) == pytest.approx(expected)
    assert query_consistency(b, a) == pytest.approx(expected)


def test_mean_over_queries_and_errors():
    a = [torch.tensor([1.0, 0.0]), torch.tensor([1.0, 0.0])]
    b = [torch.tensor([1.0, 0.0]), torch.tensor([0.0, 1.0])]
    w = _weights(2)
    assert rank_consistency(a, b) == pytest.approx((1.0 + w[1]) / 2)
    assert math.isnan(rank_consistency([], []))
    with pytest.raises(ValueError, match="same non-empty candidate list"):
        query_consistency(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 2.0, 3.0]))
    with pytest.raises(ValueError, match="2 queries in one language, 1"):
        rank_consistency(a, b[:1])
