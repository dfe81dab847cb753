"""``keep_freed_memory``: freed large blocks stay in the process (glibc), and each way of turning it off works."""

from __future__ import annotations

import os
import platform
import subprocess
import sys

import pytest

from mke_lightning import cpu_allocator

_GLIBC = platform.system() == "Linux" and platform.libc_ver()[0] == "glibc"

# Allocates, touches and frees 256 MiB, then prints how much of it the process still holds (resident KiB).
_PROBE = """
from mke_lightning.cpu_allocator import keep_freed_memory
print(keep_freed_memory())
def rss():
    return int(open("/proc/self/statm").read().split()[1]) * 4
before = rss()
block = bytearray(256 * 2**20)
block[::4096] = b"x" * len(block[::4096])
del block
print(rss() - before)
"""


def _run_probe(**env) -> tuple[str, int]:
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith("MALLOC_") and k not in ("LD_PRELOAD", "GLIBC_TUNABLES", "MKE_KEEP_FREED_MEMORY")}
    out = subprocess.run([sys.executable, "-c", _PROBE], env={**clean, **env}, capture_output=True, text=True,
                         check=True).stdout.split()
    return out[0], int(out[1])


@pytest.mark.skipif(not _GLIBC, reason="glibc's mallopt only (Linux with glibc)")
def test_freed_block_stays_resident_only_when_kept():
    kept, held = _run_probe()
    assert kept == "True" and held > 200 * 1024            # the 256 MiB block was kept for reuse
    off, returned = _run_probe(MKE_KEEP_FREED_MEMORY="0")
    assert off == "False" and returned < 16 * 1024          # default glibc: munmapped on free


@pytest.mark.parametrize("name, value", [("MKE_KEEP_FREED_MEMORY", "0"), ("MALLOC_ARENA_MAX", "2"),
                                         ("LD_PRELOAD", "libjemalloc.so.2"), ("GLIBC_TUNABLES", "glibc.malloc.x=1")])
def test_user_choice_leaves_the_allocator_alone(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    assert cpu_allocator.keep_freed_memory() is False


def _clear_allocator_env(monkeypatch):
    for name in [n for n in os.environ if n.startswith("MALLOC_")] + ["LD_PRELOAD", "GLIBC_TUNABLES",
                                                                       "MKE_KEEP_FREED_MEMORY"]:
        monkeypatch.delenv(name, raising=False)


def test_not_glibc_is_left_alone(monkeypatch):
    monkeypatch.setattr(cpu_allocator.platform, "libc_ver", lambda: ("", ""))
    _clear_allocator_env(monkeypatch)
    assert cpu_allocator.keep_freed_memory() is False


def test_a_refused_setting_is_named_and_the_others_still_apply(monkeypatch, caplog):
    calls = []

    class FakeLibc:                   # glibc that refuses M_TRIM_THRESHOLD only
        def mallopt(self, param, value):
            calls.append(param)
            return 0 if param == cpu_allocator._M_TRIM_THRESHOLD else 1

    _clear_allocator_env(monkeypatch)
    monkeypatch.setattr(cpu_allocator.platform, "system", lambda: "Linux")
    monkeypatch.setattr(cpu_allocator.platform, "libc_ver", lambda: ("glibc", "2.36"))
    monkeypatch.setattr(cpu_allocator.ctypes, "CDLL", lambda name: FakeLibc())
    with caplog.at_level("WARNING", logger=cpu_allocator.__name__):
        assert cpu_allocator.keep_freed_memory() is False
    assert sorted(calls) == sorted([cpu_allocator._M_MMAP_THRESHOLD, cpu_allocator._M_TRIM_THRESHOLD,
                                    cpu_allocator._M_TOP_PAD])
    assert "M_TRIM_THRESHOLD" in caplog.text and "M_TOP_PAD" not in caplog.text
