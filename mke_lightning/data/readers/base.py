"""The reader interface and the registry of readers by name.

A reader turns one benchmark's files into unified-schema records (``{"case_id", "views": {lang: {...}}, "meta"}``,
design.md §3.1); :meth:`EditReader.read` then validates them into :class:`EditCase` objects with the shared subject
and language policies of :func:`~mke_lightning.data.reading.cases_from_records`, so every benchmark is checked and
counted the same way. Readers are plain classes with typed ``__init__`` arguments: a data config names one as
``reader: {class_path: MzsREReader, init_args: {...}}`` and ``mke data stats --reader mzsre --path PATH`` finds it by name.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any

from mke_lightning.data.reading import (
    DuplicatePolicy,
    InvalidPolicy,
    LanguagePolicy,
    ReadReport,
    SubjectPolicy,
    cases_from_records,
)
from mke_lightning.data.schema import EditCase

#: Reader classes by short name (``mzsre``, ``mapping`` ...).
READERS: dict[str, type[EditReader]] = {}


def register_reader(name: str):
    """Class decorator: make a reader available by ``name``."""

    def decorate(cls: type[EditReader]) -> type[EditReader]:
        if name in READERS and READERS[name] is not cls:
            raise ValueError(f"reader name {name!r} is already taken by {READERS[name].__name__}")
        READERS[name] = cls
        cls.reader_name = name
        return cls

    return decorate


def build_reader(name: str, **kwargs: Any) -> EditReader:
    """An instance of the reader registered as ``name``."""
    if name not in READERS:
        raise ValueError(f"unknown reader {name!r}; known: {', '.join(sorted(READERS))}")
    return READERS[name](**kwargs)


class EditReader(ABC):
    """Reads a benchmark's files (a file, a ``{lang}`` file pattern or a folder, as the reader documents)."""

    reader_name: str = ""

    @abstractmethod
    def records(self, path: str, report: ReadReport) -> list[Any]:
        """Unified-schema records of ``path``; things the reader itself drops or derives are counted in ``report``.

        A malformed record raises :class:`DatasetFormatError`, or, when ``report.on_invalid_record == "skip"``, is
        counted with :meth:`ReadReport.skip_invalid` and left as :data:`~mke_lightning.data.reading.SKIPPED_RECORD`
        (so later records keep their index). A fault inside one language view goes through
        :meth:`ReadReport.skip_invalid_view`, whose marker stands in for that view (the read counts it).
        """

    def read(self, path: str, *, languages: Sequence[str] | None = None, on_subject_missing: SubjectPolicy = "error",
             on_language_missing: LanguagePolicy = "keep", on_invalid_record: InvalidPolicy = "error",
             on_duplicate_case: DuplicatePolicy = "error") -> tuple[list[EditCase], ReadReport]:
        """Validated cases of ``path`` and the report of what was kept and skipped, per language (the policies are
        those of :func:`~mke_lightning.data.reading.cases_from_records`; a read keeping no case, or no view of a
        requested language, raises :class:`~mke_lightning.data.reading.EmptyReadError`)."""
        report = ReadReport(source=str(path), on_invalid_record=on_invalid_record)
        records = self.records(str(path), report)
        return cases_from_records(records, source=str(path), on_subject_missing=on_subject_missing,
                                  languages=languages, on_language_missing=on_language_missing,
                                  on_duplicate_case=on_duplicate_case, report=report)
