"""`mke bench`: runs from an experiment config and reports latency, throughput, memory and the naive comparison."""

from __future__ import annotations

import json

import pytest
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
    # experiment overrides after the config, as for `mke test`
    cli_main(["bench", "--config", str(path), "--data.init_args.languages", "[en]", "--cases", "1", "--output", str(out)])
    result = json.loads(out.read_text())
    assert result["tgt_languages"] == ["en"] and result["overrides"] == ["--data.init_args.languages", "[en]"]
    # the batched single mode, several sizes in one run: per-case edit and scoring time apart, equal metrics
    capsys.readouterr()
    cli_main(["bench", "--config", str(path), "--cases", "3", "--edit_batch_size", "[1, 3]", "--output", str(out)])
    rows = json.loads(out.read_text())["edit_batch_sizes"]
    assert [r["edit_batch_size"] for r in rows] == [1, 3] and rows[0]["speedup"] == 1.0
    assert all(r["edit_s_per_case"] > 0 and r["score_s_per_case"] > 0 and r["peak_memory_mb"] > 0 for r in rows)
    assert rows[0]["max_abs_metric_difference"] == 0.0 and rows[1]["max_abs_metric_difference"] <= 1e-5
    assert "| edit_batch_size | edit s/case | scoring s/case |" in capsys.readouterr().out


def test_bench_times_training_of_learned_editors(tmp_path, tiny_models, small_cases, capsys):
    cases = tmp_path / "cases.jsonl"
    write_edit_cases(small_cases[:6], cases)
    data = {"class_path": "mke_lightning.data.EditDataModule",
            "init_args": {"train_path": str(cases), "test_path": str(cases), "languages": ["en", "zh"],
                          "edit_languages": ["en"], "batch_size": 1}}
    config = {"trainer": {"accelerator": "cpu", "logger": False, "gradient_clip_val": 1.0},
              "model": {"class_path": "mke_lightning.editors.MendEditor",
                        "init_args": {"model_name_or_path": tiny_models["gpt2"], "meta": {"max_outer": 2, "max_loc": 2}}},
              "data": data}
    path = tmp_path / "mend.yaml"
    path.write_text(yaml.safe_dump(config))
    out = tmp_path / "bench.json"
    cli_main(["bench", "--config", str(path), "--cases", "2", "--train_steps", "2", "--output", str(out)])
    result = json.loads(out.read_text())
    assert result["train_steps_timed"] == 2 and result["train_steps_per_s"] > 0
    assert result["train_cases_per_s"] == result["train_steps_per_s"]  # batch size 1
    assert result["train_peak_memory_mb"] > 0 and result["edits"] == 2
    assert "training:" in capsys.readouterr().out
    # --ckpt_path: the editor's trained weights are loaded before the edits (here: a hypernetwork made to differ)
    import torch

    from mke_lightning.experiment import experiment_cli

    editor = experiment_cli([str(path)]).model
    editor.configure_model()
    with torch.no_grad():
        for name, param in editor.named_parameters():
            if not name.startswith(editor.unsaved_prefix):
                param.add_(0.5 * torch.randn_like(param))
    checkpoint = {"state_dict": editor.state_dict()}
    editor.on_save_checkpoint(checkpoint)
    torch.save(checkpoint, tmp_path / "mend.ckpt")
    cli_main(["bench", "--config", str(path), "--cases", "2", "--output", str(out)])
    untrained = json.loads(out.read_text())["metrics"]
    cli_main(["bench", "--config", str(path), "--cases", "2", "--ckpt_path", str(tmp_path / "mend.ckpt"),
              "--output", str(out)])
    loaded = json.loads(out.read_text())
    assert loaded["ckpt_path"] == str(tmp_path / "mend.ckpt") and loaded["metrics"] != untrained
    # a training-free editor has no training to time
    config["model"] = {"class_path": "mke_lightning.editors.UneditedEditor",
                       "init_args": {"model_name_or_path": tiny_models["gpt2"]}}
    path.write_text(yaml.safe_dump(config))
    with pytest.raises(SystemExit):
        cli_main(["bench", "--config", str(path), "--train_steps", "2", "--output", str(out)])
    assert "not trained" in capsys.readouterr().err
