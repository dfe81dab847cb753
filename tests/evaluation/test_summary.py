"""What runs print: ``mke test`` ends with a compact mono/cross table and the run folder (not Lightning's table of
every language pair, unless ``--verbose true``), and the training bar shows the step budget, not ``Epoch 0/-2``."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path
from types import SimpleNamespace

from mke_lightning.cli import cli_main
from mke_lightning.data.reading import write_edit_cases
from mke_lightning.evaluation.progress import StepBudgetRichBar, train_description
from mke_lightning.evaluation.summary import summary_table
from tests.experiment_yaml import mke_test_yaml

REPO = Path(__file__).resolve().parents[2]



def test_summary_table():
    values = {"test/es/mono": 0.95, "test/es/cross": 0.1234, "test/ns/mono": 0.5, "test/ns/cross": float("nan")}
    counts = {"edited": {"en": 20, "zh": 19}, "scored": {"en-en": 20, "en-th": 20, "zh-en": 19, "zh-th": 19}}
    assert summary_table(values, "test", ["es", "ps", "ns"], counts, "runs/rome/version_3") == "\n".join([
        "test: 39 edits (en 20, zh 19), scored in 2 languages",
        "  metric     mono   cross",
        "  es        0.950   0.123",
        "  ns        0.500       –",
        "results: runs/rome/version_3 (edit_metrics.json, edit_cases_test.jsonl, heatmaps/)"])


def _test_output(tmp_path, tiny_models, small_cases, *extra) -> str:
    write_edit_cases(small_cases[:2], tmp_path / "cases.jsonl")
    config = tmp_path / "u.yaml"
    config.write_text(mke_test_yaml(tmp_path / "runs", "u", "UneditedEditor", tiny_models["gpt2"],
                                           tmp_path / "cases.jsonl", "[en, zh]", "[es, ns]"))
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        cli_main(["test", "--config", str(config), *extra])
    return printed.getvalue()


def test_mke_test_ends_with_the_compact_summary(tmp_path, tiny_models, small_cases):
    printed = _test_output(tmp_path, tiny_models, small_cases)
    run = tmp_path / "runs" / "u" / "version_0"
    assert "test: 4 edits (en 2, zh 2), scored in 2 languages" in printed
    assert f"results: {run} (edit_metrics.json" in printed
    assert "test/es/en-zh" not in printed  # Lightning's per-pair table is off by default
    assert "test/es/en-zh" in _test_output(tmp_path, tiny_models, small_cases, "--verbose", "true")


def test_training_bar_shows_the_step_budget():
    def trainer(max_epochs, max_steps):
        return SimpleNamespace(max_epochs=max_epochs, max_steps=max_steps)

    assert train_description(trainer(-1, 600), 0) == "Epoch 0 · step budget 600"
    assert train_description(trainer(10, -1), 3) == "Epoch 3/9"
    assert train_description(trainer(-1, -1), 2) == "Epoch 2"


def test_the_default_bar_of_mke_fit_is_the_step_budget_bar():
    from mke_lightning.experiment import experiment_cli

    cli = experiment_cli([str(REPO / "configs" / "mend.yaml")])
    bar = cli.trainer.progress_bar_callback
    assert isinstance(bar, StepBudgetRichBar)
    assert train_description(cli.trainer, 0) == "Epoch 0 · step budget 600"  # what the bar shows once attached
