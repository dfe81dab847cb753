"""Options of the benchmark readers on small fixtures written here (the real files are in test_real_benchmarks)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mke_lightning.data.readers import READERS, BiZsREReader, CounterFactReader, MzsREReader, build_reader
from mke_lightning.data.schema import QA


def _dump(path: Path, records) -> str:
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    return str(path)


def _zsre_block(subject: str) -> dict:
    return {"subject": subject, "src": f"What is {subject}?", "alt": "x", "rephrase": f"{subject} is what?",
            "loc": "nq question: q", "loc_ans": "a", "portability": {"New Question": f"Why {subject}?", "New Answer": "y"}}


def test_mzsre_file_pattern_and_languages(tmp_path):
    for code in ("cz", "du"):
        _dump(tmp_path / f"pair_en{code}.json", [{"en": _zsre_block("Ada"), code: _zsre_block(f"Ada-{code}")}])
    cases, _ = MzsREReader(file_pattern="pair_en{lang}.json", file_languages=["cz", "du"]).read(str(tmp_path))
    assert sorted(cases[0].views) == ["cs", "en", "nl"] and cases[0].views["nl"].subject == "Ada-du"
    assert cases[0].views["cs"].multihop == (QA("Why Ada-cz?", "y"),)


def test_bizsre_dev_language(tmp_path):
    flat = [{"subject": "Ada", "src": "Where is Ada?", "alt": "Oslo", "answers": ["Rome"], "pred": "Bern",
             "rephrase": "Ada is where?", "loc": "q", "loc_ans": "a", "cond": "c", "alt_statement": "ignored"}]
    cases, _ = BiZsREReader(dev_language="de").read(_dump(tmp_path / "dev.json", flat))
    assert list(cases[0].views) == ["de"] and cases[0].views["de"].target_true == "Rome"


ROME_RECORD = {"case_id": 12, "pararel_idx": 3, "requested_rewrite": {
    "prompt": "The mother tongue of {} is", "subject": "Danielle Darrieux", "relation_id": "P103",
    "target_new": {"str": "English", "id": "Q1860"}, "target_true": {"str": "French", "id": "Q150"}},
    "paraphrase_prompts": ["Danielle Darrieux spoke", "Danielle Darrieux's language is"],
    "neighborhood_prompts": ["Michel Rocard is a native speaker of", "Jean Gabin spoke"],
    "attribute_prompts": ["ignored"], "generation_prompts": ["ignored"]}


@pytest.mark.parametrize("fmt", ["auto", "rome"])
def test_counterfact_rome_format(tmp_path, fmt):
    (case,), _ = CounterFactReader(format=fmt).read(_dump(tmp_path / "cf.json", [ROME_RECORD]))
    view = case.views["en"]
    assert (case.case_id, case.meta) == ("12", {"relation_id": "P103"})
    assert (view.prompt, view.target_new, view.target_true) == ("The mother tongue of Danielle Darrieux is", "English", "French")
    assert view.paraphrases == ("Danielle Darrieux spoke", "Danielle Darrieux's language is")
    # ROME's neighbourhood prompts share the true object.
    assert view.neighborhood == (QA("Michel Rocard is a native speaker of", "French"), QA("Jean Gabin spoke", "French"))


def test_counterfact_easyedit_format_and_language(tmp_path):
    flat = [{"case_id": 0, "prompt": "La langue de Danielle est", "subject": "Danielle", "target_new": "anglais",
             "ground_truth": "français", "rephrase_prompt": "Danielle parle", "locality_prompt": "Michel parle",
             "locality_ground_truth": "français"}]
    (case,), _ = CounterFactReader(format="easyedit", language="fr").read(_dump(tmp_path / "cf.json", flat))
    assert list(case.views) == ["fr"] and case.views["fr"].neighborhood == (QA("Michel parle", "français"),)
    with pytest.raises(ValueError, match="format"):
        CounterFactReader(format="csv")  # type: ignore[arg-type]


def test_registry_names_every_reader():
    assert {"unified", "mapping", "mzsre", "bizsre", "mlake", "counterfact", "zsre", "mkeb"} <= set(READERS)
    assert isinstance(build_reader("mzsre"), MzsREReader)
    with pytest.raises(ValueError, match="unknown reader 'nope'"):
        build_reader("nope")
