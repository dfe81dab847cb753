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


def _fit(arch: str, world: Path, out: Path, *extra: str, batches: int = 4) -> Path:
    export = out / f"model-{arch}"
    cli_main(["fit", "--config", str(REPO / f"configs/world/pretrain_{arch}.yaml"),
              "--trainer.max_epochs", "1", "--trainer.limit_train_batches", str(batches), "--trainer.log_every_n_steps", "1", "--trainer.check_val_every_n_epoch", "1",
              "--trainer.enable_progress_bar", "false", "--trainer.logger.init_args.save_dir", str(out / "runs"),
              "--model.init_args.hidden_size", "32", "--model.init_args.num_layers", "2", "--model.init_args.max_positions", "256",
              "--model.init_args.export_dir", str(export),
              "--data.init_args.world_dir", str(world), "--data.init_args.tokenizer_dir", str(out / "tok"),
              "--data.init_args.vocab_size", "400", "--data.init_args.val_facts", "10", *extra])
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


def test_a_world_of_another_version_than_the_config_says_is_an_error(small_world_dir, tmp_path, capsys):
    """configs/world/v2 (data.world_version 2) on a v1 world directory is refused before a step is trained."""
    with pytest.raises(SystemExit):
        cli_main(["fit", "--config", str(REPO / "configs/world/v2/pretrain_gpt2.yaml"), "--trainer.logger", "false",
                  "--trainer.default_root_dir", str(tmp_path), "--model.init_args.export_dir", str(tmp_path / "m"),
                  "--data.init_args.world_dir", str(small_world_dir),
                  "--data.init_args.tokenizer_dir", str(tmp_path / "tok"), "--data.init_args.vocab_size", "400"])
    err = capsys.readouterr().err
    assert "data.world_version is 2" in err and "is a world version 1" in err
    assert not (tmp_path / "m").exists()


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


def _name_pair_loss(model_dir: Path, world: Path) -> float:
    """The alignment loss after block 1 over every entity's first two distinct names, in one batch."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from mke_lightning.data.world.export import load_world_config
    from mke_lightning.data.world.generator import build_world
    from mke_lightning.data.world.name_alignment import name_alignment_loss
    from mke_lightning.models.padding import pad_batch

    model, tok = AutoModelForCausalLM.from_pretrained(model_dir).eval(), AutoTokenizer.from_pretrained(model_dir)
    forms = [sorted(set(e.names.values()))[:2] for e in build_world(load_world_config(world)).entities.values()]
    forms = [f for f in forms if len(f) == 2]
    ids, attention = pad_batch(tok([a for a, _ in forms] + [b for _, b in forms])["input_ids"], tok.pad_token_id)
    with torch.no_grad():
        states = model(input_ids=ids, attention_mask=attention, output_hidden_states=True).hidden_states[1]
    last = states[torch.arange(len(ids)), attention.sum(1) - 1]
    return name_alignment_loss(last[:len(forms)], last[len(forms):], temperature=0.1).item()


def test_name_alignment_pulls_the_names_of_one_entity_together(small_world_dir, tmp_path):
    """With model.name_alignment_weight the states of one entity's names in two scripts end up closer than the
    other entities' (lower contrastive loss than the same run without it), and the loss is logged."""
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    no_warmup = ("--model.init_args.warmup_steps", "0")
    plain = _fit("gpt2", small_world_dir, tmp_path / "plain", *no_warmup, batches=40)
    aligned = _fit("gpt2", small_world_dir, tmp_path / "aligned", *no_warmup,
                   "--model.init_args.name_alignment_weight", "5", batches=40)
    before, after = _name_pair_loss(plain, small_world_dir), _name_pair_loss(aligned, small_world_dir)
    assert after < 0.5 * before, (before, after)
    events = next((tmp_path / "aligned" / "runs").rglob("events.out.tfevents.*"))
    acc = EventAccumulator(str(events.parent))
    acc.Reload()
    assert "train/name_alignment" in acc.Tags()["scalars"]


def test_name_alignment_layers_beyond_the_model_are_an_error(small_world_dir, tmp_path, capsys):
    with pytest.raises(SystemExit):
        _fit("gpt2", small_world_dir, tmp_path, "--model.init_args.name_alignment_weight", "1",
             "--model.init_args.name_alignment_layers", "[3]")
    assert "model.name_alignment_layers=[3] must name hidden states 0..2" in capsys.readouterr().err


def test_name_prealignment_aligns_the_names_before_the_first_language_model_step(small_world_dir, tmp_path):
    """model.name_prealignment_steps runs the alignment loss alone before the fit's one language-model step: the
    exported model's names are far closer than after the same single step without it; the joint loss stays off."""
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    plain = _fit("gpt2", small_world_dir, tmp_path / "plain", batches=1)
    aligned = _fit("gpt2", small_world_dir, tmp_path / "pre", "--model.init_args.name_prealignment_steps", "60",
                   batches=1)
    before, after = _name_pair_loss(plain, small_world_dir), _name_pair_loss(aligned, small_world_dir)
    assert after < 0.5 * before, (before, after)
    acc = EventAccumulator(str(next((tmp_path / "pre" / "runs").rglob("events.out.tfevents.*")).parent))
    acc.Reload()
    tags = acc.Tags()["scalars"]
    assert "train/name_prealignment" in tags and "train/name_alignment" not in tags
    steps = [e.step for e in acc.Scalars("train/name_prealignment")]
    assert steps[0] == 0 and steps[-1] == 59


@pytest.mark.parametrize(("config", "positions"), [("configs/world/pretrain_gpt2.yaml", 64),
                                                   ("configs/world/pretrain_llama.yaml", 64),
                                                   ("configs/world/v2/pretrain_gpt2.yaml", 512),
                                                   ("configs/world/v2/pretrain_llama.yaml", 512)])
def test_each_world_recipe_gets_its_context(config, positions):
    """The v1 recipes keep their 64 positions now that the defaults are the v2 world models' 512, and the data of
    each recipe is cut at the model's context."""
    from mke_lightning.experiment import MkeCLI

    cli = MkeCLI(args=["--config", str(REPO / config), "--trainer.logger", "false"], run=False)
    assert cli.model.hparams.max_positions == positions
    assert cli.datamodule.hparams.max_length == positions


def test_the_defaults_are_the_v2_context():
    """A model or datamodule built without a config gets the context of the shipped (v2) world models."""
    import yaml

    from mke_lightning.data.world.corpus_datamodule import WorldCorpusDataModule
    from mke_lightning.data.world.pretraining import WorldModelPretraining

    recipe = yaml.safe_load((REPO / "configs/world/v2/pretrain_gpt2.yaml").read_text())
    assert WorldModelPretraining().hparams.max_positions == recipe["model"]["init_args"]["max_positions"]
    assert WorldCorpusDataModule().hparams.max_length == recipe["data"]["init_args"]["max_length"]
