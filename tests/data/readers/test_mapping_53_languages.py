"""A BMIKE-53-shaped benchmark (one JSONL file per language, each record an ``en`` block plus one block in the
file's language) read with a field-mapping config alone: every one of the 53 languages comes out, counted right."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mke_lightning.data import EditDataModule
from mke_lightning.data.readers import MappingReader
from mke_lightning.data.schema import QA

#: 41 languages of the former hand-made code table that BMIKE-53 has, and the 12 it refused.
OLD = ("ar bg bn ca cs da de el en es et fa fi fr he hi hr hu id it ja ko lt lv ms nl pl pt ro ru sk sl sr sv ta th "
       "tr uk ur vi zh").split()
REFUSED = "af az be ceb cy eu ga gl hy ka la sq".split()
LANGS = OLD + REFUSED
N_RECORDS = 4

FIELDS = {
    "subject": "{lang}.subject", "prompt": "{lang}.src", "target_new": "{lang}.alt",
    "paraphrases": ["{lang}.rephrase"],
    "neighborhood": [{"prompt": "{lang}.loc", "answer": "{lang}.loc_ans"}],
    "multihop": [{"prompt": "{lang}.portability.New Question", "answer": "{lang}.portability.New Answer"}],
}

_SUBJECTS = {"zh": "艾达", "ja": "エイダ", "th": "เอด้า", "ru": "Ада", "hy": "Ադա", "ka": "ადა", "ar": "آدا"}


def _block(lang: str, i: int) -> dict:
    subject = f"{_SUBJECTS.get(lang, 'Ada')}{i}"
    return {"subject": subject, "src": f"{subject} [{lang}] born in", "alt": f"Oslo-{lang}",
            "rephrase": f"[{lang}] birthplace of {subject}", "loc": f"[{lang}] Bob was born in", "loc_ans": "Rome",
            "portability": {"New Question": f"[{lang}] country of {subject}", "New Answer": "Norway"}}


def _write_benchmark(root: Path) -> dict[str, int]:
    """One file per language; the k-th non-English language has a block in its first 4, 3 or 2 records only
    (its other records hold the English block alone). Returns the expected number of cases per language."""
    expected = {"en": N_RECORDS}
    for k, lang in enumerate(LANGS):
        present = N_RECORDS if lang == "en" else N_RECORDS - k % 3
        expected[lang] = present
        lines = []
        for i in range(N_RECORDS):
            record = {"en": _block("en", i)}
            if lang != "en" and i < present:
                record[lang] = _block(lang, i)
            lines.append(json.dumps(record, ensure_ascii=False))
        (root / f"{lang}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return expected


def _config(root: Path) -> Path:
    config = root / "bmike53.yaml"
    fields = json.dumps(FIELDS, ensure_ascii=False)
    config.write_text(f"""
data:
  class_path: mke_lightning.data.EditDataModule
  init_args:
    test_path: "{root}/{{lang}}.jsonl"
    reader:
      class_path: mke_lightning.data.readers.MappingReader
      init_args:
        fields: {fields}
        file_languages: {json.dumps(LANGS)}
""", encoding="utf-8")
    return config


def _assert_all_53(cases, expected: dict[str, int]) -> None:
    assert len(cases) == N_RECORDS
    counts = {lang: sum(lang in case.views for case in cases) for lang in expected}
    assert counts == expected
    assert {lang for case in cases for lang in case.views} == set(LANGS)
    hy = next(case for case in cases if "hy" in case.views).views["hy"]
    assert hy.subject == "Ադա0" and hy.target_new == "Oslo-hy" and hy.paraphrases == ("[hy] birthplace of Ադա0",)
    assert hy.neighborhood == (QA("[hy] Bob was born in", "Rome"),)
    assert hy.multihop == (QA("[hy] country of Ադա0", "Norway"),)


def test_fixture_has_53_languages_and_12_the_old_table_refused():
    assert len(LANGS) == len(set(LANGS)) == 53 and "en" in LANGS and len(OLD) == 41


def test_mapping_config_alone_reads_all_53_languages(tmp_path):
    from mke_lightning.data.stats import _datamodule_from_configs  # the `mke` CLI's parsing of data configs

    expected = _write_benchmark(tmp_path)
    dm = _datamodule_from_configs([str(_config(tmp_path))], {})
    dm.setup("test")
    _assert_all_53(dm.splits["test"], expected)
    assert dict(dm.reports["test"].views_total) == expected
    assert dm.eval_languages == sorted(LANGS)


@pytest.mark.parametrize("languages", [None, ["en", "ceb", "hy", "zh-CN", "cz"]])
def test_datamodule_with_a_mapping_reader_object(tmp_path, languages):
    expected = _write_benchmark(tmp_path)
    reader = MappingReader(FIELDS, file_languages=LANGS)
    dm = EditDataModule(reader=reader, test_path=str(tmp_path / "{lang}.jsonl"), languages=languages)
    dm.setup("test")
    if languages is None:
        _assert_all_53(dm.splits["test"], expected)
    else:
        wanted = ["en", "ceb", "hy", "zh", "cs"]
        counts = {lang: sum(lang in case.views for case in dm.splits["test"]) for lang in wanted}
        assert counts == {lang: expected[lang] for lang in wanted}
