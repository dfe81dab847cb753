"""Where precomputed artefacts live on disk, and how they are written: atomically (temporary file in the same
directory, then ``os.replace``), so a crash or a concurrent writer never leaves a half-written file under the
final name, and a reader sees either the old file or the new one.

Temporary files are named ``.<name>.<pid>@<host>.<random>.tmp`` (the writer's process id and host name). A writer
killed mid-write (SIGKILL, OOM, power loss) leaves its temporary file behind; :func:`remove_stale_tmp_files` sweeps
a folder and every :func:`atomic_torch_save` sweeps its folder before writing. Decision on what is stale, so that
a live concurrent writer's file is never deleted:

* a file of this naming whose writer ran on **this host** and whose pid is no longer alive (``os.kill(pid, 0)``),
  and not modified for ``DEAD_WRITER_GRACE_S`` (60 s; guards a pid namespace that this process cannot see);
* any file of this naming, or of the earlier ``.<name>.<random>.tmp`` naming, not modified for
  ``STALE_TMP_S`` (1 h): a writer on another host, whose pid cannot be checked. A live writer refreshes the
  modification time with every chunk it writes (the file is created only when the object is ready to be saved),
  so an hour without a write means it is gone.

The pid rule errs on the safe side: a reused pid reads as alive, and the file then waits for the age rule. Files
not of these namings are never touched; two sweepers racing on one file are harmless (``missing_ok``).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import socket
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch


def default_cache_dir(kind: str) -> Path:
    """``$MKE_CACHE_DIR/<kind>`` when the variable is set, else ``~/.cache/mke_lightning/<kind>``."""
    root = os.environ.get("MKE_CACHE_DIR")
    return (Path(root).expanduser() if root else Path.home() / ".cache" / "mke_lightning") / kind


def settings_digest(settings: dict[str, Any]) -> str:
    """A short hex digest of JSON-serialisable settings (order of keys does not matter)."""
    return hashlib.sha256(json.dumps(settings, sort_keys=True).encode()).hexdigest()[:16]


#: a temporary file of a writer that is known dead (same host, pid gone) is removed after this long unmodified.
DEAD_WRITER_GRACE_S = 60.0
#: any temporary file of this module's naming is removed after this long unmodified.
STALE_TMP_S = 3600.0

_TMP_NAME = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)@(?P<host>[A-Za-z0-9-]*)\.[A-Za-z0-9_]+\.tmp$")
_OLD_TMP_NAME = re.compile(r"^\..+\.[a-z0-9_]{8}\.tmp$")  # ``mkstemp``'s 8 random characters, no writer id


def _host() -> str:
    return re.sub(r"[^A-Za-z0-9-]", "-", socket.gethostname())


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError, OverflowError):
        return True  # exists under another user, or cannot be asked: treat as alive
    return True


def is_stale_tmp(path: Path, now: float | None = None) -> bool:
    """Whether ``path`` is a temporary file of :func:`atomic_torch_save` whose writer is gone (module docstring)."""
    match = _TMP_NAME.match(path.name)
    if match is None and _OLD_TMP_NAME.match(path.name) is None:
        return False
    try:
        age = (time.time() if now is None else now) - path.stat().st_mtime
    except FileNotFoundError:
        return False
    if age > STALE_TMP_S:
        return True
    return (match is not None and match["host"] == _host() and age > DEAD_WRITER_GRACE_S
            and not _pid_alive(int(match["pid"])))


def remove_stale_tmp_files(folder: str | Path) -> list[Path]:
    """Delete the stale temporary files of :func:`atomic_torch_save` in ``folder`` (not recursive); the removed
    paths are returned. A missing folder, or a file that vanishes meanwhile, is no error."""
    removed = []
    try:
        entries = list(Path(folder).iterdir())
    except (FileNotFoundError, NotADirectoryError):
        return removed
    now = time.time()
    for entry in entries:
        if entry.name.endswith(".tmp") and is_stale_tmp(entry, now):
            try:
                entry.unlink()
            except FileNotFoundError:
                continue
            removed.append(entry)
    return removed


def atomic_torch_save(obj: Any, path: str | Path) -> None:
    """``torch.save(obj, path)`` through a temporary file in the same directory and ``os.replace``; stale
    temporary files left there by killed writers are removed first."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_tmp_files(path.parent)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.{os.getpid()}@{_host()}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            torch.save(obj, fh)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load_cached_layers(paths: dict[int, Path], load: Callable[[Path], Any]) -> tuple[dict[int, Any], list[int]]:
    """``(loaded, missing)`` of per-layer cache files: ``load(path)`` returns the value, or ``None`` when the file is
    absent or unusable (the layer is then listed as missing, to be computed)."""
    loaded, missing = {}, []
    for layer, path in paths.items():
        value = load(path)
        if value is None:
            missing.append(layer)
        else:
            loaded[layer] = value
    return loaded, missing
