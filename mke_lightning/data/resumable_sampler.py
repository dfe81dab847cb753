"""``ResumableShuffle``: the training order of an edit dataset, seeded per epoch and resumable mid-epoch.

A training run killed after a mid-epoch checkpoint and resumed with ``--ckpt_path`` must see the batches the
uninterrupted run would have seen. torch's ``RandomSampler`` draws a fresh seed from the global RNG at every epoch
and keeps no state, so a resumed run restarts the epoch in another order. This sampler is a
``DistributedSampler`` (so Lightning uses it as it is, also under DDP) whose order is ``randperm(n)`` seeded by
``seed + epoch``, and which starts its next pass ``skip`` samples in.

Decisions:
* the seed is drawn from the global torch RNG at the first pass, exactly as ``RandomSampler`` draws its own, so
  a fresh single-process run's first epoch is the order it was before this sampler existed (later epochs differ:
  they are ``seed + epoch``, reproducible); under DDP the seed is Lightning's (``PL_GLOBAL_SEED``), as Lightning's
  own distributed sampler had it, so every process shards the same permutation;
* :class:`ResumableLoader` is the ``DataLoader`` with Lightning's ``state_dict``/``load_state_dict`` interface, so
  Lightning writes its state into every checkpoint and restores it before the resumed epoch's first batch. The
  position is not counted by the sampler (Lightning prefetches a batch ahead): the state holds the batches the
  trainer has processed in the epoch when the checkpoint is written, and the sampler skips that many batches'
  samples of its own shard on the first pass after loading.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sized
from typing import Any

import torch
from torch.utils.data import DataLoader, DistributedSampler


class ResumableShuffle(DistributedSampler):
    def __init__(self, dataset: Sized, num_replicas: int = 1, rank: int = 0, seed: int | None = None):
        """Args: ``dataset`` (sized); ``num_replicas``/``rank`` of the process; ``seed`` (``None``: drawn from the
        global torch RNG at the first pass)."""
        super().__init__(dataset, num_replicas=num_replicas, rank=rank, shuffle=True, seed=seed or 0)
        self.seed_chosen = seed is not None
        self.skip = 0

    def __iter__(self) -> Iterator[int]:
        if not self.seed_chosen:
            self.seed, self.seed_chosen = int(torch.empty((), dtype=torch.int64).random_().item()), True
        indices = list(super().__iter__())
        skip, self.skip = self.skip, 0
        return iter(indices[skip:])

    def state(self, epoch: int, samples_done: int) -> dict[str, int]:
        """What a checkpoint keeps: the seed, the epoch and the samples of this shard already trained on."""
        return {"seed": self.seed, "epoch": epoch, "samples_done": samples_done}

    def restore(self, state: dict[str, int]) -> None:
        """Continue where :meth:`state` was taken: the same seed, the same epoch, its remaining samples (the next
        epoch when that one was complete)."""
        self.seed, self.seed_chosen = int(state["seed"]), True
        if state["samples_done"] >= self.num_samples:
            self.set_epoch(int(state["epoch"]) + 1)
        else:
            self.set_epoch(int(state["epoch"]))
            self.skip = int(state["samples_done"])


class ResumableLoader(DataLoader):
    """A ``DataLoader`` over a :class:`ResumableShuffle` whose position Lightning saves and restores.

    ``progress()`` gives ``(epoch, batches processed in it)`` of the trainer when a checkpoint is written."""

    def __init__(self, dataset: Sized, sampler: ResumableShuffle, progress: Callable[[], tuple[int, int]], **kwargs: Any):
        super().__init__(dataset, sampler=sampler, **kwargs)
        self.progress = progress

    def state_dict(self) -> dict[str, int]:
        epoch, batches = self.progress()
        return self.sampler.state(epoch, batches * self.batch_size)

    def load_state_dict(self, state_dict: dict[str, int]) -> None:
        self.sampler.restore(state_dict)
