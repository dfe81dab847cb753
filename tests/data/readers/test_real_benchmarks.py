"""Every reader on the real benchmark files of ../shared/data (skipped where the folder is absent).

Set MKE_SHARED_DATA to another copy of the folder. The figures (cases per language, share of subjects located)
are the ones ``mke data stats`` prints; the counts are the releases' published sizes.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mke_lightning.data.readers import BiZsREReader, CounterFactReader, MLaKEReader, MzsREReader, ZsREReader
from mke_lightning.data.schema import DatasetFormatError

SHARED = Path(os.environ.get("MKE_SHARED_DATA", Path(__file__).resolve().parents[3] / ".." / "shared" / "data"))
MZSRE_LANGS = ["cs", "de", "en", "es", "fr", "nl", "pt", "ru", "th", "tr", "vi", "zh"]


def _need(rel: str) -> str:
    path = SHARED / rel
    if not path.exists():
        pytest.skip(f"benchmark data not found at {path} (set MKE_SHARED_DATA to the shared data folder)")
    return str(path)


def test_mzsre_743_cases_in_12_iso_languages():
    cases, report = MzsREReader().read(_need("mzsre"), on_subject_missing="keep")
    assert len(cases) == 743 and all(sorted(c.views) == MZSRE_LANGS for c in cases)
    assert dict(report.views_total) == dict.fromkeys(MZSRE_LANGS, 743)
    # English and Chinese subjects always occur in their prompt; translated ones often do not (inflection).
    assert report.subject_missing["en"] == report.subject_missing["zh"] == 0 and report.subject_missing["th"] > 300
    view = cases[1].views["cs"]  # the README's example record, cz block
    assert (view.subject, view.target_new, view.target_true) == ("Ramalinaceae", "Lamiinae", None)
    assert view.multihop[0].answer == "Cerambycidae" and view.neighborhood[0].answer == "Sjezd"


def test_mzsre_subject_policy_error_names_the_view():
    with pytest.raises(DatasetFormatError, match="does not occur in prompt") as info:
        MzsREReader(file_languages=["de"]).read(_need("mzsre"))
    assert info.value.field == "views.de.subject"


def test_bizsre_test_1037_by_2_and_zh_dev_with_counted_skips():
    cases, report = BiZsREReader().read(_need("bi_zsre/bizsre_test.json"))
    assert len(cases) == 1037 and dict(report.views_total) == {"en": 1037, "zh": 1037}
    assert cases[0].views["en"].neighborhood[0].prompt.startswith("nq question: ")
    dev = _need("bi_zsre/zsre_mend_eval_chinese.json")
    with pytest.raises(DatasetFormatError) as info:
        BiZsREReader().read(dev)
    assert (info.value.record, info.value.field) == (54, "alt")  # an empty new target in the release
    cases, report = BiZsREReader().read(dev, on_invalid_record="skip")
    assert len(cases) == 2990 and len(report.invalid_records) == 10 and report.cases_read == 3000
    assert cases[0].views["zh"].target_true == "伊利诺伊理工学院"  # answers[0]; *_statement fields not read


def test_mlake_single_hop_aligned_and_multihop_joined():
    cases, report = MLaKEReader().read(_need("mlake"), on_subject_missing="keep")
    assert len(cases) == 1072 and dict(report.views_total) == dict.fromkeys(["de", "en", "fr", "ja", "zh"], 1072)
    sagan = cases[0]
    assert sagan.views["en"].prompt == "Carl Sagan worked at" and sagan.views["en"].subject == "Carl Sagan"
    assert (sagan.views["en"].target_new, sagan.views["en"].target_true) == ("BBC", "Cornell University")
    assert "Cornell" in sagan.meta["aliases"]["en"]["target_true"]
    assert any(qa.answer == "英国" for qa in sagan.views["zh"].multihop)
    # Every multi-hop record of the release joins to its edit (README: 1024/789/909/701/731).
    counts = {lang: sum(len(c.views[lang].multihop) for c in cases) for lang in ("en", "zh", "ja", "fr", "de")}
    assert counts == {"en": 1024, "zh": 789, "ja": 909, "fr": 701, "de": 731}


def test_counterfact_easyedit_splits():
    cases, _ = CounterFactReader().read(_need("counterfact_easyedit/counterfact-edit.json"))
    assert len(cases) == 10000
    first = cases[0].views["en"]
    assert (cases[0].case_id, first.prompt, first.target_new, first.target_true) == (
        "0", "The mother tongue of Danielle Darrieux is", "English", "French")
    cases, _ = CounterFactReader().read(_need("counterfact_easyedit/counterfact-val.json"))
    assert len(cases) == 1919


def test_zsre_train_subset():
    cases, report = ZsREReader().read(_need("zsre_easyedit/zsre_mend_train-1k.json"), on_invalid_record="skip")
    assert len(cases) == 998 and len(report.invalid_records) == 2
    assert all(c.views["en"].target_true for c in cases)


def test_mapping_example_config_reproduces_the_bizsre_reader():
    """configs/data/mapping_example.yaml reads Bi-ZsRE with a field mapping only: the same cases as the reader."""
    from mke_lightning.data.stats import _datamodule_from_configs

    test = _need("bi_zsre/bizsre_test.json")
    config = Path(__file__).resolve().parents[3] / "configs" / "data" / "mapping_example.yaml"
    dm = _datamodule_from_configs([str(config)], {"test_path": test})
    dm.setup("test")
    assert dm.splits["test"] == BiZsREReader().read(test)[0]
