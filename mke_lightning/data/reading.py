"""Reading unified-schema JSON/JSONL files into :class:`EditCase` objects, with subject-in-prompt validation.

JSONL files are read line by line with ``datasets`` and parsed with :mod:`json`, so a malformed line is named by
its number and values keep their JSON types. A file with no record (empty, only blank lines, ``[]``) is a
:class:`DatasetFormatError` naming it.

Policies, each counted in the :class:`ReadReport` and logged; nothing is lost silently:

* **subject** (``on_subject_missing``), per language view: by default a view whose subject does not occur verbatim
  in its prompt is a :class:`DatasetFormatError`; ``"skip"`` drops the view, counted per language (a case left with
  no view is dropped and counted too); ``"keep"`` keeps it and counts it (for editors that never locate the subject:
  FT, MEND, IKE; locate-then-edit editors then fail on such a view with a clear error).
* **languages** (``on_language_missing``): when ``languages`` are requested, a record lacking one of them is
  rejected (``"error"``), skipped and counted per language (``"skip"``) or kept with the views it has and counted
  (``"keep"``, the default). A view skipped as malformed does not make its record "lack" the language: it is
  counted once, as a malformed view.
* **malformed input** (``on_invalid_record``): ``"error"`` raises at the first fault, naming file, record and field.
  ``"skip"`` skips *per view* when the fault is inside one language view (a missing or empty ``target_new``, a
  wrong-typed paraphrase, an unknown language key ...): the record keeps its well-formed views and the skipped view
  is counted per language with the first message. A fault of the record itself (not an object, no ``case_id``, no
  ``views`` object, a language given twice, a bad ``meta``, a malformed JSON line for readers that parse lines) skips
  the whole record; so does a record none of whose views is well-formed (both counted as malformed records).
* **duplicates** (``on_duplicate_case``): a ``case_id`` seen earlier in the same read is an error (``"error"``,
  default), or skipped with a count, keeping the first occurrence (``"skip"``).

A read that keeps no case is an :class:`EmptyReadError` naming the source and what was skipped ("0 of 1031 records
kept: 1031 malformed (first: ...)"); so is a requested language of which no view is kept (a run that would score
nothing, or nothing in a language it was asked for, is an error, not a quiet zero).

Sources are local JSON/JSONL files; ``hf://datasets/OWNER/NAME/FILE.jsonl`` paths (read by ``datasets``' ``json``
builder through the hub's file system) and ``hub:OWNER/NAME[:SPLIT]`` dataset ids (``datasets.load_dataset``) are
accepted too, for users with network access.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from mke_lightning.data.languages import normalize_lang
from mke_lightning.data.read_report import (  # noqa: F401 - the policies and the report are read from here too
    SKIPPED_RECORD,
    DuplicatePolicy,
    EmptyReadError,
    InvalidPolicy,
    LanguagePolicy,
    ReadReport,
    SkippedRecord,
    SubjectPolicy,
    check_policy,
)
from mke_lightning.data.schema import DatasetFormatError, EditCase, LangView, ParsedRecord, parse_record

log = logging.getLogger(__name__)


def _require_records(records: list[Any], source: str, why: str = "") -> list[Any]:
    if not records:
        raise DatasetFormatError(f"no records{': ' + why if why else ''}", file=source)
    return records


def load_records(source: str | Path) -> list[Any]:
    """Records of a local JSON/JSONL file, an ``hf://`` file or a ``hub:OWNER/NAME[:SPLIT]`` dataset id.

    A source with no record is a :class:`DatasetFormatError` naming it.
    """
    text = str(source)
    if text.startswith("hub:"):
        from datasets import load_dataset

        name, _, split = text[len("hub:"):].partition(":")
        return _require_records(list(load_dataset(name, split=split or "train").to_list()), text)
    if text.startswith("hf://"):
        from datasets import load_dataset

        return _require_records(list(load_dataset("json", data_files=text, split="train").to_list()), text)
    return load_json_records(source)


def _only_whitespace(path: Path) -> bool:
    with path.open(encoding="utf-8") as fh:
        return all(not chunk.strip() for chunk in iter(lambda: fh.read(1 << 20), ""))


def load_json_records(path: str | Path) -> list[Any]:
    """Load a JSON file (a list of objects) or a JSONL file (one object a line) as a list of records.

    JSONL lines are read with ``datasets``' ``text`` builder and parsed with :mod:`json`, so values keep their JSON
    types (pyarrow's JSON reader would turn date-like strings such as ``"1990-05-17"`` into timestamps) and a
    malformed line is reported with its line number. A file with no record (empty, only blank lines, an empty JSON
    list) is a :class:`DatasetFormatError` naming the file.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"data file not found: {path}")
    with path.open(encoding="utf-8") as fh:
        head = fh.read(4096).lstrip()
    if not head and _only_whitespace(path):  # checked here: datasets fails on an empty file with no useful message
        _require_records([], str(path), "the file is empty" if path.stat().st_size == 0 else
                         "the file holds only blank lines")
    if head.startswith("["):
        try:
            records = list(json.loads(path.read_text(encoding="utf-8")))
        except json.JSONDecodeError as err:
            raise DatasetFormatError(f"malformed JSON at line {err.lineno} column {err.colno}: {err.msg}",
                                     file=str(path)) from None
        return _require_records(records, str(path), "the JSON list is empty")
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
    return _require_records(records, str(path), "the file holds only blank lines")


# ---- validating records into cases ---------------------------------------------------------------------------------

def _parse_or_skip(record: Any, source: str, index: int, report: ReadReport) -> ParsedRecord | None:
    """The parsed record, or ``None`` when it was skipped as malformed (raises under ``on_invalid_record: error``)."""
    try:
        parsed = parse_record(record, file=source, index=index)
    except DatasetFormatError as err:
        report.skip_invalid(err)
        return None
    if parsed.view_errors and report.on_invalid_record != "skip":
        raise next(iter(parsed.view_errors.values()))
    return parsed


def _first_occurrence(parsed: ParsedRecord, index: int, seen: dict[str, int], policy: DuplicatePolicy, source: str,
                      report: ReadReport) -> bool:
    """Whether ``parsed`` is the first record with its ``case_id``; a repeat raises or is counted per ``policy``."""
    if parsed.case_id not in seen:
        seen[parsed.case_id] = index
        return True
    message = f"case_id {parsed.case_id!r} repeats record {seen[parsed.case_id]}"
    if policy == "error":
        raise DatasetFormatError(f"{message}; set on_duplicate_case='skip' to keep the first occurrence with a count",
                                 file=source, record=index, field="case_id")
    report.duplicate_cases.append(str(DatasetFormatError(message, file=source, record=index, field="case_id")))
    return False


def _count_invalid_views(parsed: ParsedRecord, report: ReadReport) -> bool:
    """Count the record's malformed views; ``False`` (counted as a malformed record) when none is well-formed."""
    for lang, err in parsed.view_errors.items():
        report.count_invalid_view(lang, err)
    if parsed.views:
        return True
    report.invalid_records.append(str(next(iter(parsed.view_errors.values()))))
    return False


def _has_languages(parsed: ParsedRecord, index: int, wanted: set[str] | None, policy: LanguagePolicy, source: str,
                   report: ReadReport) -> bool:
    """Apply the language policy; ``False`` when the record is skipped for lacking a requested language."""
    present = set(parsed.views) | set(parsed.view_errors)
    absent = sorted(wanted - present) if wanted is not None else []
    if not absent:
        return True
    if policy == "error":
        raise DatasetFormatError(
            f"record has no {absent[0]!r} view (it has {sorted(present)}); set on_language_missing='skip' "
            "to skip such records with a count", file=source, record=index, field=f"views.{absent[0]}")
    report.language_missing.update(absent)
    report.cases_missing_language += 1
    if policy == "skip":
        report.cases_skipped_for_language += 1
        return False
    return True


def _kept_views(parsed: ParsedRecord, index: int, wanted: set[str] | None, policy: SubjectPolicy, source: str,
                report: ReadReport) -> dict[str, LangView]:
    """The views of the requested languages that pass the subject policy."""
    views = {}
    for lang, view in parsed.views.items():
        if wanted is not None and lang not in wanted:
            continue
        report.views_total[lang] += 1
        if view.subject not in view.prompt:
            if policy == "error":
                raise DatasetFormatError(
                    f"subject {view.subject!r} does not occur in prompt {view.prompt!r} "
                    "(set on_subject_missing='skip' to skip such views with a count)",
                    file=source, record=index, field=f"views.{lang}.subject")
            report.subject_missing[lang] += 1
            if policy == "skip":
                continue
        views[lang] = view
        report.views_kept[lang] += 1
    return views


def _require_kept(cases: list[EditCase], requested: list[str] | None, report: ReadReport) -> None:
    """A read that keeps no case, or no view of a requested language, is an :class:`EmptyReadError`."""
    if not cases:
        raise EmptyReadError(report.why_nothing_kept(), report)
    for lang in requested or ():
        if not report.views_kept[lang]:
            raise EmptyReadError(report.why_language_not_kept(lang), report)


def cases_from_records(records: Iterable[Any], *, source: str, on_subject_missing: SubjectPolicy = "error",
                       languages: Sequence[str] | None = None, on_language_missing: LanguagePolicy = "keep",
                       on_duplicate_case: DuplicatePolicy = "error",
                       report: ReadReport | None = None) -> tuple[list[EditCase], ReadReport]:
    """Validate unified-schema records into cases, applying the policies (module docstring); returns the cases and a
    report. Raises :class:`EmptyReadError` when no case, or no view of a requested language, is kept.

    Args:
        records: raw records (mappings) in the unified schema; :data:`SKIPPED_RECORD` entries (records a reader
            skipped and counted) are passed over, so the others keep their index in errors.
        source: the file (or dataset id) they came from, named in errors and logs.
        on_subject_missing: ``"error"`` raises on the first view whose subject is not in its prompt; ``"skip"``
            drops such views and counts them per language; ``"keep"`` keeps them and counts them.
        languages: keep only these languages (ISO 639-1); ``None`` keeps all.
        on_language_missing: with ``languages`` given, ``"error"`` rejects a record lacking one of them; ``"skip"``
            drops it and counts it per missing language; ``"keep"`` keeps it with the views it has and counts it.
        on_duplicate_case: a record repeating an earlier ``case_id``: ``"error"`` raises naming both records;
            ``"skip"`` keeps the first occurrence and counts the others.
        report: a report to add to (a reader may have counted things already); ``None``: a new one. Its
            ``on_invalid_record`` decides whether a malformed record or view raises (``error``) or is counted and
            skipped (``skip``: per view where the fault is inside one view).
    """
    check_policy("on_subject_missing", on_subject_missing, ("error", "skip", "keep"))
    check_policy("on_language_missing", on_language_missing, ("error", "skip", "keep"))
    check_policy("on_duplicate_case", on_duplicate_case, ("error", "skip"))
    report = report if report is not None else ReadReport(source=source)
    requested = list(dict.fromkeys(normalize_lang(x) for x in languages)) if languages is not None else None
    wanted = set(requested) if requested is not None else None
    report.requested_languages = requested
    cases, seen = [], {}
    for index, record in enumerate(records):
        if record is SKIPPED_RECORD:
            continue
        parsed = _parse_or_skip(record, source, index, report)
        if parsed is None:
            continue
        report.cases_read += 1
        if not _first_occurrence(parsed, index, seen, on_duplicate_case, source, report):
            continue
        report.views_in_file.update(parsed.views.keys())
        if not _count_invalid_views(parsed, report):
            continue
        if not _has_languages(parsed, index, wanted, on_language_missing, source, report):
            continue
        views = _kept_views(parsed, index, wanted, on_subject_missing, source, report)
        if not views:
            report.cases_without_views += 1
            continue
        cases.append(EditCase(parsed.case_id, views, parsed.meta))
    report.cases_kept = len(cases)
    (log.warning if report.anything_skipped else log.info)(report.summary())
    _require_kept(cases, requested, report)
    return cases, report


def read_edit_cases(path: str | Path, *, on_subject_missing: SubjectPolicy = "error",
                    languages: Sequence[str] | None = None, on_language_missing: LanguagePolicy = "keep",
                    on_invalid_record: InvalidPolicy = "error",
                    on_duplicate_case: DuplicatePolicy = "error") -> tuple[list[EditCase], ReadReport]:
    """Read a unified-schema JSON/JSONL file (see :func:`cases_from_records`)."""
    report = ReadReport(source=str(path), on_invalid_record=on_invalid_record)
    return cases_from_records(load_records(path), source=str(path), on_subject_missing=on_subject_missing,
                              languages=languages, on_language_missing=on_language_missing,
                              on_duplicate_case=on_duplicate_case, report=report)


def write_edit_cases(cases: Iterable[EditCase], path: str | Path) -> None:
    """Write cases as unified-schema JSONL (UTF-8, one case a line), atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        for case in cases:
            fh.write(json.dumps(case.to_record(), ensure_ascii=False) + "\n")
    tmp.replace(path)
