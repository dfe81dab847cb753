"""Reading unified-schema JSON/JSONL files into :class:`EditCase` objects, with subject-in-prompt validation.

JSONL files are read line by line with ``datasets`` and parsed with :mod:`json`, so a malformed line is named by
its number and values keep their JSON types.
Subject validation is per language view: by default a view whose subject does not occur verbatim in its prompt is
a :class:`DatasetFormatError`; with ``on_subject_missing="skip"`` the view is dropped, counted and logged per
language (a case left with no view is dropped and counted too); with ``"keep"`` it is kept and counted (for editors
that never locate the subject: FT, MEND, IKE; locate-then-edit editors then fail on such a view with a clear error).
When ``languages`` are requested, a record lacking one of them is rejected (``on_language_missing="error"``),
skipped and counted per language (``"skip"``) or kept with the views it has and counted (``"keep"``, the default).
Nothing is lost silently.

Sources are local JSON/JSONL files; ``hf://datasets/OWNER/NAME/FILE.jsonl`` paths (read by ``datasets``' ``json``
builder through the hub's file system) and ``hub:OWNER/NAME[:SPLIT]`` dataset ids (``datasets.load_dataset``) are
accepted too, for users with network access.
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

SubjectPolicy = Literal["error", "skip", "keep"]
LanguagePolicy = Literal["error", "skip", "keep"]
InvalidPolicy = Literal["error", "skip"]


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
    language_missing: Counter = field(default_factory=Counter)
    cases_missing_language: int = 0
    cases_skipped_for_language: int = 0
    notes: Counter = field(default_factory=Counter)
    on_invalid_record: InvalidPolicy = "error"
    invalid_records: list[str] = field(default_factory=list)

    def skip_invalid(self, error: DatasetFormatError) -> None:
        """Count (and keep the message of) a malformed record, or raise it when the policy is ``error``."""
        if self.on_invalid_record != "skip":
            raise error
        self.cases_read += 1
        self.invalid_records.append(str(error))

    def subject_located_share(self, lang: str) -> float:
        """Share of ``lang``'s views whose subject occurs verbatim in the prompt."""
        total = self.views_total[lang]
        return (total - self.subject_missing[lang]) / total if total else float("nan")

    def summary(self) -> str:
        langs = sorted(self.views_total)
        per_lang = ", ".join(f"{lang} {self.views_kept[lang]}/{self.views_total[lang]}" for lang in langs)
        text = (f"{self.source}: kept {self.cases_kept}/{self.cases_read} cases; views kept per language: {per_lang}; "
                f"subject not in prompt: {dict(self.subject_missing) or 0}; "
                f"cases left without any view: {self.cases_without_views}")
        if self.cases_missing_language:
            text += (f"; cases lacking a requested language: {self.cases_missing_language} "
                     f"({dict(self.language_missing)}), of which skipped: {self.cases_skipped_for_language}")
        if self.notes:
            text += f"; reader notes: {dict(self.notes)}"
        if self.invalid_records:
            text += f"; malformed records skipped: {len(self.invalid_records)} (first: {self.invalid_records[0]})"
        return text


def load_records(source: str | Path) -> list[Any]:
    """Records of a local JSON/JSONL file, an ``hf://`` file or a ``hub:OWNER/NAME[:SPLIT]`` dataset id."""
    text = str(source)
    if text.startswith("hub:"):
        from datasets import load_dataset

        name, _, split = text[len("hub:"):].partition(":")
        return list(load_dataset(name, split=split or "train").to_list())
    if text.startswith("hf://"):
        from datasets import load_dataset

        return list(load_dataset("json", data_files=text, split="train").to_list())
    return load_json_records(source)


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
                       languages: Sequence[str] | None = None, on_language_missing: LanguagePolicy = "keep",
                       report: ReadReport | None = None) -> tuple[list[EditCase], ReadReport]:
    """Validate unified-schema records into cases, applying the subject policy; returns the cases and a report.

    Args:
        records: raw records (mappings) in the unified schema.
        source: the file (or dataset id) they came from, named in errors and logs.
        on_subject_missing: ``"error"`` raises on the first view whose subject is not in its prompt; ``"skip"``
            drops such views and counts them per language; ``"keep"`` keeps them and counts them.
        languages: keep only these languages (ISO 639-1); ``None`` keeps all.
        on_language_missing: with ``languages`` given, ``"error"`` rejects a record lacking one of them; ``"skip"``
            drops it and counts it per missing language; ``"keep"`` keeps it with the views it has and counts it.
        report: a report to add to (a reader may have counted things already); ``None``: a new one. Its
            ``on_invalid_record`` decides whether a malformed record raises (``error``) or is counted and skipped.
    """
    if on_subject_missing not in ("error", "skip", "keep"):
        raise ValueError(f"on_subject_missing must be 'error', 'skip' or 'keep', got {on_subject_missing!r}")
    if on_language_missing not in ("error", "skip", "keep"):
        raise ValueError(f"on_language_missing must be 'error', 'skip' or 'keep', got {on_language_missing!r}")
    report = report if report is not None else ReadReport(source=source)
    wanted = {normalize_lang(x) for x in languages} if languages is not None else None
    cases = []
    for index, record in enumerate(records):
        try:
            case = edit_case_from_record(record, file=source, index=index)
        except DatasetFormatError as err:
            report.skip_invalid(err)
            continue
        report.cases_read += 1
        absent = sorted(wanted - set(case.views)) if wanted is not None else []
        if absent:
            if on_language_missing == "error":
                raise DatasetFormatError(
                    f"record has no {absent[0]!r} view (it has {sorted(case.views)}); set on_language_missing='skip' "
                    "to skip such records with a count", file=source, record=index, field=f"views.{absent[0]}")
            report.language_missing.update(absent)
            report.cases_missing_language += 1
            if on_language_missing == "skip":
                report.cases_skipped_for_language += 1
                continue
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
                if on_subject_missing == "skip":
                    continue
            views[lang] = view
            report.views_kept[lang] += 1
        if not views:
            report.cases_without_views += 1
            continue
        cases.append(EditCase(case.case_id, views, case.meta) if len(views) != len(case.views) else case)
    report.cases_kept = len(cases)
    if report.subject_missing or report.cases_without_views or report.cases_missing_language or report.invalid_records:
        log.warning(report.summary())
    else:
        log.info(report.summary())
    return cases, report


def read_edit_cases(path: str | Path, *, on_subject_missing: SubjectPolicy = "error",
                    languages: Sequence[str] | None = None,
                    on_language_missing: LanguagePolicy = "keep") -> tuple[list[EditCase], ReadReport]:
    """Read a unified-schema JSON/JSONL file (see :func:`cases_from_records`)."""
    return cases_from_records(load_records(path), source=str(path), on_subject_missing=on_subject_missing,
                              languages=languages, on_language_missing=on_language_missing)


def write_edit_cases(cases: Iterable[EditCase], path: str | Path) -> None:
    """Write cases as unified-schema JSONL (UTF-8, one case a line), atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        for case in cases:
            fh.write(json.dumps(case.to_record(), ensure_ascii=False) + "\n")
    tmp.replace(path)
