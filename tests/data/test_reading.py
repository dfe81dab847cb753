"""Reading unified-schema JSON/JSONL files: exact error locations (through ``datasets`` and its line-scan fallback),
the subject-in-prompt policy with its per-language ReadReport counts, language filtering, and unicode round trips.
A hypothesis test feeds wrong-typed fields to ``cases_from_records`` and checks the error names record and field."""

from __future__ import annotations

import json
import logging

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mke_lightning.data.reading import cases_from_records, load_json_records, read_edit_cases, write_edit_cases
from mke_lightning.data.schema import QA, DatasetFormatError, EditCase, LangView


def _view(subject="Pamu Ritesen", prompt=None, target_new="Oslo", **extra):
    out = {"subject": subject, "prompt": prompt if prompt is not None else f"{subject} lives in",
           "target_new": target_new}
    out.update(extra)
    return out


def _write_jsonl(path, records):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def _records(n):
    return [{"case_id": f"c{i}", "views": {"en": _view(), "de": _view(prompt="Pamu Ritesen wohnt in")}}
            for i in range(n)]


# --- malformed files -----------------------------------------------------------------------------------------------

def test_truncated_jsonl_line_names_file_and_line(tmp_path):
    lines = [json.dumps(r) for r in _records(5)]
    lines[2] = lines[2][: len(lines[2]) // 2]  # line 3 cut mid-record
    path = tmp_path / "broken.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DatasetFormatError) as info:
        read_edit_cases(path)
    err = info.value
    assert str(path) in str(err)
    assert "line 3" in str(err)
    assert err.record == 2  # two good records precede it


def test_line_numbers_count_blank_lines(tmp_path):
    good = [json.dumps(r) for r in _records(2)]
    path = tmp_path / "gappy.jsonl"
    path.write_text(f"{good[0]}\n\n{good[1]}\n{{\"case_id\": \"c9\", \"views\": \n", encoding="utf-8")
    with pytest.raises(DatasetFormatError, match="line 4") as info:
        read_edit_cases(path)
    assert str(path) in str(info.value)


def test_malformed_json_list_names_file_and_line(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('[\n  {"case_id": "a", "views": {}},\n  {"case_id": "b" "views": {}}\n]\n', encoding="utf-8")
    with pytest.raises(DatasetFormatError, match="line 3") as info:
        read_edit_cases(path)
    assert str(path) in str(info.value)


def test_missing_file_is_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        load_json_records(tmp_path / "nope.jsonl")


def test_record_missing_field_names_record_and_field(tmp_path):
    records = _records(4)
    del records[3]["views"]["de"]["target_new"]
    path = _write_jsonl(tmp_path / "cases.jsonl", records)
    with pytest.raises(DatasetFormatError) as info:
        read_edit_cases(path)
    assert (info.value.file, info.value.record, info.value.field) == (str(path), 3, "views.de.target_new")
    assert "record 3" in str(info.value) and "views.de.target_new" in str(info.value)


def test_record_with_unknown_language_names_it(tmp_path):
    records = _records(3)
    records[1]["views"]["qq"] = _view()
    path = _write_jsonl(tmp_path / "cases.jsonl", records)
    with pytest.raises(DatasetFormatError) as info:
        read_edit_cases(path)
    assert (info.value.record, info.value.field) == (1, "views.qq")
    assert "qq" in str(info.value) and str(path) in str(info.value)


def test_wrong_type_in_one_record_is_located_despite_type_unification(tmp_path):
    """``datasets`` cannot unify an int with strings; the fallback must still name the record and field."""
    records = _records(3)
    records[2]["views"]["en"]["paraphrases"] = ["Where does Pamu Ritesen live?", 5]
    path = _write_jsonl(tmp_path / "cases.jsonl", records)
    with pytest.raises(DatasetFormatError) as info:
        read_edit_cases(path)
    assert (info.value.record, info.value.field) == (2, "views.en.paraphrases[1]")


# --- subject not in prompt -----------------------------------------------------------------------------------------

def _subject_file(tmp_path):
    """Four cases; the views marked BAD have a subject that does not occur in their prompt."""
    records = [
        {"case_id": "c0", "views": {"en": _view(), "zh": _view("帕穆", "帕穆住在"),
                                    "ru": _view("Паму", "Пам живёт в")}},                               # ru BAD
        {"case_id": "c1", "views": {"en": _view(prompt="Pamu lives in"), "de": _view()}},             # en BAD
        {"case_id": "c2", "views": {"en": _view(prompt="He lives in"), "zh": _view("帕穆", "他住在")}},  # both BAD
        {"case_id": "c3", "views": {"en": _view()}},
    ]
    return _write_jsonl(tmp_path / "subjects.jsonl", records)


def test_subject_missing_raises_by_default(tmp_path):
    path = _subject_file(tmp_path)
    with pytest.raises(DatasetFormatError) as info:
        read_edit_cases(path)
    assert (info.value.file, info.value.record, info.value.field) == (str(path), 0, "views.ru.subject")
    assert "record 0" in str(info.value) and "views.ru.subject" in str(info.value)


def test_subject_missing_skip_counts_per_language(tmp_path, caplog):
    path = _subject_file(tmp_path)
    with caplog.at_level(logging.WARNING, logger="mke_lightning.data.reading"):
        cases, report = read_edit_cases(path, on_subject_missing="skip")

    assert [c.case_id for c in cases] == ["c0", "c1", "c3"]
    assert [c.languages for c in cases] == [("en", "zh"), ("de",), ("en",)]
    assert cases[0].views["zh"].prompt == "帕穆住在"

    assert (report.cases_read, report.cases_kept, report.cases_without_views) == (4, 3, 1)
    assert report.subject_missing == {"ru": 1, "en": 2, "zh": 1}
    assert report.views_total == {"en": 4, "zh": 2, "ru": 1, "de": 1}
    assert report.views_kept == {"en": 2, "zh": 1, "de": 1}

    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings, "skips must be logged as a warning"
    assert str(path) in warnings[-1].getMessage()


def test_clean_read_logs_no_warning(tmp_path, caplog):
    path = _write_jsonl(tmp_path / "clean.jsonl", _records(2))
    with caplog.at_level(logging.INFO, logger="mke_lightning.data.reading"):
        cases, report = read_edit_cases(path, on_subject_missing="skip")
    assert len(cases) == 2 and not report.subject_missing and report.cases_without_views == 0
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_unknown_subject_policy_is_rejected():
    with pytest.raises(ValueError, match="on_subject_missing"):
        cases_from_records(_records(1), source="mem", on_subject_missing="drop")  # type: ignore[arg-type]


# --- language filter -----------------------------------------------------------------------------------------------

def test_languages_filter_keeps_only_those_views(tmp_path):
    records = [{"case_id": "a", "views": {"en": _view(), "de": _view(), "cz": _view(), "ja": _view("パム", "パムは")}},
               {"case_id": "b", "views": {"de": _view(), "ja": _view("パム", "パムの")}}]
    cases, report = read_edit_cases(_write_jsonl(tmp_path / "multi.jsonl", records), languages=["cs", "ja"])
    assert [c.languages for c in cases] == [("cs", "ja"), ("ja",)]
    assert cases[1].views["ja"].prompt == "パムの"
    assert report.views_total == {"cs": 1, "ja": 2}


def test_languages_filter_does_not_bypass_validation_of_other_views(tmp_path):
    """A broken view in a filtered-out language is still a format error (nothing is read unchecked)."""
    records = _records(2)
    records[1]["views"]["de"]["prompt"] = 3
    with pytest.raises(DatasetFormatError) as info:
        read_edit_cases(_write_jsonl(tmp_path / "c.jsonl", records), languages=["en"])
    assert (info.value.record, info.value.field) == (1, "views.de.prompt")


# --- writing and reading back --------------------------------------------------------------------------------------

def _unicode_cases():
    return [
        EditCase("zh-1", {
            "zh": LangView("帕穆·里特塞恩", "帕穆·里特塞恩出生在", "奥斯陆", "柏林", ("帕穆·里特塞恩的出生地是",),
                           (QA("东京是哪个国家的首都？", "日本"),), (QA("帕穆·里特塞恩出生地所在的国家是", "挪威"),)),
            "en": LangView("Pamu Ritesen", "Pamu Ritesen was born in", " Oslo", None),
        }, {"relation": "P19"}),
        EditCase("ja-th-2", {
            "ja": LangView("パム・リテセン", "パム・リテセンは東京で", "働いている", paraphrases=("パム・リテセンの職場は",)),
            "th": LangView("พามุ ริเทเสน", "พามุ ริเทเสน เกิดที่เมือง", "เชียงใหม่", "กรุงเทพฯ"),
        }, {"relation": "P937"}),
    ]


def test_write_then_read_round_trips_unicode_exactly(tmp_path):
    cases = _unicode_cases()
    path = tmp_path / "out" / "cases.jsonl"
    write_edit_cases(cases, path)
    text = path.read_text(encoding="utf-8")
    assert "帕穆·里特塞恩" in text and "พามุ ริเทเสน" in text  # written as UTF-8, not \u escapes
    assert len(text.splitlines()) == 2
    back, report = read_edit_cases(path)
    assert back == cases
    assert report.cases_kept == 2
    assert not list(path.parent.glob("*.tmp"))


def test_date_like_strings_read_back_as_strings(tmp_path):
    case = EditCase("d-1", {"en": LangView("Pamu Ritesen", "Pamu Ritesen was born on", "1990-05-17")})
    path = tmp_path / "dates.jsonl"
    write_edit_cases([case, EditCase("d-2", case.views)], path)
    back, _ = read_edit_cases(path)
    assert back[0].views["en"].target_new == "1990-05-17"


def test_json_list_file_reads(tmp_path):
    path = tmp_path / "cases.json"
    records = [r.to_record() for r in _unicode_cases()]
    path.write_text(json.dumps(records, ensure_ascii=False, indent=2), encoding="utf-8")
    back, report = read_edit_cases(path)
    assert back == _unicode_cases()
    assert report.cases_read == 2


# --- property: a wrong-typed field is always reported at the right record and field --------------------------------

_TEXT = st.text(alphabet="abcxyz 帕穆パムพามุ", max_size=6)
_WORD = st.builds(lambda head, tail: head + tail, st.sampled_from("ABCxyz帕パพ"), _TEXT)


@st.composite
def _valid_record(draw, index: int):
    langs = draw(st.lists(st.sampled_from(["en", "de", "zh", "ja", "th", "cz"]), min_size=1, max_size=3, unique=True))
    views = {}
    for lang in langs:
        subject = draw(_WORD)
        views[lang] = {
            "subject": subject, "prompt": draw(_TEXT) + subject + draw(_TEXT), "target_new": draw(_WORD),
            "target_true": draw(st.none() | _WORD),
            "paraphrases": draw(st.lists(_WORD, max_size=2)),
            "neighborhood": draw(st.lists(st.fixed_dictionaries({"prompt": _WORD, "answer": _WORD}), max_size=2)),
        }
    return {"case_id": f"case-{index}", "views": views}


_INTS = st.integers(-5, 10**6)
_INT_LISTS = st.lists(st.integers(), min_size=1, max_size=3)
_DICTS = st.dictionaries(st.sampled_from(["a", "prompt", "x"]), st.integers(), max_size=2)
# Wrong values per field. case_id accepts ints (converted to str) and paraphrases/neighborhood accept null (absent);
# "views" accepts mappings, of which only the empty one is wrong at the "views" level.
_BAD = {
    "case_id": st.one_of(_INT_LISTS, _DICTS, st.none(), st.booleans(), st.floats(allow_nan=False), st.just("  ")),
    "views": st.one_of(_INTS, _INT_LISTS, st.none(), st.just({}), _WORD),
    "subject": st.one_of(_INTS, _INT_LISTS, _DICTS, st.none(), st.just("")),
    "prompt": st.one_of(_INTS, _INT_LISTS, _DICTS, st.none(), st.booleans()),
    "target_new": st.one_of(_INTS, _INT_LISTS, _DICTS, st.none(), st.floats(allow_nan=False)),
    "paraphrases": st.one_of(_INTS, _INT_LISTS, _DICTS, _WORD),
    "neighborhood": st.one_of(_INTS, _INT_LISTS, _DICTS, _WORD, st.just([{"prompt": "p"}])),
}


def _expected_field(field: str, lang: str, value) -> str:
    """The field path the error must name for ``value`` put at ``field`` (in view ``lang`` for view fields)."""
    if field in ("case_id", "views"):
        return field
    path = f"views.{lang}.{field}"
    if field == "paraphrases" and isinstance(value, list):
        return f"{path}[0]"  # a list whose first item is not a string
    if field == "neighborhood" and isinstance(value, list):
        return f"{path}[0].answer" if isinstance(value[0], dict) else f"{path}[0]"
    return path


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), n_records=st.integers(1, 4), field=st.sampled_from(sorted(_BAD)))
def test_wrong_typed_field_is_reported_at_its_record_and_field(data, n_records, field):
    records = [data.draw(_valid_record(i), label=f"record {i}") for i in range(n_records)]
    bad = data.draw(st.integers(0, n_records - 1), label="bad record")
    value = data.draw(_BAD[field], label="bad value")
    if field in ("case_id", "views"):
        lang = None
        records[bad][field] = value
    else:
        lang = data.draw(st.sampled_from(sorted(records[bad]["views"])), label="language")
        records[bad]["views"][lang][field] = value

    with pytest.raises(DatasetFormatError) as info:
        cases_from_records(records, source="mem.jsonl")
    err = info.value
    assert err.record == bad
    assert err.field == _expected_field(field, lang, value)
    assert err.field.split("[")[0].endswith(field)
    assert err.file == "mem.jsonl" and f"record {bad}" in str(err)


@settings(max_examples=30, deadline=None)
@given(data=st.data(), n_records=st.integers(1, 4))
def test_valid_records_read_and_round_trip(data, n_records):
    records = [data.draw(_valid_record(i)) for i in range(n_records)]
    cases, report = cases_from_records(records, source="mem.jsonl")
    assert [c.case_id for c in cases] == [r["case_id"] for r in records]
    assert report.cases_kept == n_records and not report.subject_missing
    again, _ = cases_from_records([c.to_record() for c in cases], source="again")
    assert again == cases
