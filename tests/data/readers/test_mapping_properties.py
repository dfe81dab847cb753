"""Property: random malformed records given to the generic reader raise a DatasetFormatError naming the record and
the raw field, never another exception and never a silent drop; under the skip policy only the faulty view (or,
for a record-level fault, the record) is skipped, with a count; valid records all come out."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mke_lightning.data.readers import MappingReader
from mke_lightning.data.reading import EmptyReadError
from mke_lightning.data.schema import DatasetFormatError

FIELDS = {
    "subject": "{lang}.info.subject", "prompt": "{lang}.q", "target_new": "{lang}.a.new", "target_true": "{lang}.a.old",
    "paraphrases": ["{lang}.para"],
    "neighborhood": [{"prompt": "{lang}.loc.prompts", "answer": "{lang}.loc.answers"}],
}
READER = MappingReader(FIELDS, case_id="id")
LANGS = ["en", "de", "zh", "cz"]

_WORD = st.text(st.characters(codec="utf-8", categories=("L", "N")), min_size=1, max_size=8)


@st.composite
def _block(draw):
    subject = draw(_WORD)
    n_loc = draw(st.integers(0, 2))
    return {"info": {"subject": subject}, "q": f"{draw(_WORD)} {subject} {draw(_WORD)}",
            "a": {"new": draw(_WORD), "old": draw(st.none() | _WORD)},
            "para": draw(st.none() | _WORD | st.lists(_WORD, max_size=2)),
            "loc": {"prompts": [draw(_WORD) for _ in range(n_loc)], "answers": [draw(_WORD) for _ in range(n_loc)]}}


@st.composite
def _record(draw, index):
    langs = draw(st.lists(st.sampled_from(LANGS), min_size=1, max_size=3, unique=True))
    return {"id": f"r{index}", **{lang: draw(_block()) for lang in langs}}


_SCALARS = st.one_of(st.integers(), st.floats(allow_nan=False), st.booleans())
_NON_STRING = st.one_of(_SCALARS, st.lists(st.integers(), min_size=1, max_size=2),
                        st.dictionaries(st.sampled_from(["k", "new"]), st.integers(), min_size=1, max_size=2))


# Each corruption: (what it does to one language block or record, the raw field the error must name).
@st.composite
def _corruption(draw, lang):
    kind = draw(st.sampled_from(["subject", "prompt", "new", "old", "info", "a", "para_item", "para",
                                 "loc_len", "loc_answers", "block", "language", "id", "record"]))
    bad = draw(_NON_STRING)
    empty = draw(st.sampled_from(["", "   ", None]))

    def apply(record):
        block = record.get(lang)
        if kind == "subject":
            block["info"]["subject"] = draw(st.one_of(_NON_STRING, st.sampled_from(["", " ", None])))
            return f"{lang}.info.subject"
        if kind == "prompt":
            block["q"] = draw(st.one_of(_NON_STRING, st.just(empty)))
            return f"{lang}.q"
        if kind == "new":
            block["a"]["new"] = draw(st.one_of(_NON_STRING, st.just(empty)))
            return f"{lang}.a.new"
        if kind == "old":
            block["a"]["old"] = draw(st.one_of(_NON_STRING, st.sampled_from(["", "  "])))
            return f"{lang}.a.old"
        if kind == "info":  # the container of a required field has the wrong type
            block["info"] = draw(st.one_of(_SCALARS, st.lists(st.integers(), max_size=2), _WORD))
            return f"{lang}.info"
        if kind == "a":
            block["a"] = draw(st.one_of(_SCALARS, _WORD))
            return f"{lang}.a"
        if kind == "para_item":
            block["para"] = [draw(_WORD), bad]
            return f"{lang}.para[1]"
        if kind == "para":
            block["para"] = draw(st.one_of(_SCALARS, st.dictionaries(st.just("k"), _WORD, min_size=1)))
            return f"{lang}.para"
        if kind == "loc_len":
            block["loc"] = {"prompts": ["p1", "p2"], "answers": ["a1", "a2", "a3"]}
            return f"{lang}.loc.answers"
        if kind == "loc_answers":
            block["loc"] = {"prompts": ["p1"], "answers": draw(st.one_of(st.none(), st.just([]), _SCALARS))}
            return f"{lang}.loc.answers"
        if kind == "block":
            record[lang] = draw(st.one_of(_SCALARS, _WORD, st.lists(st.integers(), max_size=2)))
            return lang
        if kind == "language":
            record["zz"] = record.pop(lang)
            return "zz"
        if kind == "id":
            record["id"] = draw(st.one_of(st.none(), st.just(""), st.lists(st.integers(), max_size=2), st.booleans()))
            return "id"
        return "<record>"  # the record itself is not an object

    return kind, apply


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data(), n_records=st.integers(1, 4))
def test_malformed_record_is_named_never_crashes_never_dropped(tmp_path, data, n_records):
    records = [data.draw(_record(i), label=f"record {i}") for i in range(n_records)]
    bad = data.draw(st.integers(0, n_records - 1), label="bad record")
    lang = data.draw(st.sampled_from(sorted(k for k in records[bad] if k != "id")), label="language")
    kind, apply = data.draw(_corruption(lang), label="corruption")
    if kind == "record":
        records[bad] = data.draw(st.one_of(_SCALARS, _WORD, st.lists(st.integers(), max_size=2)))
        field = "<record>"
    else:
        field = apply(records[bad])
    path = tmp_path / "random.json"
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")

    with pytest.raises(DatasetFormatError) as info:
        READER.read(str(path))
    err = info.value
    assert (err.file, err.record, err.field) == (str(path), bad, field), (kind, str(err))
    assert f"record {bad}" in str(err) and repr(field) in str(err)

    _check_skip_policy(path, records, bad, kind, field)


def _check_skip_policy(path, records, bad, kind, field):
    """With the skip policy a fault inside one language block skips that view only (the record keeps its other
    views); a fault of the record itself, or in its only view, skips the record; either is counted."""
    bad_key = field.split(".")[0].split("[")[0]
    record_level = kind in ("id", "record")
    others = [] if record_level else [k for k in records[bad] if k not in ("id", bad_key)]
    kept = [r["id"] for i, r in enumerate(records) if i != bad or others]
    if not kept:
        with pytest.raises(EmptyReadError, match="0 of 1 records kept: 1 malformed"):
            READER.read(str(path), on_invalid_record="skip")
        return
    cases, report = READER.read(str(path), on_invalid_record="skip")
    assert [c.case_id for c in cases] == kept
    if not record_level:
        assert report.invalid_views == {{"cz": "cs"}.get(bad_key, bad_key): 1}
    if others:
        assert not report.invalid_records
        assert sorted(cases[bad].views) == sorted({"cz": "cs"}.get(k, k) for k in others)
    else:
        assert len(report.invalid_records) == 1 and f"record {bad}" in report.invalid_records[0]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), n_records=st.integers(1, 5))
def test_valid_records_all_come_out(tmp_path, data, n_records):
    records = [data.draw(_record(i)) for i in range(n_records)]
    path = tmp_path / "valid.json"
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    cases, report = READER.read(str(path))
    assert [c.case_id for c in cases] == [r["id"] for r in records]
    for case, record in zip(cases, records):
        assert sorted(case.views) == sorted({"cz": "cs"}.get(k, k) for k in record if k != "id")
        for raw, block in ((k, v) for k, v in record.items() if k != "id"):
            view = case.views[{"cz": "cs"}.get(raw, raw)]
            assert view.subject == block["info"]["subject"] and view.target_true == block["a"]["old"]
            assert len(view.neighborhood) == len(block["loc"]["prompts"])
    assert report.cases_kept == n_records and not report.invalid_records
