"""The unified schema itself (design.md §3.1), as written by ``mke world generate`` and ``write_edit_cases``."""

from __future__ import annotations

from typing import Any

from mke_lightning.data.readers.base import EditReader, register_reader
from mke_lightning.data.reading import ReadReport, load_records


@register_reader("unified")
class UnifiedReader(EditReader):
    """Unified-schema JSON/JSONL files (``{"case_id", "views": {lang: {...}}, "meta"}`` per record)."""

    def records(self, path: str, report: ReadReport) -> list[dict[str, Any]]:
        return load_records(path)
