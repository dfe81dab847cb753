"""Per-case rows (``edit_cases_{stage}.jsonl``) written by short real test runs: one row per (case, source, target),
their values are those the aggregate metrics are made of, and their answers are those the metrics were scored on."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import lightning as L
import pytest
from lightning.pytorch.loggers import TensorBoardLogger

from mke_lightning.data.datamodule import EditDataModule
from mke_lightning.data.reading import write_edit_cases
from mke_lightning.editors import FTMEditor
from mke_lightning.evaluation import EditEvaluationCallback
from mke_lightning.metrics import functional as F

LANGS = ["en", "de", "zh"]


@pytest.fixture(scope="module")
def ft_run(tmp_path_factory, tiny_models, small_cases):
    tmp = tmp_path_factory.mktemp("rows")
    data = tmp / "cases.jsonl"
    write_edit_cases(small_cases[:3], data)
    dm = EditDataModule(test_path=str(data), languages=LANGS, edit_languages=["en", "zh"])
    trainer = L.Trainer(accelerator="cpu", devices=1, logger=TensorBoardLogger(tmp, default_hp_metric=False),
                        callbacks=[EditEvaluationCallback()], enable_progress_bar=False, enable_model_summary=False)
    trainer.test(FTMEditor(tiny_models["gpt2"], layers=[1], num_steps=10, lr=1e-2), datamodule=dm)
    run = Path(trainer.logger.log_dir)
    rows = [json.loads(line) for line in (run / "edit_cases_test.jsonl").read_text().splitlines()]
    return rows, json.loads((run / "edit_metrics.json").read_text()), small_cases[:3]


def test_one_row_per_case_source_and_target(ft_run):
    rows, results, cases = ft_run
    keys = [(r["case_id"], r["src"], r["tgt"]) for r in rows]
    expected = [(c.case_id, s, t) for s in ("en", "zh") for c in cases if s in c.views for t in LANGS if t in c.views]
    assert sorted(keys) == sorted(expected) and len(set(keys)) == len(keys)
    assert {r["stage"] for r in rows} == {"test"} and {r["step"] for r in rows} == {0}
    assert results["cases_scored"] == len({(c, s) for c, s, _ in keys})


def test_row_values_make_up_the_aggregates(ft_run):
    rows, results, _ = ft_run
    per_pair = defaultdict(list)
    for row in rows:
        for metric, value in row["metrics"].items():
            per_pair[f"test/{metric}/{row['src']}-{row['tgt']}"].append(value)
    assert per_pair.keys() <= results["test"].keys()
    for key, values in per_pair.items():
        assert results["test"][key] == pytest.approx(sum(values) / len(values), abs=1e-6), key


def test_rows_hold_what_the_metrics_were_scored_on(ft_run):
    """ES/PS recomputed from the row's log-probabilities, NS/QS from its generated answers, give its values."""
    rows, _, cases = ft_run
    views = {(c.case_id, lang): view for c in cases for lang, view in c.views.items()}
    for row in rows:
        view, metrics = views[(row["case_id"], row["tgt"])], row["metrics"]
        assert row["prompt"] == view.prompt and row["target_new"] == view.target_new
        (new, true), = row["logp"]["prompt"]
        assert metrics["es"] == float(new > true)
        paraphrases = row["logp"]["paraphrases"]
        assert len(paraphrases) == len(view.paraphrases)
        assert metrics["ps"] == pytest.approx(sum(n > t for n, t in paraphrases) / len(paraphrases))
        generated = row["generated"]
        assert len(generated["neighborhood"]) == len(view.neighborhood)
        assert metrics["ns"] == pytest.approx(F.neighborhood_score(
            generated["neighborhood"], [qa.answer for qa in view.neighborhood], row["tgt"]))
        if view.multihop:
            assert metrics["qs"] == pytest.approx(F.question_score(
                generated["multihop"], [qa.answer for qa in view.multihop], row["tgt"]))
        assert metrics["rel_f1"] == pytest.approx(F.rel_f1(generated["prompt"][0], view.target_new, row["tgt"]))
    # The edit made something happen in its own language: at least one edited prompt now answers the new target.
    assert any(r["metrics"]["es"] == 1.0 for r in rows if r["src"] == r["tgt"])


def test_case_rows_off_writes_no_file(tiny_models, small_cases, tmp_path):
    from mke_lightning.editors import UneditedEditor

    data = tmp_path / "cases.jsonl"
    write_edit_cases(small_cases[:1], data)
    dm = EditDataModule(test_path=str(data), languages=["en"], edit_languages=["en"])
    trainer = L.Trainer(accelerator="cpu", devices=1, logger=TensorBoardLogger(tmp_path, default_hp_metric=False),
                        callbacks=[EditEvaluationCallback(metrics=["es"], case_rows=False)],
                        enable_progress_bar=False, enable_model_summary=False)
    trainer.test(UneditedEditor(tiny_models["gpt2"]), datamodule=dm)
    run = Path(trainer.logger.log_dir)
    assert (run / "edit_metrics.json").is_file() and not (run / "edit_cases_test.jsonl").exists()
