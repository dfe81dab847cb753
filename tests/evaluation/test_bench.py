"""`mke bench`: runs from an experiment config and reports latency, throughput, memory and the naive comparison."""

from __future__ import annotations

import json

import yaml

from mke_lightning.cli import cli_main
from mke_lightning.data.reading import write_edit_cases


def test_bench_reports_figures(tmp_path, tiny_models, small_cases, capsys):
    cases = tmp_path / "cases.jsonl"
    write_edit_cases(small_cases[:3], cases)
    config = {
        "trainer": {"accelerator": "cpu", "logger": False, "callbacks": [
            {"class_path": "mke_lightning.evaluation.EditEvaluationCallback", "init_args": {"metrics": ["es", "ns", "loc_f1"]}}]},
        "model": {"class_path": "mke_lightning.editors.FTMEditor",
                  "init_args": {"model_name_or_path": tiny_models["llama"], "layers": [1], "num_steps": 2}},
        "data": {"class_path": "mke_lightning.data.EditDataModule",
                 "init_args": {"test_path": str(cases), "languages": ["en", "ja"], "edit_languages": ["en"]}},
    }
    path = tmp_path / "bench.yaml"
    path.write_text(yaml.safe_dump(config))
    out = tmp_path / "bench.json"
    cli_main(["bench", "--config", str(path), "--cases", "3", "--compare_naive", "true", "--output", str(out)])
    result = json.loads(out.read_text())
    assert result["edits"] == 3 and result["tgt_languages"] == ["en", "ja"]
    assert result["edit_latency_s"]["median"] > 0 and result["eval_cases_per_s"] > 0 and result["peak_memory_mb"] > 0
    assert result["max_abs_metric_difference"] < 1e-6  # the batched scorer agrees with the naive one
    assert {"bench/es/mono", "bench/ns/cross", "bench/loc_f1/mono"} <= set(result["metrics"])
    assert "| FTMEditor | 3 |" in capsys.readouterr().out
