"""What a read does with input that would lose cases: empty files, reads that keep nothing, requested languages with
no view kept, repeated case_ids, malformed views next to good ones (skipped per view), and the per-language counts
of the report. Every case is either a clear error naming file/record/field or a counted skip."""

from __future__ import annotations

import json
import logging

import pytest

from mke_lightning.data.readers import UnifiedReader
from mke_lightning.data.reading import (
    SKIPPED_RECORD,
    EmptyReadError,
    ReadReport,
    cases_from_records,
    load_json_records,
    read_edit_cases,
)
from mke_lightning.data.schema import DatasetFormatError, InvalidView


def _view(subject="Pamu Ritesen", prompt=None, target_new="Oslo"):
    return {"subject": subject, "prompt": prompt if prompt is not None else f"{subject} lives in",
            "target_new": target_new}


def _record(case_id, langs=("en", "zh")):
    return {"case_id": case_id, "views": {lang: _view() for lang in langs}}


def _write_jsonl(path, records):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


# --- 1. files with no record -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "text", "why"), [
    ("empty.jsonl", "", "the file is empty"),
    ("blank.jsonl", "\n\n   \n\t\n", "only blank lines"),
    ("empty.json", "[]\n", "the JSON list is empty"),
])
def test_a_file_without_records_is_an_error_naming_it(tmp_path, name, text, why):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DatasetFormatError, match=why) as info:
        load_json_records(path)
    assert info.value.file == str(path) and f"file {path}: no records" in str(info.value)
    with pytest.raises(DatasetFormatError, match="no records"):
        UnifiedReader().read(str(path))


# --- 2. reads that keep nothing --------------------------------------------------------------------------------------

def test_a_read_whose_every_record_is_malformed_is_an_error_with_the_counts(tmp_path):
    records = [_record(f"c{i}") for i in range(3)]
    for record in records:
        del record["case_id"]
    path = _write_jsonl(tmp_path / "bad.jsonl", records)
    with pytest.raises(EmptyReadError) as info:
        read_edit_cases(path, on_invalid_record="skip")
    message = str(info.value)
    assert str(path) in message and "0 of 3 records kept: 3 malformed" in message
    assert "(first: file " in message and "record 0, field 'case_id'" in message
    assert info.value.report.cases_read == 3 and len(info.value.report.invalid_records) == 3


def test_a_read_whose_every_view_is_skipped_is_an_error_saying_why(tmp_path):
    records = [{"case_id": f"c{i}", "views": {"en": _view(prompt="He lives in")}} for i in range(2)]
    path = _write_jsonl(tmp_path / "subjects.jsonl", records)
    with pytest.raises(EmptyReadError, match="0 of 2 records kept: 2 left without a view") as info:
        read_edit_cases(path, on_subject_missing="skip")
    assert "subject not in prompt, skipped: {'en': 2}" in str(info.value)


def test_a_requested_language_absent_from_every_record_is_an_error(tmp_path):
    path = _write_jsonl(tmp_path / "en_de.jsonl", [_record("a", ("en", "de")), _record("b", ("en", "de"))])
    with pytest.raises(EmptyReadError) as info:
        read_edit_cases(path, languages=["en", "zh"])  # on_language_missing="keep" keeps the en views
    message = str(info.value)
    assert "no 'zh' view kept" in message and "languages=['en', 'zh']" in message
    assert "2 of 2 records have no 'zh' view" in message and "'de': 2" in message and str(path) in message


def test_a_requested_language_whose_every_view_is_malformed_is_an_error(tmp_path):
    records = [_record("a"), _record("b")]
    for record in records:
        record["views"]["zh"]["target_new"] = ""
    path = _write_jsonl(tmp_path / "zh_bad.jsonl", records)
    with pytest.raises(EmptyReadError, match="no 'zh' view kept") as info:
        read_edit_cases(path, languages=["en", "zh"], on_invalid_record="skip")
    assert "2 malformed (first: " in str(info.value) and "views.zh.target_new" in str(info.value)


def test_no_language_check_when_no_languages_are_requested(tmp_path):
    path = _write_jsonl(tmp_path / "mixed.jsonl", [_record("a", ("en",)), _record("b", ("de",))])
    cases, report = read_edit_cases(path)
    assert len(cases) == 2 and report.requested_languages is None


def test_skipped_records_keep_the_indices_of_the_records_after_them():
    """A reader leaves SKIPPED_RECORD where it skipped a record, so later errors name the right record."""
    records = [_record("a"), SKIPPED_RECORD, {"case_id": "c", "views": {"en": _view(prompt="He lives in")}}]
    with pytest.raises(DatasetFormatError) as info:
        cases_from_records(records, source="mem")
    assert info.value.record == 2


# --- 3. repeated case_ids --------------------------------------------------------------------------------------------

def test_a_repeated_case_id_is_an_error_naming_both_records(tmp_path):
    path = _write_jsonl(tmp_path / "dup.jsonl", [_record("a"), _record("b"), _record("a")])
    with pytest.raises(DatasetFormatError, match="case_id 'a' repeats record 0") as info:
        read_edit_cases(path)
    assert (info.value.file, info.value.record, info.value.field) == (str(path), 2, "case_id")
    assert "on_duplicate_case='skip'" in str(info.value)


def test_repeated_case_ids_skipped_keep_the_first_with_a_count(tmp_path, caplog):
    first, again = _record("a"), _record("a")
    again["views"]["en"]["target_new"] = "Bergen"
    path = _write_jsonl(tmp_path / "dup.jsonl", [first, _record("b"), again, _record("b")])
    with caplog.at_level(logging.WARNING, logger="mke_lightning.data.reading"):
        cases, report = UnifiedReader().read(str(path), on_duplicate_case="skip")
    assert [c.case_id for c in cases] == ["a", "b"] and cases[0].views["en"].target_new == "Oslo"
    assert len(report.duplicate_cases) == 2 and "record 2" in report.duplicate_cases[0]
    assert report.cases_per_language() == {"en": 2, "zh": 2}
    assert "repeated case_ids skipped: 2" in report.summary()
    assert any("repeated case_ids skipped: 2" in r.getMessage() for r in caplog.records)


def test_every_record_a_repeat_but_the_first_still_keeps_one(tmp_path):
    path = _write_jsonl(tmp_path / "dup.jsonl", [_record("a")] * 3)
    cases, report = read_edit_cases(path, on_duplicate_case="skip")
    assert len(cases) == 1 and len(report.duplicate_cases) == 2


def test_unknown_policies_are_rejected_by_name():
    with pytest.raises(ValueError, match="on_duplicate_case"):
        cases_from_records([_record("a")], source="mem", on_duplicate_case="keep")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="on_invalid_record"):
        ReadReport(source="mem", on_invalid_record="skp")  # type: ignore[arg-type]


# --- 4. a malformed view next to good ones ---------------------------------------------------------------------------

@pytest.mark.parametrize("fault", ["missing", "empty"])
def test_a_malformed_view_is_skipped_alone_and_counted_per_language(tmp_path, fault):
    records = [_record("a"), _record("b"), _record("c")]
    if fault == "missing":
        del records[1]["views"]["zh"]["target_new"]
    else:
        records[1]["views"]["zh"]["target_new"] = ""
    path = _write_jsonl(tmp_path / "zh.jsonl", records)
    with pytest.raises(DatasetFormatError) as info:  # the default still stops at the fault
        read_edit_cases(path, languages=["en", "zh"])
    assert (info.value.record, info.value.field) == (1, "views.zh.target_new")

    cases, report = read_edit_cases(path, languages=["en", "zh"], on_invalid_record="skip",
                                    on_language_missing="error")
    assert [c.case_id for c in cases] == ["a", "b", "c"]
    assert sorted(cases[1].views) == ["en"] and sorted(cases[0].views) == ["en", "zh"]
    assert report.invalid_views == {"zh": 1} and not report.invalid_records
    assert "record 1, field 'views.zh.target_new'" in report.first_invalid_view["zh"]
    assert report.cases_missing_language == 0  # a malformed view is counted once, not also as a missing language
    assert report.cases_per_language() == {"en": 3, "zh": 2}
    assert "malformed views skipped: {'zh': 1}" in report.summary()


def test_record_level_faults_still_skip_the_record(tmp_path):
    records = [_record("a"), _record("b"), _record("c")]
    records[1]["meta"] = "not an object"
    records[2]["views"]["cs"], records[2]["views"]["cz"] = _view(), _view()  # one language given twice
    cases, report = cases_from_records(records, source="mem", report=ReadReport("mem", on_invalid_record="skip"))
    assert [c.case_id for c in cases] == ["a"] and len(report.invalid_records) == 2
    assert "field 'meta'" in report.invalid_records[0] and "given twice" in report.invalid_records[1]


def test_a_record_whose_every_view_is_malformed_counts_as_a_malformed_record():
    records = [_record("a"), {"case_id": "b", "views": {"en": {"subject": "x"}, "zh": 3}}]
    cases, report = cases_from_records(records, source="mem", report=ReadReport("mem", on_invalid_record="skip"))
    assert [c.case_id for c in cases] == ["a"] and len(report.invalid_records) == 1
    assert report.invalid_views == {"en": 1, "zh": 1}


def test_an_unknown_language_key_is_a_view_fault_counted_under_the_key():
    records = [{"case_id": "a", "views": {"en": _view(), "qq": _view()}}]
    cases, report = cases_from_records(records, source="mem", report=ReadReport("mem", on_invalid_record="skip"))
    assert sorted(cases[0].views) == ["en"] and report.invalid_views == {"qq": 1}


def test_a_reader_marked_invalid_view_is_counted_with_the_readers_message():
    error = DatasetFormatError("empty string", file="raw.json", record=0, field="zh.alt")
    records = [{"case_id": "a", "views": {"en": _view(), "zh": InvalidView(error)}}, _record("b")]
    cases, report = cases_from_records(records, source="raw.json", languages=["en", "zh"],
                                       on_language_missing="error", report=ReadReport("raw.json", on_invalid_record="skip"))
    assert sorted(cases[0].views) == ["en"] and report.first_invalid_view == {"zh": str(error)}


# --- 5. cases per language ---------------------------------------------------------------------------------------------

def test_cases_per_language_match_the_kept_cases(tmp_path):
    records = [_record("a", ("en", "zh", "de")), _record("b", ("en",)), _record("c", ("zh", "de")),
               {"case_id": "d", "views": {"en": _view(), "de": _view(prompt="Er wohnt in")}}]
    cases, report = read_edit_cases(_write_jsonl(tmp_path / "m.jsonl", records), on_subject_missing="skip",
                                    languages=["en", "de", "zh"])
    expected = {lang: sum(lang in c.views for c in cases) for lang in ("de", "en", "zh")}
    assert report.cases_per_language() == expected == {"de": 2, "en": 3, "zh": 2}
    assert list(report.cases_per_language()) == ["de", "en", "zh"]
    assert "cases per language (kept/views read): de 2/3, en 3/3, zh 2/2" in report.summary()
