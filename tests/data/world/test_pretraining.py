"""World-model pretraining end to end through `mke fit`, on a small world: export, logs, determinism."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file

from mke_lightning.cli import cli_main
from mke_lightning.data.world.export import export_world
from mke_lightning.data.world.generator import WorldConfig

REPO = Path(__file__).resolve().parents[3]
SMALL = WorldConfig(seed=1, n_people=12, n_cities=6, n_countries=3, n_companies=3, n_universities=3)


@pytest.fixture(scope="module")
def small_world_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("world")
    export_world(out, SMALL)
    return out


def _fit(arch: str, world: Path, out: Path) -> Path:
    export = out / f"model-{arch}"
    cli_main(["fit", "--config", str(REPO / f"configs/world/pretrain_{arch}.yaml"),
              "--trainer.max_epochs", "1", "--trainer.limit_train_batches", "4", "--trainer.log_every_n_steps", "1", "--trainer.check_val_every_n_epoch", "1",
              "--trainer.enable_progress_bar", "false", "--trainer.logger.init_args.save_dir", str(out / "runs"),
              "--model.init_args.hidden_size", "32", "--model.init_args.num_layers", "2", "--model.init_args.max_positions", "256",
              "--model.init_args.export_dir", str(export),
              "--data.init_args.world_dir", str(world), "--data.init_args.tokenizer_dir", str(out / "tok"),
              "--data.init_args.vocab_size", "400", "--data.init_args.val_facts", "10"])
    return export


@pytest.mark.parametrize("arch", ["gpt2", "llama"])
def test_fit_exports_a_loadable_model_and_logs(arch, small_world_dir, tmp_path):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    export = _fit(arch, small_world_dir, tmp_path)
    model = AutoModelForCausalLM.from_pretrained(export)
    tok = AutoTokenizer.from_pretrained(export)
    assert model.config.model_type == arch and model.config.vocab_size == len(tok)
    assert model.config.bos_token_id == tok.bos_token_id
    # data.tokenizer_style of the config is honoured: the LLaMA world tokenizer prepends a space (SentencePiece-like)
    prefix_space = tok("Sore", add_special_tokens=False)["input_ids"] == tok(" Sore", add_special_tokens=False)["input_ids"]
    assert prefix_space == (arch == "llama")
    events = list((tmp_path / "runs").rglob("events.out.tfevents.*"))
    assert events and (events[0].parent / "config.yaml").is_file()
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    acc = EventAccumulator(str(events[0].parent))
    acc.Reload()
    assert {"train/loss", "val/recall_prompt", "val/recall_prompt/th"} <= set(acc.Tags()["scalars"])


def test_sequences_longer_than_the_model_are_an_error(small_world_dir, tmp_path, capsys):
    with pytest.raises(SystemExit):
        cli_main(["fit", "--config", str(REPO / "configs/world/pretrain_gpt2.yaml"), "--trainer.max_epochs", "1",
                  "--trainer.logger", "false", "--trainer.default_root_dir", str(tmp_path),
                  "--model.init_args.max_positions", "8", "--model.init_args.export_dir",
                  str(tmp_path / "m"), "--data.init_args.world_dir", str(small_world_dir),
                  "--data.init_args.tokenizer_dir", str(tmp_path / "tok"), "--data.init_args.vocab_size", "400"])
    assert "more than model.max_positions = 8" in capsys.readouterr().err


def test_same_seed_same_weights(small_world_dir, tmp_path):
    a = load_file(_fit("gpt2", small_world_dir, tmp_path / "a") / "model.safetensors")
    b = load_file(_fit("gpt2", small_world_dir, tmp_path / "b") / "model.safetensors")
    assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


def test_stage_two_continues_stage_one_in_context(small_world_dir, tmp_path, capsys):
    """configs/world/in_context_gpt2.yaml starts from the stage-1 weights (not a fresh init) and trains on sentences
    in context; a model with another vocabulary is refused."""
    from transformers import AutoModelForCausalLM

    stage1 = _fit("gpt2", small_world_dir, tmp_path / "s1")
    before = load_file(stage1 / "model.safetensors")

    def stage2(init_from: Path, out: Path) -> Path:
        cli_main(["fit", "--config", str(REPO / "configs/world/in_context_gpt2.yaml"),
                  "--trainer.max_epochs", "1", "--trainer.limit_train_batches", "2", "--trainer.limit_val_batches", "0",
                  "--trainer.enable_progress_bar", "false", "--trainer.logger", "false",
                  "--trainer.default_root_dir", str(out), "--model.init_args.init_from", str(init_from),
                  "--model.init_args.export_dir", str(out / "model"), "--data.init_args.world_dir", str(small_world_dir),
                  "--data.init_args.max_length", "256",
                  "--data.init_args.tokenizer_dir", str(tmp_path / "s1" / "tok")])
        return out / "model"

    after = load_file(stage2(stage1, tmp_path / "s2") / "model.safetensors")
    assert after.keys() == before.keys()
    moved = [k for k in after if not torch.equal(after[k], before[k])]
    assert moved  # it trained ...
    # ... from the stage-1 weights: two optimiser steps at lr <= 1e-3 stay close to them (a fresh init would not)
    w = "transformer.h.0.mlp.c_fc.weight"
    assert (after[w] - before[w]).abs().max() < 0.05 < before[w].abs().max()
    other = tmp_path / "other"
    model = AutoModelForCausalLM.from_pretrained(stage1)
    model.resize_token_embeddings(123)
    model.save_pretrained(other)
    with pytest.raises(SystemExit):
        stage2(other, tmp_path / "s3")
    assert "was trained with another tokenizer" in capsys.readouterr().err
