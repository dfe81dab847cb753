"""MLaKE on a small fixture in the release's layout: cloze prompts, derived subjects, the multi-hop join, options."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mke_lightning.data.readers import MLaKEReader
from mke_lightning.data.readers.mlake import cloze_prompt
from mke_lightning.data.readers.subjects import derive_subject, longest_common_substring
from mke_lightning.data.schema import QA, DatasetFormatError

SINGLE = {
    "en": [{"question": "Where did Carl Sagan work during his career?", "o_prompt": "Carl Sagan worked at Cornell.",
            "o_answer": "Cornell", "o_answer_aliases": ["CU"], "e_prompt": "Carl Sagan worked at BBC.",
            "e_answer": "BBC", "e_answer_aliases": []},
           {"question": "Who is Ada married to?", "o_prompt": "Bob is Ada's spouse.", "o_answer": "Bob",
            "o_answer_aliases": [], "e_prompt": "Ada is married to Tom.", "e_answer": "Tom", "e_answer_aliases": []}],
    "zh": [{"question": "卡尔·萨根在哪里工作？", "o_prompt": "卡尔·萨根曾受雇于康奈尔。", "o_answer": "康奈尔",
            "o_answer_aliases": [], "e_prompt": "卡尔·萨根曾受雇于英国广播公司。", "e_answer": "英国广播公司",
            "e_answer_aliases": ["BBC"]},
           {"question": "艾达的丈夫是谁？", "o_prompt": "艾达的丈夫是鲍勃。", "o_answer": "鲍勃", "o_answer_aliases": [],
            "e_prompt": "艾达的丈夫是汤姆。", "e_answer": "汤姆", "e_answer_aliases": []}],
}
MULTI = {"en": [{"question": "In which country is the employer of Carl Sagan?", "e_prompt": "Carl Sagan worked at BBC.",
                 "e_answer": "United Kingdom", "e_answer_aliases": ["UK"]}],
         "zh": [{"question": "卡尔·萨根的雇主位于哪个国家？", "e_prompt": "Carl Sagan worked at BBC.", "e_answer": "英国",
                 "e_answer_aliases": []}]}


def _release(root: Path, single=SINGLE, multi=MULTI) -> str:
    (root / "single_hop").mkdir(parents=True)
    (root / "multi_hop").mkdir()
    for lang, records in single.items():
        (root / "single_hop" / f"{lang}_qa.json").write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    for lang, records in multi.items():
        (root / "multi_hop" / f"new_{lang}_qa.json").write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    return str(root)


def test_cloze_prompts_subjects_targets_and_multihop_join(tmp_path):
    cases, report = MLaKEReader(languages=["en", "zh"]).read(_release(tmp_path), on_subject_missing="keep")
    sagan, ada = cases
    en, zh = sagan.views["en"], sagan.views["zh"]
    assert (en.prompt, en.subject, en.target_new, en.target_true) == ("Carl Sagan worked at", "Carl Sagan", "BBC", "Cornell")
    assert en.paraphrases == ("Where did Carl Sagan work during his career?",)
    assert en.multihop == (QA("In which country is the employer of Carl Sagan?", "United Kingdom"),)
    # zh: the question and the multi-hop question narrow the shared text down to the name.
    assert (zh.prompt, zh.subject) == ("卡尔·萨根曾受雇于", "卡尔·萨根") and zh.multihop[0].answer == "英国"
    assert sagan.meta["aliases"]["zh"]["target_new"] == ["BBC"] and sagan.meta["aliases"]["en"]["target_true"] == ["CU"]
    # Ada's statements differ before the answers: the question is the prompt (counted), no paraphrase.
    assert ada.views["en"].prompt == "Who is Ada married to?" and ada.views["en"].paraphrases == ()
    assert report.notes["question used as prompt, no cloze (en)"] == 1
    # zh Ada: cloze "艾达的丈夫是" and question share the whole prompt, so no subject can be told apart: counted.
    assert report.notes["subject not derived (zh)"] == 1 and report.subject_missing["zh"] == 1


def test_question_style_and_no_multihop(tmp_path):
    cases, _ = MLaKEReader(languages=["en"], prompt_style="question", multihop=False).read(_release(tmp_path))
    assert cases[0].views["en"].prompt == "Where did Carl Sagan work during his career?"
    assert cases[0].views["en"].multihop == () and list(cases[0].views) == ["en"]


def test_unmatched_multihop_is_an_error_or_a_counted_skip(tmp_path):
    multi = {"en": [*MULTI["en"], {"question": "Q?", "e_prompt": "No such edit.", "e_answer": "x"}]}
    root = _release(tmp_path, multi=multi)
    with pytest.raises(DatasetFormatError, match="no English edit") as info:
        MLaKEReader(languages=["en"]).read(root)
    assert (info.value.record, info.value.field) == (1, "e_prompt") and info.value.file.endswith("new_en_qa.json")
    _, report = MLaKEReader(languages=["en"], on_unmatched_multihop="skip").read(root)
    assert report.notes["multi-hop unmatched (en)"] == 1


def test_misaligned_single_hop_files_are_rejected(tmp_path):
    single = {"en": SINGLE["en"], "zh": SINGLE["zh"][:1]}
    with pytest.raises(DatasetFormatError, match="index-aligned"):
        MLaKEReader(languages=["en", "zh"]).read(_release(tmp_path, single=single))


def test_reader_options_are_validated():
    with pytest.raises(ValueError, match="MLaKE has no"):
        MLaKEReader(languages=["ru"])
    with pytest.raises(ValueError, match="prompt_style"):
        MLaKEReader(prompt_style="statement")  # type: ignore[arg-type]


def test_cloze_prompt_requires_the_same_context_for_both_answers():
    assert cloze_prompt("A worked at BBC.", "BBC", "A worked at Cornell.", "Cornell") == "A worked at"
    assert cloze_prompt("BBC employed A.", "BBC", "Cornell employed A.", "Cornell") is None  # answer first
    assert cloze_prompt("A works at BBC.", "BBC", "A worked at Cornell.", "Cornell") is None


def test_subject_derivation_trims_to_words_and_strips_punctuation():
    assert longest_common_substring("abcde", "xxcdy") == (2, 4)
    assert derive_subject("Carl Sagan worked at", ["Where did Carl Sagan work?"], "en") == "Carl Sagan"
    assert derive_subject("Le partenaire de Mary Lee était", ["Qui était le partenaire de Mary Lee ?",
                                                             "Où est née Mary Lee ?"], "fr") == "Mary Lee"
    assert derive_subject("abc", ["xyz"], "en") is None


def test_a_malformed_language_record_skips_that_view_only(tmp_path):
    zh = [dict(r) for r in SINGLE["zh"]]
    del zh[1]["e_answer"]
    root = _release(tmp_path, single={"en": SINGLE["en"], "zh": zh})
    with pytest.raises(DatasetFormatError, match="missing required field") as info:
        MLaKEReader(languages=["en", "zh"]).read(root, on_subject_missing="keep")
    assert (info.value.record, info.value.field) == (1, "e_answer") and info.value.file.endswith("zh_qa.json")
    cases, report = MLaKEReader(languages=["en", "zh"]).read(root, on_subject_missing="keep", on_invalid_record="skip")
    assert [sorted(c.views) for c in cases] == [["en", "zh"], ["en"]]
    assert report.invalid_views == {"zh": 1} and report.cases_per_language() == {"en": 2, "zh": 1}
