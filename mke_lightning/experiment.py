"""An experiment as the ``mke`` Lightning verbs read it: ``MkeCLI`` (a LightningCLI in subclass mode over every
LightningModule and LightningDataModule of the package, with the project's trainer defaults), and the helpers that
let other verbs (``mke bench``, ``mke reach``, ``mke data stats``) take the same ``--config`` files and
``--model.*`` / ``--data.*`` / ``--trainer.*`` overrides.
"""

from __future__ import annotations

import importlib
import os
import re
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

import lightning as L
from jsonargparse import ArgumentError, set_parsing_settings
from lightning.pytorch.cli import ArgsType, LightningCLI

# Importing these modules makes their classes resolvable by short name in configs.
import mke_lightning.data.datamodule  # noqa: F401
import mke_lightning.data.world.corpus_datamodule  # noqa: F401
import mke_lightning.data.world.pretraining  # noqa: F401
import mke_lightning.editors  # noqa: F401
import mke_lightning.evaluation  # noqa: F401
from mke_lightning.option_ranges import config_problems

# Grouped options (dataclasses) document each field with an attribute docstring: that text is their --help.
set_parsing_settings(docstring_parse_attribute_docstrings=True)

TRAINER_DEFAULTS = {
    "logger": {"class_path": "lightning.pytorch.loggers.TensorBoardLogger",
               "init_args": {"save_dir": "runs", "default_hp_metric": False}},
}

#: Option prefixes of an experiment (what ``mke test`` takes besides ``--config``).
EXPERIMENT_OPTIONS = ("--model.", "--data.", "--trainer.", "--seed_everything")


class MkeCLI(LightningCLI):
    """LightningCLI over every LightningModule / LightningDataModule, with the project's trainer defaults."""

    def __init__(self, args: ArgsType = None, run: bool = True, **kwargs):
        kwargs.setdefault("trainer_defaults", TRAINER_DEFAULTS)
        kwargs.setdefault("save_config_kwargs", {"overwrite": True})
        # No argparse prefix matching: ``--trainer.max_step`` is an unknown option, not ``max_steps``.
        strict = {"exit_on_error": False, "allow_abbrev": False}
        kwargs.setdefault("parser_kwargs", {**strict, **{verb: {"allow_abbrev": False} for verb in self.subcommands()}})
        super().__init__(L.LightningModule, L.LightningDataModule, subclass_mode_model=True, subclass_mode_data=True,
                         args=args, run=run, **kwargs)

    @staticmethod
    def subcommands() -> dict[str, set[str]]:
        """Lightning's verbs less ``predict``: an editor has no forward pass to predict with; what an edit makes the
        model answer is scored by ``validate`` / ``test``."""
        return {verb: args for verb, args in LightningCLI.subcommands().items() if verb != "predict"}

    def _prepare_subcommand_parser(self, klass: type, subcommand: str, **kwargs):
        """Lightning's, with ``verbose`` off by default for ``validate`` / ``test``: the evaluation callback ends
        with its own mono/cross summary and the run folder, not a table of every language pair (those are in
        ``edit_metrics.json`` and the heatmaps); ``--verbose true`` brings Lightning's table back."""
        parser = super()._prepare_subcommand_parser(klass, subcommand, **kwargs)
        if subcommand in ("validate", "test"):
            parser.set_defaults(verbose=False)
        return parser

    def _instantiate_trainer(self, config: dict, callbacks: list):
        """Lightning's, with :func:`~mke_lightning.evaluation.progress.default_progress_bar` as the default bar
        (a config that names a progress bar, or turns it off, is left as it is)."""
        from lightning.pytorch.callbacks import ProgressBar

        from mke_lightning.evaluation.progress import default_progress_bar

        listed = config.get("callbacks") or []
        given = (listed if isinstance(listed, list) else [listed]) + list(callbacks)
        if config.get("enable_progress_bar", True) is not False and not any(isinstance(c, ProgressBar) for c in given):
            callbacks = [*callbacks, default_progress_bar()]
        return super()._instantiate_trainer(config, callbacks)

    def before_instantiate_classes(self) -> None:
        """Every number of the parsed config checked before anything is built: finite, and in the range its option
        declares (:mod:`mke_lightning.option_ranges`), each refusal naming the option by its config key."""
        config = self.config[self.config.subcommand] if self.config.get("subcommand") else self.config
        problems = config_problems(config.as_dict())
        if problems:
            raise ArgumentError(None, "; ".join(problems))
        if self.config.get("subcommand") == "fit" and config.get("ckpt_path"):
            continue_in_run_folder(config)

    def _run_subcommand(self, subcommand: str) -> None:
        """Lightning's, and a run that fails before it has written anything of its own leaves no run folder
        behind (so "the latest version" is never an empty failed run)."""
        try:
            super()._run_subcommand(subcommand)
        except BaseException:
            remove_if_empty(getattr(self.trainer.logger, "log_dir", None) if self.trainer.logger else None)
            raise

    def _parse_ckpt_path(self) -> None:
        """Lightning's: the hyperparameters saved in ``--ckpt_path`` become the model's options; before that, an
        editor class that renamed or grouped options upgrades the saved ones (``upgrade_hparams``), so checkpoints
        written by an earlier version still load."""
        if not self.config.get("subcommand"):
            return
        ckpt_path = self.config[self.config.subcommand].get("ckpt_path")
        if not ckpt_path or not Path(ckpt_path).is_file():
            return
        import torch

        hparams = dict(torch.load(ckpt_path, weights_only=True, map_location="cpu").get("hyper_parameters", {}))
        hparams.pop("_instantiator", None)
        if not hparams:
            return
        if "_class_path" in hparams:
            class_path = hparams.pop("_class_path")
            module, _, name = class_path.rpartition(".")
            upgrade = getattr(getattr(importlib.import_module(module), name, None), "upgrade_hparams", None)
            hparams = {"class_path": class_path, "dict_kwargs": upgrade(hparams) if upgrade else hparams}
        try:
            self.config = self.parser.parse_object({self.config.subcommand: {"model": hparams}}, self.config)
        except SystemExit:
            sys.stderr.write("Parsing of ckpt_path hyperparameters failed!\n")
            raise


def continue_in_run_folder(config) -> None:
    """``mke fit --ckpt_path runs/NAME/version_N/checkpoints/last.ckpt`` resumes into ``version_N`` (its curves and
    checkpoints continue there) when the TensorBoard logger is the one that wrote it and no version is set."""
    logger = config.get("trainer", {}).get("logger") if hasattr(config.get("trainer"), "get") else None
    if not hasattr(logger, "get") or not str(logger.get("class_path", "")).endswith("TensorBoardLogger"):
        return
    args = logger.get("init_args")
    if args is None or args.get("version") is not None:
        return
    ckpt = Path(config["ckpt_path"]).resolve()
    run = ckpt.parent.parent
    name = args.get("name") or "lightning_logs"
    if ckpt.parent.name == "checkpoints" and run.parent == (Path(args.get("save_dir") or ".") / name).resolve():
        match = re.fullmatch(r"version_(\d+)", run.name)
        args["version"] = int(match.group(1)) if match else run.name


#: What a run writes before it has done anything: its config, its hyperparameters and (empty) event files.
_SETUP_FILES = ("config.yaml", "hparams.yaml")


def remove_if_empty(log_dir: str | None) -> None:
    """Remove a failed run's folder when it holds only what set-up writes (no checkpoint, no results, no scalar)."""
    if not log_dir or not os.path.isdir(log_dir):
        return
    for root, _dirs, files in os.walk(log_dir):
        for file in files:
            if file in _SETUP_FILES:
                continue
            if not file.startswith("events.out.tfevents") or _has_scalars(os.path.join(root, file)):
                return
    shutil.rmtree(log_dir, ignore_errors=True)


def _has_scalars(event_file: str) -> bool:
    from tensorboard.backend.event_processing.event_file_loader import EventFileLoader

    return any(value.tag != "_hparams_/experiment" and not value.tag.startswith("_hparams_")
               for event in EventFileLoader(event_file).Load() for value in event.summary.value)


def split_config_args(argv: Sequence[str], usage: str,
                      required: bool = True) -> tuple[list[str], list[str], list[str]]:
    """``(configs, overrides, rest)`` of a verb that reads an experiment config: the ``--config`` files
    (jsonargparse would take ``--config`` as a config of the verb itself), the experiment overrides
    (``--model.*``, ``--data.*``, ``--trainer.*``, ``--seed_everything``, as ``--key value`` or ``--key=value``,
    applied after the configs as ``mke test`` applies them) and the verb's own arguments. ``FileNotFoundError``
    (naming ``usage``) without a config when ``required``, unless help is asked for; an ``ArgumentError`` for an
    override without a value."""
    configs, overrides, rest, args = [], [], [], iter(argv)
    for arg in args:
        if arg == "--config":
            configs.append(next(args, ""))
        elif arg.startswith("--config="):
            configs.append(arg.split("=", 1)[1])
        elif arg.startswith(EXPERIMENT_OPTIONS):
            if "=" in arg:
                overrides.append(arg)
                continue
            value = next(args, None)
            if value is None:
                raise ArgumentError(None, f"{arg} needs a value ({usage})")
            overrides += [arg, value]
        else:
            rest.append(arg)
    if required and not configs and not {"-h", "--help"} & set(rest):
        raise FileNotFoundError(f"this command needs an experiment config: {usage}")
    return configs, overrides, rest


def experiment_cli(configs: Sequence[str], overrides: Sequence[str] = ()) -> MkeCLI:
    """The experiment of ``configs`` with ``overrides`` applied after them (as ``mke test`` reads its command line),
    built but not run: what ``mke bench`` and ``mke reach`` work on."""
    argv, sys.argv = sys.argv, sys.argv[:1]  # the verb's own arguments are not the experiment's (and not warned of)
    try:
        return MkeCLI(args=[x for c in configs for x in ("--config", c)] + list(overrides), run=False)
    finally:
        sys.argv = argv


def load_editor_checkpoint(editor: L.LightningModule, ckpt_path: str) -> None:
    """Load a trained editor's checkpoint (MEND, ...) into ``editor`` after ``configure_model()``, as ``mke test
    --ckpt_path`` does (the editor's ``on_load_checkpoint``, then its weights)."""
    import torch

    checkpoint = torch.load(ckpt_path, map_location="cpu", weights_only=False)
    editor.on_load_checkpoint(checkpoint)
    editor.load_state_dict(checkpoint["state_dict"], strict=editor.strict_loading)
