"""The whole evaluation loop under DDP: 2 CPU processes (gloo) report exactly what 1 process reports."""

from __future__ import annotations

import json

import lightning as L
import pytest

from mke_lightning.data.datamodule import EditDataModule
from mke_lightning.data.reading import write_edit_cases
from mke_lightning.editors import UneditedEditor
from mke_lightning.evaluation import EditEvaluationCallback


def _run(path: str, data: str, devices: int, root, results: str | None = None):
    dm = EditDataModule(test_path=data, languages=["en", "zh", "th"], edit_languages=["en", "zh"])
    trainer = L.Trainer(accelerator="cpu", devices=devices, strategy="ddp_spawn" if devices > 1 else "auto",
                        callbacks=[EditEvaluationCallback(metrics=["es", "ps", "ns", "loc_f1", "gen_f1"],
                                                          log_heatmaps=False, results_path=results)],
                        logger=False, enable_progress_bar=False, enable_model_summary=False, default_root_dir=root)
    return trainer.test(UneditedEditor(path), datamodule=dm)[0]


@pytest.mark.slow
def test_two_processes_report_what_one_reports(tiny_models, small_cases, tmp_path):
    data = tmp_path / "cases.jsonl"
    write_edit_cases(small_cases[:5], data)  # 5 cases: an uneven split, where padding would double-count one
    one = _run(tiny_models["gpt2"], str(data), 1, tmp_path, str(tmp_path / "one.json"))
    two = _run(tiny_models["gpt2"], str(data), 2, tmp_path, str(tmp_path / "two.json"))
    assert one.keys() == two.keys() and len(one) > 10
    for key in one:
        assert two[key] == pytest.approx(one[key], abs=1e-9), key
    # The case counts are the whole data's under DDP too (they were rank 0's).
    written = [json.loads((tmp_path / f"{n}.json").read_text()) for n in ("one", "two")]
    assert written[0]["cases_scored"] == written[1]["cases_scored"] == 10  # 5 cases x 2 source languages
    assert written[0]["case_counts"] == written[1]["case_counts"]
    assert written[1]["case_counts"]["test"]["edited"] == {"en": 5, "zh": 5}
