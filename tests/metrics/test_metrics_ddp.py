"""Metrics under DDP: two gloo processes that each see half the cases report what one process reports."""

from __future__ import annotations

import os
import socket

import pytest
import torch.distributed as dist
import torch.multiprocessing as mp

from mke_lightning.metrics import CrossLingualMetrics

VALUES = [(s, t, v) for i, (s, t) in enumerate([(s, t) for s in ("en", "zh") for t in ("en", "zh", "th")] * 5)
          for v in [((i * 37) % 11) / 10]]


def _fill(coll: CrossLingualMetrics, rows) -> None:
    for s, t, v in rows:
        coll.update("es", s, t, [v])
        coll.update("ns", s, t, [1 - v])


def _worker(rank: int, world: int, port: int, queue) -> None:
    os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port))
    dist.init_process_group("gloo", rank=rank, world_size=world)
    try:
        coll = CrossLingualMetrics(["es", "ns"], ["en", "zh"], ["en", "zh", "th"])
        _fill(coll, VALUES[rank::world])  # an uneven split: 30 rows over 2 ranks, interleaved
        out = coll.compute("test")
        if rank == 0:
            queue.put(out)
    finally:
        dist.destroy_process_group()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_two_processes_equal_one():
    single = CrossLingualMetrics(["es", "ns"], ["en", "zh"], ["en", "zh", "th"])
    _fill(single, VALUES)
    expected = single.compute("test")
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    mp.start_processes(_worker, args=(2, _free_port(), queue), nprocs=2, join=True, start_method="spawn")
    got = queue.get(timeout=60)
    assert got.keys() == expected.keys()
    for key in expected:
        assert got[key] == pytest.approx(expected[key], abs=1e-12), key
