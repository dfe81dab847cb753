"""Field paths: where a value sits inside a raw benchmark record, written as text in a YAML field mapping.

Syntax: dot-separated keys with optional list indices, and a ``{lang}`` placeholder standing for a language key::

    src                       record["src"]
    answers[0]                record["answers"][0]
    {lang}.portability.New Answer     record["cz"]["portability"]["New Answer"]   (keys may contain spaces)
    edit.{lang}.subject       record["edit"]["de"]["subject"]

A missing key, a ``null`` value and an index past the end of a list all resolve to ``None`` (the caller decides
whether the field is required); walking *through* a value of the wrong type (a key into a string, an index into an
object) is a :class:`DatasetFormatError` naming the path up to that point.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from mke_lightning.data.schema import DatasetFormatError

LANG = "{lang}"
_PIECE = re.compile(r"([^\[\]]*)((?:\[\d+\])*)")


@dataclass(frozen=True)
class FieldPath:
    """A parsed field path: its text and its parts (``str`` keys, ``int`` list indices, ``LANG`` placeholders)."""

    text: str
    parts: tuple[str | int, ...]

    @property
    def has_lang(self) -> bool:
        return LANG in self.parts

    def prefix_before_lang(self) -> FieldPath:
        """The path up to (not including) the ``{lang}`` part: where the per-language objects are keyed."""
        cut = self.parts.index(LANG)
        return FieldPath(_render(self.parts[:cut]), self.parts[:cut])

    def with_lang(self, lang_key: str) -> FieldPath:
        """This path with ``{lang}`` replaced by a raw language key of the data (``cz``, ``en`` ...)."""
        parts = tuple(lang_key if p == LANG else p for p in self.parts)
        return FieldPath(_render(parts), parts)


def _render(parts: Sequence[str | int]) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def parse_path(text: str) -> FieldPath:
    """Parse ``text`` (see the module docstring); raises ``ValueError`` on a malformed path."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"a field path must be a non-empty string, got {text!r}")
    parts: list[str | int] = []
    for piece in text.split("."):
        match = _PIECE.fullmatch(piece)
        if match is None or (not match.group(1) and not match.group(2)):
            raise ValueError(f"malformed field path {text!r} (at {piece!r}); write keys separated by dots, "
                             "list indices as [0], and {lang} for the language key")
        if match.group(1):
            parts.append(match.group(1))
        parts.extend(int(i) for i in re.findall(r"\[(\d+)\]", match.group(2)))
    return FieldPath(text, tuple(parts))


def resolve(record: Any, path: FieldPath, *, file: str | None, index: int | None) -> Any:
    """The value at ``path`` in ``record``, or ``None`` when absent (see the module docstring)."""
    if LANG in path.parts:
        raise ValueError(f"path {path.text!r} still holds {{lang}}: substitute a language first")
    value = record
    for depth, part in enumerate(path.parts):
        if value is None:
            return None
        if isinstance(part, int):
            if isinstance(value, str) or not isinstance(value, Sequence):
                raise DatasetFormatError(f"expected a list to index with [{part}], got {type(value).__name__}",
                                         file=file, record=index, field=_render(path.parts[:depth]) or "<record>")
            value = value[part] if part < len(value) else None
        else:
            if not isinstance(value, Mapping):
                raise DatasetFormatError(f"expected an object with key {part!r}, got {type(value).__name__}",
                                         file=file, record=index, field=_render(path.parts[:depth]) or "<record>")
            value = value.get(part)
    return value
