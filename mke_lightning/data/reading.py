"""Reading unified-schema JSON/JSONL files into :class:`EditCase` objects, with subject-in-prompt validation.

JSONL files are read line by line with ``datasets`` and parsed with :mod:`json`, so a malformed line is named by
its number and values keep their JSON types.
Subject validation is per language view: by default a view whose subject does not occur verbatim in its prompt is
a :class:`DatasetFormatError`; with ``on_subject_missing="skip"`` the view is dropped, counted and logged per
language (a case left with no view is dropped and counted too). Nothing is lost silently.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from mke_lightning.data.languages import normalize_lang
from mke_lightning.data.schema import DatasetFormatError, EditCase, edit_case_from_record

log = logging.getLogger(__name__)

SubjectPolicy = Literal["error", "skip"]


@dataclass
class ReadReport:
    """What a read kept and what it skipped, per language."""

    source: str
    cases_read: int = 0
    cases_kept: int = 0
    views_total: Counter = field(default_factory=Counter)
    views_kept: Counter = field(default_factory=Counter)
    subject_missing: Counter = field(default_factory=Counter)
    cases_without_views: int = 0

    def summary(self) -> str:
        langs = sorted(self.views_total)
        per_lang = ", ".join(f"{lang} {self.views_kept[lang]}/{self.views_total[lang]}" for lang in langs)
        return (f"{self.source}: kept {self.cases_kept}/{self.cases_read} cases; views kept per language: {per_lang}; "
                f"skipped for subject not in prompt: {dict(self.subject_missing) or 0}; "
                f"cases left without any view: {self.cases_without_views}")


def load_json_records(path: str | Path) -> list[Any]:
    """Load a JSON file (a list of objects) or a JSONL file (one object a line) as a list of records.

    JSONL lines are read with ``datasets``' ``text`` builder and parsed with :mod:`json`, so values keep their JSON
    types (pyarrow's JSON reader would turn date-like strings such as ``"1990-05-17"`` into timestamps) and a
    malformed line is reported with its line number.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"data file not found: {path}")
    with path.open(encoding="utf-8") as fh:
        head = fh.read(4096).lstrip()
    if head.startswith("["):
        try:
            return list(json.loads(path.read_text(encoding="utf-8")))
        except json.JSONDecodeError as err:
            raise DatasetFormatError(f"malformed JSON at line {err.lineno} column {err.colno}: {err.msg}",
                                     file=str(path)) from None
    from datasets import load_dataset

    lines = load_dataset("text", data_files=str(path), split="train")["text"]
    records = []
    for line_no, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError as err:
            raise DatasetFormatError(f"malformed JSON line {line_no}: {err.msg} (column {err.colno})",
                                     file=str(path), record=len(records)) from None
    return records


def cases_from_records(records: Iterable[Any], *, source: str, on_subject_missing: SubjectPolicy = "error",
                       languages: Sequence[str] | None = None) -> tuple[list[EditCase], ReadReport]:
    """Validate unified-schema records into cases, applying the subject policy; returns the cases and a report.

    Args:
        records: raw records (mappings) in the unified schema.
        source: the file (or dataset id) they came from, named in errors and logs.
        on_subject_missing: ``"error"`` raises on the first view whose subject is not in its prompt; ``"skip"``
            drops such views and counts them per language.
        languages: keep only these languages (ISO 639-1); ``None`` keeps all.
    """
    if on_subject_missing not in ("error", "skip"):
        raise ValueError(f"on_subject_missing must be 'error' or 'skip', got {on_subject_missing!r}")
    report = ReadReport(source=source)
    wanted = {normalize_lang(x) for x in languages} if languages is not None else None
    cases = []
    for index, record in enumerate(records):
        case = edit_case_from_record(record, file=source, index=index)
        report.cases_read += 1
        views = {}
        for lang, view in case.views.items():
            if wanted is not None and lang not in wanted:
                continue
            report.views_total[lang] += 1
            if view.subject not in view.prompt:
                if on_subject_missing == "error":
                    raise DatasetFormatError(
                        f"subject {view.subject!r} does not occur in prompt {view.prompt!r} "
                        "(set on_subject_missing='skip' to skip such views with a count)",
                        file=source, record=index, field=f"views.{lang}.subject")
                report.subject_missing[lang] += 1
                continue
            views[lang] = view
            report.views_kept[lang] += 1
        if not views:
            report.cases_without_views += 1
            continue
        cases.append(EditCase(case.case_id, views, case.meta) if len(views) != len(case.views) else case)
    report.cases_kept = len(cases)
    if report.subject_missing or report.cases_without_views:
        log.warning(report.summary())
    else:
        log.info(report.summary())
    return cases, report


def read_edit_cases(path: str | Path, *, on_subject_missing: SubjectPolicy = "error",
                    languages: Sequence[str] | None = None) -> tuple[list[EditCase], ReadReport]:
    """Read a unified-schema JSON/JSONL file (see :func:`cases_from_records`)."""
    return cases_from_records(load_json_records(path), source=str(path), on_subject_missing=on_subject_missing,
                              languages=languages)


def write_edit_cases(cases: Iterable[EditCase], path: str | Path) -> None:
    """Write cases as unified-schema JSONL (UTF-8, one case a line), atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        for case in cases:
            fh.write(json.dumps(case.to_record(), ensure_ascii=False) + "\n")
    tmp.replace(path)
