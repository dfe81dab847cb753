"""Temporary files of killed cache writers are swept (the next write in the folder, or the covariance cache's next
``get``), and a live writer's temporary file is never touched, even by a second writer in the same folder."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import torch

from mke_lightning.editors.shared import disk_cache
from mke_lightning.editors.shared.disk_cache import atomic_torch_save

#: a writer that blocks while pickling (its temporary file already exists) until ``go`` appears.
WRITER = textwrap.dedent("""
    import os, sys, time
    from mke_lightning.editors.shared.disk_cache import atomic_torch_save

    class Slow:
        def __reduce__(self):
            while not os.path.exists(sys.argv[2]):
                time.sleep(0.05)
            return (int, (7,))

    atomic_torch_save({"slow": Slow()}, sys.argv[1])
""")


def _start_writer(target: Path, go: Path) -> subprocess.Popen:
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(target), str(go)], env=env)
    deadline = time.time() + 120
    while not list(target.parent.glob(f".{target.name}.*.tmp")):
        assert proc.poll() is None and time.time() < deadline, "the writer did not start its temporary file"
        time.sleep(0.05)
    return proc


def _age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_a_killed_writers_tmp_is_removed_and_a_live_writers_is_kept(tmp_path):
    # a live writer, blocked mid-write: a second writer in the folder leaves its file alone, even 10 min unmodified
    live_go = tmp_path / "go-live"
    live = _start_writer(tmp_path / "a.pt", live_go)
    try:
        (live_tmp,) = tmp_path.glob(".a.pt.*.tmp")
        _age(live_tmp, 600)
        atomic_torch_save({"b": torch.ones(1)}, tmp_path / "b.pt")
        assert live_tmp.exists()
        live_go.touch()
        assert live.wait(timeout=120) == 0
    finally:
        live.kill()
    assert torch.load(tmp_path / "a.pt", weights_only=False) == {"slow": 7}
    # a writer killed mid-write leaves its temporary file; the next write in the folder removes it
    killed = _start_writer(tmp_path / "c.pt", tmp_path / "never")
    (orphan,) = tmp_path.glob(".c.pt.*.tmp")
    os.kill(killed.pid, signal.SIGKILL)
    killed.wait(timeout=60)
    assert orphan.exists()
    _age(orphan, 300)  # five minutes unmodified: past the grace period of a dead writer
    atomic_torch_save({"d": torch.ones(1)}, tmp_path / "d.pt")
    assert not orphan.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.pt", "b.pt", "d.pt", "go-live"]


def test_which_planted_files_are_stale(tmp_path):
    assert disk_cache.DEAD_WRITER_GRACE_S < 300 < disk_cache.STALE_TMP_S
    host, dead, me = disk_cache._host(), _dead_pid(), os.getpid()
    grace, stale = disk_cache.DEAD_WRITER_GRACE_S, disk_cache.STALE_TMP_S
    planted = {  # name: (age in seconds, removed?)
        f".x.pt.{dead}@{host}.abcd1234.tmp": (2 * grace, True),  # dead writer on this host
        f".y.pt.{dead}@{host}.abcd1234.tmp": (grace / 2, False),  # dead, but within the grace period
        f".x.pt.{me}@{host}.abcd1234.tmp": (stale / 2, False),  # a live writer (this process)
        f".z.pt.{me}@{host}.abcd1234.tmp": (2 * stale, True),  # alive, but an hour without a write
        f".x.pt.{dead}@other-host.abcd1234.tmp": (stale / 2, False),  # another host: age only
        f".y.pt.{dead}@other-host.abcd1234.tmp": (2 * stale, True),
        ".x.pt.k3j_9a2b.tmp": (stale / 2, False),  # the earlier naming (no writer id): age only
        ".y.pt.k3j_9a2b.tmp": (2 * stale, True),
        "x.pt.tmp": (2 * stale, False),  # not this module's naming
        ".notes.tmp": (2 * stale, False),
        "layer0-abc.pt": (2 * stale, False),
    }
    for name, (age, _) in planted.items():
        (tmp_path / name).write_bytes(b"partial")
        _age(tmp_path / name, age)
    removed = disk_cache.remove_stale_tmp_files(tmp_path)
    assert sorted(p.name for p in removed) == sorted(n for n, (_, gone) in planted.items() if gone)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(n for n, (_, gone) in planted.items() if not gone)
    assert disk_cache.remove_stale_tmp_files(tmp_path / "missing") == []


def test_the_covariance_cache_sweeps_its_folder_on_get(tiny_models, tmp_path):
    from mke_lightning.editors.shared import CovarianceCache, model_fingerprint
    from mke_lightning.editors.shared.covariance import CovarianceOptions
    from mke_lightning.models.loading import load_causal_lm

    model, tok = load_causal_lm(tiny_models["gpt2"])
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("Pamu Ritesen lives in Oslo.\nSore is a city.\n", encoding="utf-8")
    options = CovarianceOptions(corpus=str(corpus), n_samples=2, cache_dir=str(tmp_path / "cache"))
    CovarianceCache(options, progress=False).get(model, tok, [0])  # on disk now: a later get computes nothing
    folder = tmp_path / "cache" / model_fingerprint(model)
    orphan = folder / f".layer0-x.pt.{_dead_pid()}@{disk_cache._host()}.abcd1234.tmp"
    orphan.write_bytes(b"partial")
    _age(orphan, 2 * disk_cache.DEAD_WRITER_GRACE_S)
    cache = CovarianceCache(options, progress=False)
    cache.get(model, tok, [0])
    assert cache.last_report["computed"] == [] and not orphan.exists()


@pytest.mark.parametrize("name", [".a.pt.1@h.abcdefgh.tmp", ".a.b.c.pt.12345@node-1.x_y_z_1_2.tmp"])
def test_the_naming_carries_the_writer(name):
    match = disk_cache._TMP_NAME.match(name)
    assert match is not None and match["pid"].isdigit()
