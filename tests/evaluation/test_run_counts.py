"""What the evaluation's figures rest on: metrics the data cannot give are named with the reason, a stage that
scores no case is an error."""

from __future__ import annotations

import dataclasses
import json
import logging

import lightning as L
import pytest

from mke_lightning.data.datamodule import EditDataModule
from mke_lightning.data.reading import write_edit_cases
from mke_lightning.editors import UneditedEditor
from mke_lightning.evaluation import EditEvaluationCallback


def _test(model: str, data: str, callback: EditEvaluationCallback, root):
    dm = EditDataModule(test_path=data, languages=["en", "zh"], edit_languages=["en"])
    trainer = L.Trainer(accelerator="cpu", devices=1, callbacks=[callback], logger=False, enable_progress_bar=False,
                        enable_model_summary=False, default_root_dir=root)
    return trainer.test(UneditedEditor(model), datamodule=dm)


def test_metrics_without_their_fields_are_named_with_the_reason(tiny_models, small_cases, tmp_path, caplog):
    cases = [dataclasses.replace(c, views={k: dataclasses.replace(v, target_true=None) for k, v in c.views.items()})
             for c in small_cases[:3]]
    data = tmp_path / "cases.jsonl"
    write_edit_cases(cases, data)
    results = tmp_path / "results.json"
    callback = EditEvaluationCallback(metrics=["es", "ps", "ns"], log_heatmaps=False, results_path=str(results))
    with caplog.at_level(logging.INFO, logger="mke_lightning"):
        _test(tiny_models["gpt2"], str(data), callback, tmp_path)
    written = json.loads(results.read_text())
    assert written["not_scored"]["test"] == {"es": "no scored case has target_true",
                                             "ps": "no scored case has target_true and paraphrases"}
    assert "test/ns/mono" in written["test"] and "test/es/mono" not in written["test"]
    warned = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert "test/es: not reported, no scored case has target_true" in warned  # asked for by name: a warning


def test_a_stage_that_scores_no_case_is_an_error(tiny_models, small_cases, tmp_path):
    data = tmp_path / "cases.jsonl"
    write_edit_cases(small_cases[:2], data)
    callback = EditEvaluationCallback(metrics=["ns"], edit_languages=["de"], log_heatmaps=False)  # no 'de' view
    with pytest.raises(RuntimeError, match=r"test: no case was scored: none of the test cases has a view in the "
                                           r"edit languages \['de'\]"):
        _test(tiny_models["gpt2"], str(data), callback, tmp_path)
