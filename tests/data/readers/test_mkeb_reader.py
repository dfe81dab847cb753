"""MKEB (MEMLA's benchmark; data unreleased): the reader on a fixture written here in its known schema."""

from __future__ import annotations

import json

import pytest

from mke_lightning.data.readers import MKEBReader
from mke_lightning.data.schema import QA, DatasetFormatError


def _record(example_id: int) -> dict:
    return {
        "example_id": example_id,
        "edit": {"en": {"subject": "Ada Lovelace", "prompt": "{} was born in", "target_new": "Oslo",
                        "target_true": "London"},
                 "zh": {"subject": "艾达", "prompt": "{}出生于", "target_new": "奥斯陆", "target_true": "伦敦"}},
        "paraphrase_prompts": {"en": ["Ada Lovelace's birthplace is", "Ada Lovelace came into the world in"],
                               "zh": ["艾达的出生地是"]},
        "neighborhood_prompts": {"en": ["Alan Turing was born in"], "zh": ["图灵出生于"]},
        "neighborhood_answers": {"en": ["London"], "zh": ["伦敦"]},
        "multi_hop_questions": {"en": ["The country where Ada Lovelace was born is", "Ada Lovelace's home country is"],
                                "zh": ["艾达出生的国家是"]},
        "multi_hop_new_answer": {"en": "Norway", "zh": "挪威"},
    }


def test_mkeb_fixture_reads_into_the_unified_schema(tmp_path):
    path = tmp_path / "mkeb.json"
    path.write_text(json.dumps([_record(3), _record(4)], ensure_ascii=False), encoding="utf-8")
    cases, report = MKEBReader().read(str(path))
    assert [c.case_id for c in cases] == ["3", "4"] and dict(report.views_total) == {"en": 2, "zh": 2}
    en, zh = cases[0].views["en"], cases[0].views["zh"]
    assert en.prompt == "Ada Lovelace was born in" and zh.prompt == "艾达出生于" and en.subject_span == (0, 12)
    assert (en.target_new, en.target_true) == ("Oslo", "London")
    assert en.paraphrases == ("Ada Lovelace's birthplace is", "Ada Lovelace came into the world in")
    assert en.neighborhood == (QA("Alan Turing was born in", "London"),)
    assert en.multihop == (QA("The country where Ada Lovelace was born is", "Norway"),
                           QA("Ada Lovelace's home country is", "Norway"))
    assert zh.multihop == (QA("艾达出生的国家是", "挪威"),)


def test_mkeb_mismatched_neighbourhood_answers_are_named(tmp_path):
    record = _record(0)
    record["neighborhood_answers"]["zh"] = ["伦敦", "巴黎"]
    record["neighborhood_prompts"]["zh"] = ["图灵出生于", "居里出生于", "牛顿出生于"]
    path = tmp_path / "mkeb.json"
    path.write_text(json.dumps([_record(1), record], ensure_ascii=False), encoding="utf-8")
    with pytest.raises(DatasetFormatError, match="3 prompts") as info:
        MKEBReader().read(str(path))
    assert (info.value.record, info.value.field) == (1, "neighborhood_answers.zh")
