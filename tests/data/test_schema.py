"""The unified schema (design.md §3.1): EditCase <-> record round trip, language-code normalisation, and
DatasetFormatError naming the file, the record index and the exact field path for every malformed input."""

from __future__ import annotations

import json

import pytest

from mke_lightning.data.schema import QA, DatasetFormatError, EditCase, LangView, edit_case_from_record

FILE = "bench/cases.jsonl"


def _raises(record, *, index: int = 4) -> DatasetFormatError:
    with pytest.raises(DatasetFormatError) as info:
        edit_case_from_record(record, file=FILE, index=index)
    return info.value


def _assert_located(err: DatasetFormatError, field: str, *, index: int = 4) -> None:
    """The error carries and prints the file, the record index and the field path."""
    assert (err.file, err.record, err.field) == (FILE, index, field)
    text = str(err)
    assert FILE in text
    assert f"record {index}" in text
    assert field in text


# --- round trip ----------------------------------------------------------------------------------------------------

def _full_case() -> EditCase:
    return EditCase(
        case_id="mke-17",
        views={
            "en": LangView(subject="Pamu Ritesen", prompt="Pamu Ritesen was born in", target_new="Oslo",
                           target_true="Berlin", paraphrases=("Where was Pamu Ritesen born?", "Pamu's birthplace:"),
                           neighborhood=(QA("Tokyo is the capital of", "Japan"), QA("Berlin lies in", "Germany")),
                           multihop=(QA("The country of Pamu Ritesen's birthplace is", "Norway"),)),
            "zh": LangView(subject="帕穆·里特塞恩", prompt="帕穆·里特塞恩出生在", target_new="奥斯陆"),
            "th": LangView(subject="พามุ ริเทเสน", prompt="พามุ ริเทเสน เกิดที่", target_new=" ออสโล",
                           target_true=None, paraphrases=("พามุ ริเทเสน มาจาก",)),
        },
        meta={"relation": "P19", "source_index": 3, "tags": ["synthetic"]},
    )


def test_to_record_round_trips_through_json():
    case = _full_case()
    record = json.loads(json.dumps(case.to_record(), ensure_ascii=False))
    back = edit_case_from_record(record, file=FILE, index=0)
    assert back == case
    assert back.languages == ("en", "zh", "th")
    assert back.views["en"].neighborhood[1] == QA("Berlin lies in", "Germany")
    assert back.views["th"].target_new == " ออสโล"  # leading space kept verbatim


def test_to_record_shape():
    record = _full_case().to_record()
    assert set(record) == {"case_id", "meta", "views"}
    assert record["views"]["en"]["neighborhood"][0] == {"prompt": "Tokyo is the capital of", "answer": "Japan"}
    assert record["views"]["zh"]["target_true"] is None


def test_integer_case_id_becomes_string(tiny_case_record):
    assert edit_case_from_record(tiny_case_record(case_id=42)).case_id == "42"


# --- language codes ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("raw, iso", [("cz", "cs"), ("du", "nl"), ("zh-CN", "zh"), ("EN", "en"), ("pt_BR", "pt"),
                                      ("jp", "ja")])
def test_language_aliases_are_normalised(raw, iso, tiny_case_record, tiny_view):
    view = tiny_view(subject="Anna", prompt="Anna lebt in", target_new="Prag")
    case = edit_case_from_record(tiny_case_record(views={raw: view}))
    assert case.languages == (iso,)
    assert case.views[iso].prompt == "Anna lebt in"


def test_several_aliases_in_one_record(tiny_case_record, tiny_view):
    case = edit_case_from_record(tiny_case_record(views={"cz": tiny_view(), "du": tiny_view(), "zh-CN": tiny_view()}))
    assert set(case.languages) == {"cs", "nl", "zh"}


def test_unknown_language_names_file_record_and_field(tiny_case_record, tiny_view):
    err = _raises(tiny_case_record(views={"en": tiny_view(), "xx": tiny_view()}))
    _assert_located(err, "views.xx")
    assert "xx" in err.reason


def test_language_given_twice_after_normalisation_is_an_error(tiny_case_record, tiny_view):
    """``zh`` and ``zh-CN`` are the same language: one must not silently overwrite the other."""
    err = _raises(tiny_case_record(views={"zh": tiny_view(), "zh-CN": tiny_view()}))
    _assert_located(err, "views.zh-CN")


# --- required fields -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("field", ["subject", "prompt", "target_new"])
@pytest.mark.parametrize("how", ["absent", "null", "blank"])
def test_missing_required_field_is_named(field, how, tiny_case_record, tiny_view):
    view = tiny_view()
    if how == "absent":
        del view[field]
    else:
        view[field] = None if how == "null" else "   "
    err = _raises(tiny_case_record(views={"en": tiny_view(), "de": view}))
    _assert_located(err, f"views.de.{field}")


def test_field_path_uses_the_code_as_written_in_the_file(tiny_case_record, tiny_view):
    """The path names the raw key (``cz``), so the user can find it in the file."""
    view = tiny_view()
    del view["prompt"]
    err = _raises(tiny_case_record(views={"cz": view}))
    _assert_located(err, "views.cz.prompt")


def test_missing_case_id(tiny_case_record):
    record = tiny_case_record()
    del record["case_id"]
    _assert_located(_raises(record), "case_id")


@pytest.mark.parametrize("views", [None, [], "en", 3])
def test_views_missing_or_not_an_object(views, tiny_case_record):
    record = tiny_case_record()
    record["views"] = views
    _assert_located(_raises(record), "views")


def test_views_all_null_is_no_views(tiny_case_record):
    _assert_located(_raises(tiny_case_record(views={"en": None, "de": None})), "views")


def test_null_view_is_treated_as_absent(tiny_case_record, tiny_view):
    case = edit_case_from_record(tiny_case_record(views={"en": tiny_view(), "de": None}))
    assert case.languages == ("en",)


def test_record_that_is_not_an_object():
    _assert_located(_raises(["case_id", "views"]), "<record>")


def test_view_that_is_not_an_object(tiny_case_record, tiny_view):
    _assert_located(_raises(tiny_case_record(views={"en": tiny_view(), "ru": ["Паму", "Ритесен"]})), "views.ru")


# --- wrong types ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("extra, field", [
    ({"paraphrases": "Where was Pamu Ritesen born?"}, "views.en.paraphrases"),
    ({"paraphrases": {"0": "a"}}, "views.en.paraphrases"),
    ({"paraphrases": ["a", "b", 7]}, "views.en.paraphrases[2]"),
    ({"paraphrases": ["a", ""]}, "views.en.paraphrases[1]"),
    ({"neighborhood": [{"prompt": "Tokyo is in", "answer": "Japan"}, {"prompt": "Oslo is in"}]},
     "views.en.neighborhood[1].answer"),
    ({"neighborhood": [{"answer": "Japan"}]}, "views.en.neighborhood[0].prompt"),
    ({"neighborhood": [{"prompt": "Tokyo is in", "answer": 5}]}, "views.en.neighborhood[0].answer"),
    ({"neighborhood": ["Tokyo is in"]}, "views.en.neighborhood[0]"),
    ({"neighborhood": "Tokyo is in Japan"}, "views.en.neighborhood"),
    ({"multihop": [{"prompt": "p", "answer": "a"}, {"prompt": "p", "answer": None}]}, "views.en.multihop[1].answer"),
    ({"target_true": 1990}, "views.en.target_true"),
    ({"subject": ["Pamu", "Ritesen"]}, "views.en.subject"),
    ({"target_new": True}, "views.en.target_new"),
])
def test_wrong_type_names_the_exact_field_path(extra, field, tiny_case_record, tiny_view):
    err = _raises(tiny_case_record(views={"en": tiny_view(**extra)}))
    _assert_located(err, field)


def test_meta_must_be_an_object(tiny_case_record):
    _assert_located(_raises(tiny_case_record(meta=["P19"])), "meta")


def test_error_without_location_is_plain_message():
    err = DatasetFormatError("broken")
    assert str(err) == "broken"
    assert (err.file, err.record, err.field) == (None, None, None)


# --- optional fields -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("how", ["absent", "null"])
def test_target_true_may_be_missing(how, tiny_case_record, tiny_view):
    view = tiny_view(target_true=None) if how == "null" else tiny_view()
    assert edit_case_from_record(tiny_case_record(views={"en": view})).views["en"].target_true is None


def test_optional_lists_default_to_empty(tiny_case_record, tiny_view):
    view = edit_case_from_record(tiny_case_record(views={"en": tiny_view(paraphrases=None)})).views["en"]
    assert (view.paraphrases, view.neighborhood, view.multihop) == ((), (), ())


def test_target_true_is_kept_when_given(tiny_case_record, tiny_view):
    case = edit_case_from_record(tiny_case_record(views={"en": tiny_view(target_true="Berlin")}))
    assert case.views["en"].target_true == "Berlin"


def test_meta_nulls_are_dropped(tiny_case_record):
    case = edit_case_from_record(tiny_case_record(meta={"relation": "P19", "uri": None}))
    assert dict(case.meta) == {"relation": "P19"}


def test_subject_span_is_last_occurrence():
    view = LangView(subject="Pamu", prompt="Pamu met Pamu in", target_new="Oslo")
    assert view.subject_span == (9, 13)
    with pytest.raises(ValueError):
        LangView(subject="Rita", prompt="Pamu lives in", target_new="Oslo").subject_span
