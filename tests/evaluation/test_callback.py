"""The edit-evaluation loop through Lightning's Trainer: keys, modes, heatmaps, hparams, and sanity of values."""

from __future__ import annotations

from pathlib import Path

import lightning as L
import pytest
from lightning.pytorch.loggers import TensorBoardLogger

from mke_lightning.data.datamodule import EditDataModule
from mke_lightning.data.reading import write_edit_cases
from mke_lightning.editors import FTMEditor, UneditedEditor
from mke_lightning.evaluation import EditEvaluationCallback

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def data_file(tmp_path, small_cases):
    path = tmp_path / "cases.jsonl"
    write_edit_cases(small_cases[:4], path)
    return str(path)


def _test(editor, data_file, tmp_path, batch_size=1, **cb):
    callback = EditEvaluationCallback(**cb)
    dm = EditDataModule(test_path=data_file, languages=["en", "de", "zh", "th"], edit_languages=["en", "zh"],
                        batch_size=batch_size)
    trainer = L.Trainer(accelerator="cpu", devices=1, logger=TensorBoardLogger(tmp_path, default_hp_metric=False),
                        callbacks=[callback], enable_progress_bar=False, enable_model_summary=False)
    trainer.test(editor, datamodule=dm)
    return callback.results["test"], trainer


def test_unedited_keys_and_exact_locality(tiny_models, data_file, tmp_path):
    results, trainer = _test(UneditedEditor(tiny_models["gpt2"]), data_file, tmp_path)
    for metric in ("es", "ps", "ns", "rel_f1", "gen_f1", "loc_f1"):
        assert {f"test/{metric}/en-th", f"test/{metric}/zh-de", f"test/{metric}/mono", f"test/{metric}/cross"} <= set(results)
    # Unedited: post-edit answers are the pre-edit answers, so loc_f1 is exactly 1 everywhere.
    assert all(v == 1.0 for k, v in results.items() if k.startswith("test/loc_f1/"))
    assert trainer.callback_metrics["test/loc_f1/mono"] == 1.0
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    acc = EventAccumulator(str(Path(trainer.logger.log_dir)))
    acc.Reload()
    assert "test/es/matrix" in acc.Tags()["images"]
    # The HParams tab: hyperparameters written together with the headline metrics.
    from tensorboard.plugins.hparams import plugin_data_pb2

    content = acc.PluginTagToContent("hparams")
    session = plugin_data_pb2.HParamsPluginData.FromString(content["_hparams_/session_start_info"])
    assert "model_name_or_path" in session.session_start_info.hparams
    assert session.session_start_info.hparams["editor"].string_value == "UneditedEditor"
    experiment = plugin_data_pb2.HParamsPluginData.FromString(content["_hparams_/experiment"])
    assert "test/loc_f1/mono" in {m.name.tag for m in experiment.experiment.metric_infos}


@pytest.mark.parametrize("mode", ["batch", "sequential"])
def test_modes_agree_for_the_no_op_editor(tiny_models, data_file, tmp_path, mode):
    single, _ = _test(UneditedEditor(tiny_models["gpt2"]), data_file, tmp_path / "single")
    other, _ = _test(UneditedEditor(tiny_models["gpt2"]), data_file, tmp_path / mode, batch_size=2, mode=mode,
                     sequential_every=3)
    assert other.keys() == single.keys()
    assert all(abs(other[k] - single[k]) < 1e-9 for k in single)


def test_ft_m_edit_changes_scores_and_model_is_restored(tiny_models, data_file, tmp_path):
    editor = FTMEditor(tiny_models["gpt2"], layers=[1], num_steps=15, lr=1e-2)
    base, _ = _test(UneditedEditor(tiny_models["gpt2"]), data_file, tmp_path / "base")
    edited, _ = _test(editor, data_file, tmp_path / "ft", metrics=["es", "loc_f1"])
    assert set(edited) == {k for k in base if k.split("/")[1] in ("es", "loc_f1")}
    assert edited["test/es/mono"] > base["test/es/mono"]
    import torch
    from transformers import AutoModelForCausalLM

    fresh = AutoModelForCausalLM.from_pretrained(tiny_models["gpt2"])
    assert all(torch.equal(a, b) for a, b in zip(fresh.state_dict().values(), editor.base_model.state_dict().values()))


def test_bad_callback_options():
    with pytest.raises(ValueError, match="unknown metrics"):
        EditEvaluationCallback(metrics=["es", "bleu"])
    with pytest.raises(ValueError, match="mode"):
        EditEvaluationCallback(mode="parallel")


def test_results_written_as_json(tiny_models, data_file, tmp_path):
    import json

    out = tmp_path / "metrics.json"
    results, _ = _test(UneditedEditor(tiny_models["llama"]), data_file, tmp_path, metrics=["loc_f1"],
                       results_path=str(out))
    written = json.loads(out.read_text())
    assert written["test"] == results and written["cases_scored"] == 4 * 2  # 4 cases x 2 source languages
