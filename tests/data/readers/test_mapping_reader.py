"""The generic field-mapping reader: every layout and option, and errors that name file, record and field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mke_lightning.data.readers import FieldMap, MappingReader, QAMap
from mke_lightning.data.reading import EmptyReadError
from mke_lightning.data.schema import QA, DatasetFormatError

BLOCK_FIELDS = {
    "subject": "{lang}.subject", "prompt": "{lang}.q", "target_new": "{lang}.new", "target_true": "{lang}.old",
    "paraphrases": ["{lang}.para", "{lang}.more[0]"],
    "neighborhood": [{"prompt": "{lang}.loc.prompts", "answer": "{lang}.loc.answers"}],
    "multihop": [{"prompt": "{lang}.hop.Q", "answer": "{lang}.hop.A"}],
}


def _block(subject="Ada", **extra):
    block = {"subject": subject, "q": f"{subject} was born in", "new": "Oslo", "old": "Paris",
             "para": [f"{subject} is from", f"The birthplace of {subject} is"], "more": [f"{subject} comes from"],
             "loc": {"prompts": ["Bob was born in", "Eve was born in"], "answers": ["Rome", "Bern"]},
             "hop": {"Q": f"The country of {subject}'s birthplace is", "A": "Norway"}}
    block.update(extra)
    return block


def _write(path: Path, records) -> str:
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    return str(path)


def _read(reader, path, **kw):
    return reader.read(path, **kw)


def test_per_language_blocks_with_nested_paths_lists_and_aliases(tmp_path):
    path = _write(tmp_path / "b.json", [{"en": _block(), "cz": _block("Adá"), "du": _block("Ade")}])
    cases, report = _read(MappingReader(BLOCK_FIELDS), path)
    (case,) = cases
    assert sorted(case.views) == ["cs", "en", "nl"]
    en = case.views["en"]
    assert en.prompt == "Ada was born in" and en.target_new == "Oslo" and en.target_true == "Paris"
    assert en.paraphrases == ("Ada is from", "The birthplace of Ada is", "Ada comes from")
    assert en.neighborhood == (QA("Bob was born in", "Rome"), QA("Eve was born in", "Bern"))
    assert en.multihop == (QA("The country of Ada's birthplace is", "Norway"),)
    assert case.case_id == "0" and report.views_total == {"en": 1, "cs": 1, "nl": 1}


def test_keyed_fields_language_keys_case_id_meta_and_placeholder(tmp_path):
    record = {"id": 7, "rel": "P19", "edit": {"en": {"s": "Ada", "p": "{} was born in", "t": "Oslo"},
                                               "de": {"s": "Ada", "p": "{} wurde geboren in", "t": "Oslo"},
                                               "note": {"s": "x", "p": "x", "t": "x"}},
              "para": {"en": "Ada's birthplace:", "de": ["Adas Geburtsort:"]},
              "hops": {"en": ["Q1 Ada", "Q2 Ada"], "de": ["F1 Ada"]}, "hop_answer": {"en": "Norway", "de": "Norwegen"}}
    reader = MappingReader({"subject": "edit.{lang}.s", "prompt": "edit.{lang}.p", "target_new": "edit.{lang}.t",
                            "paraphrases": ["para.{lang}"],
                            "multihop": [{"prompt": "hops.{lang}", "answer": "hop_answer.{lang}"}]},
                           case_id="id", language_keys=["en", "de"], subject_placeholder="{}", meta={"relation": "rel"})
    (case,), _ = _read(reader, _write(tmp_path / "k.json", [record]))
    assert case.case_id == "7" and case.meta == {"relation": "P19"} and sorted(case.views) == ["de", "en"]
    assert case.views["en"].prompt == "Ada was born in" and case.views["de"].paraphrases == ("Adas Geburtsort:",)
    # One multi-hop answer is shared by all of a language's questions.
    assert case.views["en"].multihop == (QA("Q1 Ada", "Norway"), QA("Q2 Ada", "Norway"))


def test_per_language_files_are_merged_by_index(tmp_path):
    flat = {"subject": "subject", "prompt": "q", "target_new": "new"}
    for code, subject in (("en", "Ada"), ("jp", "エイダ")):
        _write(tmp_path / f"{code}.json", [{"subject": subject, "q": f"{subject} was born in", "new": "Oslo"},
                                           {"subject": "Bob", "q": "Bob lives in", "new": "Rome"}])
    reader = MappingReader(flat, file_languages=["en", "jp"])
    cases, _ = _read(reader, str(tmp_path / "{lang}.json"))
    assert [sorted(c.views) for c in cases] == [["en", "ja"], ["en", "ja"]]
    assert cases[0].views["ja"].subject == "エイダ"


def test_index_aligned_files_sharing_a_language_must_agree(tmp_path):
    _write(tmp_path / "enfr.json", [{"en": _block(), "fr": _block()}])
    _write(tmp_path / "ende.json", [{"en": _block(new="Bergen"), "de": _block()}])
    reader = MappingReader(BLOCK_FIELDS, file_languages=["fr", "de"])
    with pytest.raises(DatasetFormatError, match="differs from its view") as info:
        _read(reader, str(tmp_path / "en{lang}.json"))
    assert info.value.record == 0 and info.value.field == "en" and info.value.file.endswith("ende.json")


def test_files_of_different_lengths_are_rejected(tmp_path):
    _write(tmp_path / "a.json", [{"en": _block()}])
    _write(tmp_path / "b.json", [{"en": _block()}, {"en": _block()}])
    with pytest.raises(DatasetFormatError, match="index-aligned"):
        _read(MappingReader(BLOCK_FIELDS, file_languages=["a", "b"], language_aliases={"a": "en", "b": "en"}),
              str(tmp_path / "{lang}.json"))


def test_single_language_file_and_jsonl(tmp_path):
    path = tmp_path / "one.jsonl"
    path.write_text("\n".join(json.dumps({"subject": "Ada", "q": f"Ada {i}", "new": "x"}) for i in range(3)) + "\n")
    cases, _ = _read(MappingReader({"subject": "subject", "prompt": "q", "target_new": "new"}, language="fr"), str(path))
    assert [c.case_id for c in cases] == ["0", "1", "2"] and all(list(c.views) == ["fr"] for c in cases)


@pytest.mark.parametrize(("mutate", "field", "message"), [
    (lambda r: r["en"].pop("new"), "en.new", "missing required field"),
    (lambda r: r["en"].update(new=3), "en.new", "expected a string"),
    (lambda r: r["en"].update(q="  "), "en.q", "empty string"),
    (lambda r: r["en"].update(para=["ok", 5]), "en.para[1]", "expected a string"),
    (lambda r: r["en"].update(loc={"prompts": ["a", "b"], "answers": ["x"] * 3}), "en.loc.answers", "2 prompts"),
    (lambda r: r["en"].update(loc={"prompts": ["a"]}), "en.loc.answers", "missing the answer"),
    (lambda r: r["en"].update(hop="oops"), "en.hop", "expected an object"),
    (lambda r: r.update(xx=_block()), "xx", "unknown language code"),
    (lambda r: r.update(en=[1]), "en", "expected an object"),
])
def test_errors_name_file_record_and_raw_field(tmp_path, mutate, field, message):
    records = [{"en": _block()}, {"en": _block()}]
    mutate(records[1])
    path = _write(tmp_path / "bad.json", records)
    with pytest.raises(DatasetFormatError, match=message) as info:
        _read(MappingReader(BLOCK_FIELDS), path)
    assert (info.value.file, info.value.record, info.value.field) == (path, 1, field)
    # Skipped and counted when configured so: the faulty view (the record's only one, except for the unknown
    # language key "xx", which sits next to a good "en" view that is kept); the other records are kept.
    cases, report = _read(MappingReader(BLOCK_FIELDS), path, on_invalid_record="skip")
    bad_key = "xx" if field == "xx" else "en"
    assert report.invalid_views == {bad_key: 1} and f"'{field}'" in report.first_invalid_view[bad_key]
    if field == "xx":
        assert [c.case_id for c in cases] == ["0", "1"] and not report.invalid_records
    else:
        assert [c.case_id for c in cases] == ["0"] and len(report.invalid_records) == 1 and report.cases_read == 2
        assert f"'{field}'" in report.invalid_records[0]


def test_mapping_configuration_errors():
    with pytest.raises(ValueError, match="malformed field path"):
        MappingReader({"subject": "a..b", "prompt": "p", "target_new": "t"})
    with pytest.raises(ValueError, match="unknown fields"):
        MappingReader({"subject": "s", "prompt": "p", "target_new": "t", "answer": "a"})
    with pytest.raises(ValueError, match="prompt path must hold"):
        MappingReader({"subject": "{lang}.s", "prompt": "p", "target_new": "t"})
    with pytest.raises(ValueError, match="file_languages"):
        MappingReader({"subject": "s", "prompt": "p", "target_new": "t"}).read("data/{lang}.json")


def test_dataclass_and_dict_mappings_are_equivalent(tmp_path):
    path = _write(tmp_path / "b.json", [{"en": _block()}])
    as_dataclass = FieldMap(subject="{lang}.subject", prompt="{lang}.q", target_new="{lang}.new",
                            neighborhood=[QAMap(prompt="{lang}.loc.prompts", answer="{lang}.loc.answers")])
    as_dict = {"subject": "{lang}.subject", "prompt": "{lang}.q", "target_new": "{lang}.new",
               "neighborhood": [{"prompt": "{lang}.loc.prompts", "answer": "{lang}.loc.answers"}]}
    assert _read(MappingReader(as_dataclass), path)[0] == _read(MappingReader(as_dict), path)[0]


def test_a_new_benchmark_needs_only_a_yaml_config(tmp_path):
    """The whole path a user takes: a YAML data config with a field mapping, parsed by the `mke` CLI parser."""
    from mke_lightning.data.stats import _datamodule_from_configs

    data = _write(tmp_path / "mine.json", [{"en": _block(), "de": _block()}, {"en": _block("Bob"), "de": _block("Bob")}])
    config = tmp_path / "mine.yaml"
    config.write_text(f"""
data:
  class_path: mke_lightning.data.EditDataModule
  init_args:
    test_path: {data}
    reader:
      class_path: mke_lightning.data.readers.MappingReader
      init_args:
        fields:
          subject: "{{lang}}.subject"
          prompt: "{{lang}}.q"
          target_new: "{{lang}}.new"
          paraphrases: ["{{lang}}.para"]
          neighborhood: [{{prompt: "{{lang}}.loc.prompts", answer: "{{lang}}.loc.answers"}}]
    languages: [en, de]
    edit_languages: [en]
""")
    dm = _datamodule_from_configs([str(config)], {})
    dm.setup("test")
    cases = dm.splits["test"]
    assert [c.views["de"].subject for c in cases] == ["Ada", "Bob"]
    assert cases[0].views["en"].neighborhood[1] == QA("Eve was born in", "Bern")


# --- losses that used to be silent -----------------------------------------------------------------------------------

UNIFIED_FIELDS = {"subject": "views.{lang}.subject", "prompt": "views.{lang}.prompt",
                  "target_new": "views.{lang}.target_new"}


def _unified(case_id="a"):
    return {"case_id": case_id, "views": {"en": {"subject": "Ada", "prompt": "Ada lives in", "target_new": "Oslo",
                                                 "id": f"en-{case_id}"},
                                          "zh": {"subject": "艾达", "prompt": "艾达住在", "target_new": "奥斯陆"}}}


def test_a_case_id_read_out_of_a_language_block_keeps_that_language(tmp_path):
    """`views.en.id` as case_id used to mark `en` as "not a language" and drop every English view silently."""
    path = _write(tmp_path / "u.json", [_unified("a"), _unified("b")])
    cases, report = _read(MappingReader(UNIFIED_FIELDS, case_id="views.en.id"), path, languages=["en", "zh"])
    assert [c.case_id for c in cases] == ["en-a", "en-b"] and all(sorted(c.views) == ["en", "zh"] for c in cases)
    assert report.cases_per_language() == {"en": 2, "zh": 2}


def test_a_case_id_path_that_misses_is_an_error_or_a_counted_skip_never_a_drop(tmp_path):
    path = _write(tmp_path / "u.json", [_unified("a"), _unified("b")])
    reader = MappingReader(UNIFIED_FIELDS, case_id="views.en.case_id")
    with pytest.raises(DatasetFormatError, match="missing required field") as info:
        _read(reader, path)
    assert (info.value.file, info.value.record, info.value.field) == (path, 0, "views.en.case_id")
    with pytest.raises(EmptyReadError, match="0 of 2 records kept: 2 malformed") as info:
        _read(reader, path, on_invalid_record="skip")
    assert "field 'views.en.case_id'" in str(info.value)


def test_keys_read_as_other_fields_are_still_not_languages(tmp_path):
    record = {"id": 7, "case": {"n": 1}, "en": _block(), "de": _block()}
    cases, _ = _read(MappingReader(BLOCK_FIELDS, case_id="id", meta={"n": "case.n"}), _write(tmp_path / "k.json", [record]))
    assert sorted(cases[0].views) == ["de", "en"] and cases[0].meta == {"n": 1}


def test_a_malformed_block_is_skipped_alone_with_a_count(tmp_path):
    records = [{"en": _block(), "de": _block()}, {"en": _block(), "de": _block(new="")}]
    path = _write(tmp_path / "b.json", records)
    cases, report = _read(MappingReader(BLOCK_FIELDS), path, languages=["en", "de"], on_invalid_record="skip",
                          on_language_missing="error")
    assert [sorted(c.views) for c in cases] == [["de", "en"], ["en"]]
    assert report.invalid_views == {"de": 1} and not report.invalid_records
    assert "record 1, field 'de.new': empty string" in report.first_invalid_view["de"]


def test_per_language_files_skip_one_files_bad_view_only(tmp_path):
    flat = {"subject": "subject", "prompt": "q", "target_new": "new"}
    _write(tmp_path / "en.json", [{"subject": "Ada", "q": "Ada lives in", "new": "Oslo"}] * 2)
    _write(tmp_path / "de.json", [{"subject": "Ada", "q": "Ada wohnt in", "new": "Oslo"}, {"subject": "Ada", "q": 3}])
    cases, report = _read(MappingReader(flat, file_languages=["en", "de"]), str(tmp_path / "{lang}.json"),
                          on_invalid_record="skip")
    assert [sorted(c.views) for c in cases] == [["de", "en"], ["en"]] and report.invalid_views == {"de": 1}
    assert report.first_invalid_view["de"].startswith(f"file {tmp_path / 'de.json'}, record 1, field 'q'")


def test_a_repeated_case_id_through_a_reader(tmp_path):
    path = _write(tmp_path / "d.json", [{"id": "x", "en": _block()}, {"id": "x", "en": _block("Bob")}])
    reader = MappingReader(BLOCK_FIELDS, case_id="id")
    with pytest.raises(DatasetFormatError, match="case_id 'x' repeats record 0") as info:
        _read(reader, path)
    assert (info.value.record, info.value.field) == (1, "case_id")
    cases, report = _read(reader, path, on_duplicate_case="skip")
    assert [c.views["en"].subject for c in cases] == ["Ada"] and len(report.duplicate_cases) == 1


def test_an_unknown_file_language_is_an_option_error():
    with pytest.raises(ValueError, match="file_languages") as info:
        MappingReader({"subject": "s", "prompt": "p", "target_new": "t"}, file_languages=["en", "qq"])
    assert "'qq'" in str(info.value)
