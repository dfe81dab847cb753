"""The `mke` command: every shipped config parses, configs compose, help works, user errors are one line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from mke_lightning.cli import VERBS, cli_main
from mke_lightning.experiment import MkeCLI, split_config_args

REPO = Path(__file__).resolve().parents[1]
CONFIGS = sorted(p.relative_to(REPO).as_posix() for p in (REPO / "configs").rglob("*.yaml"))
FULL = "configs/world/pretrain_gpt2.yaml"  # a complete config (model + data + trainer) to stack fragments on


@pytest.fixture(autouse=True)
def in_repo(monkeypatch, tmp_path):
    monkeypatch.chdir(REPO)


@pytest.mark.parametrize("config", CONFIGS)
def test_every_config_parses_and_instantiates(config, tmp_path):
    args = ([] if "model:" in (REPO / config).read_text() else ["--config", FULL]) + ["--config", config]
    args += ["--trainer.logger.init_args.save_dir", str(tmp_path)] if "logger" in (REPO / config).read_text() else []
    cli = MkeCLI(args=args, run=False)
    assert cli.model is not None and cli.datamodule is not None and cli.trainer is not None


def test_fragments_compose_last_wins(tmp_path):
    cli = MkeCLI(args=["--config", FULL, "--config", "configs/data/world.yaml",
                       "--data.init_args.edit_languages", "[de, th]"], run=False)
    assert type(cli.datamodule).__name__ == "EditDataModule"
    assert cli.datamodule.edit_languages == ["de", "th"]
    assert type(cli.model).__name__ == "WorldModelPretraining"


def test_print_config_round_trips(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli_main(["fit", "--config", FULL, "--model.init_args.hidden_size", "64", "--print_config"])
    assert exit_info.value.code in (0, None)
    printed = capsys.readouterr().out
    assert "hidden_size: 64" in printed and "class_path: mke_lightning.data.world.pretraining.WorldModelPretraining" in printed


def test_model_help_lists_documented_options(capsys):
    with pytest.raises(SystemExit):
        cli_main(["fit", "--model.help", "WorldModelPretraining"])
    out = capsys.readouterr().out
    assert "--model.hidden_size" in out and "model width" in out


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["fit", "--config", "no/such/file.yaml"], "does not exist"),
        (["fit", "--config", FULL, "--model.class_path", "NoSuchEditor"], "unknown model class 'NoSuchEditor'"),
        (["fit", "--config", FULL, "--data.class_path", "NoSuchData"], "unknown data class 'NoSuchData'"),
        (["fit", "--config", FULL, "--config", "configs/data/world.yaml", "--data.init_args.languages", "[en, xx]"],
         "unknown language code 'xx'"),
    ],
)
def test_user_errors_are_one_line(args, expected, capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli_main(args)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("mke: error:") and expected in err[0], err


def test_python_dash_m_entry_point():
    out = subprocess.run([sys.executable, "-m", "mke_lightning", "--help"], capture_output=True, text=True, cwd=REPO,
                         timeout=120)
    assert out.returncode == 0 and "fit" in out.stdout and "test" in out.stdout


def test_main_help_lists_every_verb_without_importing_heavy_modules():
    code = ("import sys; from mke_lightning.cli import cli_main; cli_main(['--help']); "
            "print('heavy:', sorted(m for m in ('torch', 'lightning', 'transformers', 'jsonargparse') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert out.returncode == 0, out.stderr
    listed = [line.split()[0] for line in out.stdout.splitlines() if line.startswith("  ")]
    assert listed == list(VERBS)
    assert all(VERBS[v].help in out.stdout for v in VERBS)
    assert out.stdout.strip().endswith("heavy: []")


@pytest.mark.parametrize("verb", [v for v, spec in VERBS.items() if spec.module is not None])
def test_every_function_verb_has_help(verb, capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli_main([verb, "--help"])
    assert exit_info.value.code in (0, None)
    out = capsys.readouterr().out
    assert f"mke {verb}" in out
    if VERBS[verb].experiment:
        assert "--config FILE" in out


def test_unknown_verb_is_one_line_naming_the_verbs(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli_main(["tset", "--config", FULL])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("mke: error: unknown verb 'tset'") and "reach" in err


def test_world_verb_generates(tmp_path, capsys):
    cli_main(["world", "generate", "--out", str(tmp_path / "w"), "--seed", "5"])
    assert (tmp_path / "w" / "test.jsonl").is_file() and (tmp_path / "w" / "corpus.jsonl.gz").is_file()
    assert '"test":' in capsys.readouterr().out
    cli_main(["world", "generate", "--out", str(tmp_path / "v2"), "--version", "2", "--passage_share", "0.5",
              "--alignment_share", "0", "--more_templates", "3", "--templates_per_fact", "4",
              "--keep_prompt_template", "true", "--mixed_passage_share", "0.5"])
    from mke_lightning.data.world.export import load_world_config, read_corpus

    config = load_world_config(tmp_path / "v2")
    assert (config.version, config.passage_share, config.alignment_share) == (2, 0.5, 0.0)
    assert (config.more_templates, config.templates_per_fact, config.keep_prompt_template) == (3, 4, True)
    template_ids = {int(row["kind"].split("/")[2]) for row in read_corpus(tmp_path / "v2")
                    if row["kind"].startswith("fact/")}
    assert template_ids == set(range(9))  # six seen templates and three more, four per fact
    kinds = [row["kind"].split("/")[0] for row in read_corpus(tmp_path / "v2")]
    passages = kinds.count("passage") + kinds.count("mixed_passage")
    assert passages == kinds.count("fact") and "align" not in kinds  # the options as typed
    assert 0.4 < kinds.count("mixed_passage") / passages < 0.6 and config.mixed_passage_share == 0.5
    with pytest.raises(SystemExit):
        cli_main(["world", "generate", "--out", str(tmp_path / "v3"), "--version", "3"])
    assert "version must be one of (1, 2)" in capsys.readouterr().err


def test_split_config_args_routes_configs_overrides_and_verb_options():
    argv = ["--config", "a.yaml", "--cases", "3", "--model.init_args.layers", "[0, 1]", "--trainer.logger=false",
            "--config=b.yaml", "--seed_everything", "1", "--data.init_args.languages", "[en]", "--split", "val"]
    configs, overrides, rest = split_config_args(argv, "mke reach --config X.yaml")
    assert configs == ["a.yaml", "b.yaml"]
    assert overrides == ["--model.init_args.layers", "[0, 1]", "--trainer.logger=false", "--seed_everything", "1",
                         "--data.init_args.languages", "[en]"]
    assert rest == ["--cases", "3", "--split", "val"]
    with pytest.raises(FileNotFoundError, match="mke reach --config X.yaml"):
        split_config_args(["--cases", "3"], "mke reach --config X.yaml")


def test_predict_is_not_offered(capsys):
    """Editors have no forward pass to predict with: ``mke predict`` is an unknown verb, and help does not list it."""
    cli_main(["--help"])
    assert "predict" not in capsys.readouterr().out
    with pytest.raises(SystemExit) as exit_info:
        cli_main(["predict", "--config", "configs/ft_m.yaml"])
    assert exit_info.value.code == 2 and "unknown verb 'predict'" in capsys.readouterr().err
