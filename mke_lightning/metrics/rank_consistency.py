"""RankC: ranking-based cross-lingual consistency of a model's factual knowledge (Qi, Fernández & Bisazza, EMNLP 2023).

For one query asked in languages ``a`` and ``b`` with the same ``N`` candidate answers (candidate ``i`` in ``a`` is the
translation of candidate ``i`` in ``b``), the model ranks the candidates in each language; the query's consistency is

    sum_{j=1..N} w_j * P@j,   P@j = |top_j(a) ∩ top_j(b)| / j,   w_j = exp(N - j) / sum_k exp(N - k),

so agreement on the top ranks weighs most; RankC(a, b) is its mean over queries. It is symmetric and does not
require the model to be right, only to agree with itself across languages.

Decisions: candidates are ranked by the score the caller gives (``mke probe``: mean-token log P(candidate |
prompt), the same quantity as ES/PS, so candidates of different token lengths compare fairly); ties keep the
candidates' order (a stable sort), the same in both languages.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch


def rank_weights(n: int) -> torch.Tensor:
    """``w_j`` for ``j = 1..n``: a softmax over ``n - j``, largest at the top rank."""
    return torch.softmax(torch.arange(n - 1, -1, -1, dtype=torch.float64), dim=0)


def query_consistency(scores_a: torch.Tensor, scores_b: torch.Tensor) -> float:
    """RankC of one query: ``scores_a[i]`` / ``scores_b[i]`` score candidate ``i`` in each language."""
    if scores_a.shape != scores_b.shape or scores_a.ndim != 1 or scores_a.numel() == 0:
        raise ValueError(f"both languages need the same non-empty candidate list, got {tuple(scores_a.shape)} "
                         f"and {tuple(scores_b.shape)}")
    n = scores_a.numel()
    order_a = torch.sort(scores_a, descending=True, stable=True).indices
    order_b = torch.sort(scores_b, descending=True, stable=True).indices
    # rank_b[i]: the rank of candidate i in b; top_j(a) ∩ top_j(b) counts a's first j candidates ranked < j in b.
    rank_b = torch.empty(n, dtype=torch.long)
    rank_b[order_b] = torch.arange(n)
    ranks_in_b = rank_b[order_a]  # for a's j-th candidate, its rank in b
    j = torch.arange(1, n + 1)
    shared = (ranks_in_b.unsqueeze(0) < j.unsqueeze(1)) & (torch.arange(n).unsqueeze(0) < j.unsqueeze(1))
    precision = shared.sum(1).double() / j.double()
    return float((rank_weights(n) * precision).sum())


def rank_consistency(scores_a: Sequence[torch.Tensor], scores_b: Sequence[torch.Tensor]) -> float:
    """RankC(a, b): the mean of :func:`query_consistency` over queries (NaN when there are none)."""
    if len(scores_a) != len(scores_b):
        raise ValueError(f"{len(scores_a)} queries in one language, {len(scores_b)} in the other")
    if not scores_a:
        return float("nan")
    return sum(query_consistency(a, b) for a, b in zip(scores_a, scores_b)) / len(scores_a)


__all__ = ["query_consistency", "rank_consistency", "rank_weights"]
