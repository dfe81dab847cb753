"""Short real ``mke fit`` runs of MEND on a tiny model: headline scalars only at their real steps, hyperparameters
logged once with the data options and the seed, case counts in the results, and a run resumed from a mid-epoch
checkpoint that continues in its run folder with exactly the validations of the uninterrupted run."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
from tensorboard.plugins.hparams import plugin_data_pb2

from mke_lightning.cli import cli_main
from mke_lightning.data.reading import write_edit_cases
from tests.experiment_yaml import trainer_yaml

CONFIG = """
seed_everything: 0
{trainer}model:
  class_path: mke_lightning.editors.MendEditor
  init_args: {{model_name_or_path: {model}, edit_lr: 0.05, meta: {{lr: 1.0e-3, max_outer: 4, max_loc: 2}}}}
data:
  class_path: mke_lightning.data.EditDataModule
  init_args: {{train_path: {train}, val_path: {val}, languages: [en, zh], edit_languages: [en, zh], batch_size: 2}}
"""

HEADLINE = "val/es/mono"


def _config(tmp_path: Path, tiny_models, small_cases, name: str, steps: int, heatmaps: bool = False) -> str:
    train, val = tmp_path / "train.jsonl", tmp_path / "val.jsonl"
    if not train.exists():
        write_edit_cases(small_cases[:5], train)  # 3 batches an epoch: step 3 is mid-way through epoch 1
        write_edit_cases(small_cases[5:8], val)
    path = tmp_path / f"{name}-{steps}.yaml"
    trainer = trainer_yaml(tmp_path / "runs", name, [
        f"mke_lightning.evaluation.EditEvaluationCallback: {{metrics: [es, ps, loc_f1], log_heatmaps: {str(heatmaps).lower()}}}",
        "lightning.pytorch.callbacks.ModelCheckpoint: {every_n_train_steps: 3, save_top_k: -1, save_last: true}"],
        f"  max_steps: {steps}\n  val_check_interval: 4\n  check_val_every_n_epoch: null\n  num_sanity_val_steps: 0")
    path.write_text(CONFIG.format(trainer=trainer, model=tiny_models["gpt2"], train=train, val=val))
    return str(path)


def _scalars(run_dir: Path, tag: str) -> list[tuple[int, float]]:
    events = EventAccumulator(str(run_dir), size_guidance={"scalars": 0}).Reload()
    return [(e.step, e.value) for e in events.Scalars(tag)] if tag in events.Tags()["scalars"] else []


def _hparams_summaries(run_dir: Path) -> list[dict]:
    """The HParams session-start records of a run folder, as ``{name: value}``."""
    from tensorboard.backend.event_processing.event_file_loader import EventFileLoader

    found = []
    for file in sorted(run_dir.glob("events.out.tfevents*")):
        for event in EventFileLoader(str(file)).Load():
            for value in event.summary.value:
                if value.tag == "_hparams_/session_start_info":
                    data = plugin_data_pb2.HParamsPluginData.FromString(value.metadata.plugin_data.content)
                    found.append({k: v.string_value or v.number_value for k, v in
                                  data.session_start_info.hparams.items()})
    return found


@pytest.fixture(scope="module")
def full_run(tmp_path_factory, tiny_models, small_cases):
    tmp_path = tmp_path_factory.mktemp("fit")
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        cli_main(["fit", "--config", _config(tmp_path, tiny_models, small_cases, "full", 8, heatmaps=True)])
    return tmp_path, tmp_path / "runs" / "full" / "version_0", printed.getvalue()


def test_headline_scalars_only_at_their_steps_and_hparams_once(full_run):
    _, run, _ = full_run
    steps = [step for step, _ in _scalars(run, HEADLINE)]
    # One point per validation (Lightning logs validation at the last completed optimizer step: 3 and 7 of the
    # validations after steps 4 and 8), and none at step 0 from hyperparameter logging.
    assert steps == [3, 7]
    summaries = _hparams_summaries(run)
    assert len(summaries) == 1
    params = summaries[0]
    assert params["data/languages"] and str(params["data/train_path"]).endswith("train.jsonl")
    assert params["seed_everything"] == "0" and params["editor"] == "MendEditor"


def test_results_count_the_cases_behind_each_language(full_run):
    _, run, _ = full_run
    results = json.loads((run / "edit_metrics.json").read_text())
    assert results["cases_scored"] == 6  # 3 val cases x 2 source languages
    assert results["case_counts"]["val"]["edited"] == {"en": 3, "zh": 3}
    assert results["case_counts"]["val"]["scored"] == {"en-en": 3, "en-zh": 3, "zh-en": 3, "zh-zh": 3}


def test_resume_from_a_mid_epoch_checkpoint_is_exact_and_stays_in_its_folder(full_run, tiny_models, small_cases):
    tmp_path, full, _ = full_run
    cli_main(["fit", "--config", _config(tmp_path, tiny_models, small_cases, "cut", 3)])
    cut = tmp_path / "runs" / "cut" / "version_0"
    ckpt = cut / "checkpoints" / "last.ckpt"
    cli_main(["fit", "--config", _config(tmp_path, tiny_models, small_cases, "cut", 8), "--ckpt_path", str(ckpt)])
    assert not (tmp_path / "runs" / "cut" / "version_1").exists()  # continued in its own run folder
    for tag in (HEADLINE, "val/ps/mono", "val/loc_f1/mono", "val/es/cross"):
        assert _scalars(cut, tag) == _scalars(full, tag), tag
    assert len(_scalars(full, HEADLINE)) == 2


def test_runs_say_what_they_measured_and_where(full_run):
    """Heatmap PNGs in the run folder; each validation's headline line and the checkpoint folder printed."""
    _, run, printed = full_run
    lines = [line for line in printed.splitlines() if line.startswith("val @ step")]
    assert [line.split(" (")[0] for line in lines] == ["val @ step 4", "val @ step 8"]
    assert all("(6 edits): es " in line and line.endswith(f"→ {run}") for line in lines)
    assert f"checkpoints: {run / 'checkpoints'}" in printed
    pngs = sorted(p.name for p in (run / "heatmaps").glob("*.png"))
    assert pngs == ["val_es.png", "val_loc_f1.png", "val_ps.png"]
    assert all((run / "heatmaps" / p).stat().st_size > 1000 for p in pngs)


def test_headline_summary_line():
    from mke_lightning.evaluation.summary import headline_summary

    values = {"val/es/mono": 1.0, "val/es/cross": 0.11607, "val/ps/mono": 0.8646}
    assert headline_summary(values, "val", ["es", "ps", "qs"], 16, "runs/x/version_0", step=9) == \
        "val @ step 9 (16 edits): es 1.000 / 0.116 · ps 0.865 / – (mono / cross) → runs/x/version_0"


def test_compare_reads_each_validation_of_a_fit_from_its_event_files(full_run):
    """``mke compare``'s reader: the last validation by default (what ``edit_metrics.json`` holds), any earlier
    one with ``step``, and the run's editor and seed from its HParams summary."""
    from mke_lightning.analysis.runs import read_run

    _, run, _ = full_run
    last = read_run(str(run), source="events")
    assert last.stage == "val" and last.step == 7 and last.editor == "MendEditor" and last.seed == "0"
    written = json.loads((run / "edit_metrics.json").read_text())["val"]
    assert {f"val/{k}" for k in last.values} == set(written)
    assert all(abs(last.values[k.split("/", 1)[1]] - v) < 1e-6 for k, v in written.items())
    first = read_run(str(run), source="events", step=3)
    assert first.step == 3 and first.values["es/mono"] == _scalars(run, HEADLINE)[0][1]
    assert read_run(str(run)).source == "edit_metrics.json"
