"""Where precomputed artefacts live on disk, and how they are written: atomically (temporary file in the same
directory, then ``os.replace``), so a crash or a concurrent writer never leaves a half-written file under the
final name, and a reader sees either the old file or the new one.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
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


def atomic_torch_save(obj: Any, path: str | Path) -> None:
    """``torch.save(obj, path)`` through a temporary file in the same directory and ``os.replace``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
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
