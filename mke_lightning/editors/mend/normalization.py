"""Input normalisation of MEND's editor network: running per-feature standardisation, or LayerNorm (LiME).

``RunningStandardizer`` keeps the count, mean and sum of squared deviations of every vector it has seen in
training mode (Chan et al.'s parallel update of Welford's statistics, so a whole batch of token vectors is merged in
one step) and standardises with them. The owner calls :meth:`RunningStandardizer.update` with the whole training
batch before normalising it (as in the MEND reference, the current batch counts); at edit time the stored
statistics are used unchanged.

Under DDP the batch's count, sum and sum of squares are all-reduced before the merge, so every process holds the
same statistics and a 2-process step equals a 1-process step on the union of the two batches.
"""

from __future__ import annotations

import torch
import torch.distributed as dist
from torch import nn


class RunningStandardizer(nn.Module):
    def __init__(self, dim: int, eps: float = 1e-7):
        super().__init__()
        self.eps = eps
        self.register_buffer("count", torch.zeros((), dtype=torch.float64))
        self.register_buffer("mean", torch.zeros(dim, dtype=torch.float64))
        self.register_buffer("m2", torch.zeros(dim, dtype=torch.float64))

    @torch.no_grad()
    def update(self, x: torch.Tensor) -> None:
        """Merge the rows of ``x`` (``(n, dim)``) into the running statistics (all processes' rows under DDP)."""
        x = x.detach().to(torch.float64)
        stats = torch.cat([x.new_tensor([x.shape[0]]), x.sum(0), x.pow(2).sum(0)])
        if dist.is_available() and dist.is_initialized() and dist.get_world_size() > 1:
            dist.all_reduce(stats)
        n, total, total_sq = stats[0], stats[1:1 + x.shape[1]], stats[1 + x.shape[1]:]
        if n == 0:
            return
        batch_mean = total / n
        batch_m2 = (total_sq - n * batch_mean.pow(2)).clamp(min=0)
        count = self.count + n
        delta = batch_mean - self.mean
        self.mean += delta * n / count
        self.m2 += batch_m2 + delta.pow(2) * self.count * n / count
        self.count.copy_(count)

    @property
    def std(self) -> torch.Tensor:
        if self.count < 2:
            return torch.ones_like(self.mean)
        return (self.m2 / (self.count - 1)).sqrt()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.count == 0:
            return x
        return (x - self.mean.to(x.dtype)) / (self.std.to(x.dtype) + self.eps)
