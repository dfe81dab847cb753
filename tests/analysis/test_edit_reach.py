"""Edit reach: the analytic value under a rank-one FFN update, the errors, and `mke reach` end to end."""

from __future__ import annotations

import contextlib
import json

import pytest
import torch
import yaml

from mke_lightning.analysis.edit_reach import edit_reach, subject_leads
from mke_lightning.cli import cli_main
from mke_lightning.data.reading import write_edit_cases
from mke_lightning.editors.applied import WeightEdit
from mke_lightning.editors.shared.keys import io_at_subject
from mke_lightning.models.adapter import ArchitectureAdapter, from_out_in
from mke_lightning.models.loading import load_causal_lm

TEXTS = ["Pamu Ritesen lives in", "The home of Pamu Ritesen is", "Pamu Ritesen works for", "Where does Pamu Ritesen live"]


@pytest.mark.parametrize("arch", ["gpt2", "llama"])
def test_rank_one_update_reaches_each_text_by_its_key_projection(tiny_models, arch):
    model, tok = load_causal_lm(tiny_models[arch])
    model.eval()
    adapter = ArchitectureAdapter(model)
    layer = 1
    ffn = adapter.ffn_out(layer)
    subjects = ["Pamu Ritesen"] * len(TEXTS)
    keys = io_at_subject(model, tok, [adapter.ffn_out_name(layer)], TEXTS, subjects)[adapter.ffn_out_name(layer)][0]
    gen = torch.Generator().manual_seed(0)
    u = torch.randn(keys.shape[1], generator=gen)
    r = torch.randn(model.config.hidden_size, generator=gen)
    delta = from_out_in(ffn, torch.outer(r, u))
    name = adapter.ffn_out_name(layer) + ".weight"
    before = ffn.weight.detach().clone()
    values = edit_reach(model, tok, WeightEdit.from_deltas(model, {name: delta}), adapter.block_name(layer), TEXTS,
                        subjects)
    expected = (keys @ u) / (keys[0] @ u)
    assert values[0] == pytest.approx(1.0, abs=1e-5)
    torch.testing.assert_close(values, expected.float(), rtol=1e-3, atol=1e-4)
    assert torch.equal(ffn.weight, before)  # the edit is undone
    # An earlier block's output does not see a later layer's update: nothing to compare with.
    with pytest.raises(ValueError, match="does not change"):
        edit_reach(model, tok, WeightEdit.from_deltas(model, {name: delta}), adapter.block_name(0), TEXTS, subjects)
    with pytest.raises(ValueError, match="one subject per text"):
        edit_reach(model, tok, contextlib.nullcontext(), adapter.block_name(layer), TEXTS, subjects[:1])


def test_subject_leads():
    assert subject_leads(" Pamu Ritesen lives in", "Pamu Ritesen")
    assert not subject_leads("The home of Pamu Ritesen is", "Pamu Ritesen")


def test_reach_command_writes_rows_and_summary(tmp_path, tiny_models, small_cases, capsys):
    cases = tmp_path / "cases.jsonl"
    write_edit_cases(small_cases[:3], cases)
    config = {
        "trainer": {"accelerator": "cpu", "logger": False},
        "model": {"class_path": "mke_lightning.editors.RomeEditor",
                  "init_args": {"model_name_or_path": tiny_models["llama"], "layer": 1,
                                "optimization": {"v_num_grad_steps": 3}, "mom2_adjustment": False,
                                "templates": {"n_per_seed": 0}}},
        "data": {"class_path": "mke_lightning.data.EditDataModule",
                 "init_args": {"val_path": str(cases), "languages": ["en", "zh"], "edit_languages": ["en", "zh"]}},
    }
    path = tmp_path / "rome.yaml"
    path.write_text(yaml.safe_dump(config))
    out = tmp_path / "reach.json"
    cli_main(["reach", "--config", str(path), "--split", "val", "--cases", "2", "--langs", "[zh]", "--output",
              str(out)])
    result = json.loads(out.read_text(encoding="utf-8"))
    views = [c.views["zh"] for c in small_cases[:2]]
    assert len(result["rows"]) == sum(1 + len(v.paraphrases) for v in views)
    assert {r["lang"] for r in result["rows"]} == {"zh"} and result["site"] == "model.layers.1"
    prompts = [r for r in result["rows"] if r["kind"] == "prompt"]
    assert [r["text"] for r in prompts] == [v.prompt for v in views]
    assert all(r["reach"] == pytest.approx(1.0, abs=1e-4) for r in prompts)
    for row in result["rows"]:
        if row["kind"] != "prompt":
            subject = next(v.subject for v in views if row["text"] in v.paraphrases)
            assert row["kind"].endswith("subject first") == row["text"].startswith(subject)
    assert sum(s["texts"] for s in result["summary"]) == len(result["rows"])
    assert "| zh | prompt | 2 | 1.00 |" in capsys.readouterr().out
    # experiment overrides apply after the config, as for `mke test`: another layer, recorded in the JSON
    cli_main(["reach", "--config", str(path), "--model.init_args.layer", "0", "--split", "val", "--cases", "1",
              "--langs", "[zh]", "--output", str(out)])
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["site"] == "model.layers.0" and result["overrides"] == ["--model.init_args.layer", "0"]
    with pytest.raises(SystemExit):
        cli_main(["reach", "--config", str(path), "--split", "val", "--model.init_args.layer"])
    assert "--model.init_args.layer needs a value" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli_main(["reach", "--config", str(path), "--split", "test"])
    assert "no test data" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli_main(["reach", "--cases", "2"])
    assert "needs an experiment config" in capsys.readouterr().err
