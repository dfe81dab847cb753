"""What the verbs share at their end: the figures written as JSON where ``--output`` says."""

from __future__ import annotations

import json
from pathlib import Path


def write_json(output: str | None, result: dict) -> None:
    """Write ``result`` to ``output`` (its folder created; ``None``: nothing written)."""
    if output:
        Path(output).parent.mkdir(parents=True, exist_ok=True)
        Path(output).write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
