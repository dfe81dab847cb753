"""The ``mke`` command: ``MkeCLI`` (a LightningCLI) for ``fit/validate/test/predict``, plus extra verbs.

* ``mke fit|validate|test|predict --config A.yaml [--config B.yaml ...]``: Lightning's verbs, subclass mode for the
  model (any LightningModule of the package, editors included) and the data (any LightningDataModule); configs
  compose (later files win), ``--print_config`` and ``--model.help CLASS`` work as in Lightning.
* ``mke world generate|recall``: export the synthetic world; measure a model's fact recall on it.
* ``mke bench --config X.yaml``: edit latency, evaluation throughput and peak memory of an editor.
* ``mke data stats --config configs/data/mzsre.yaml``: cases per language and subject-located share of a data config.
* ``mke trace --model M --lang en``: causal tracing (where the model stores facts, per layer and token); JSON + PNG.
* ``mke covariance --model M``: covariance statistics, one pass for all layers vs one pass per layer, and the cache.
* ``mke reach --config X.yaml``: how much of a locate-then-edit write at the edit prompt reaches each paraphrase.

User errors (a missing file, an unknown class name, a bad option) print one ``mke: error: ...`` line and exit with
status 2 (1 for errors raised while running); set ``MKE_DEBUG=1`` for the full traceback.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path

import lightning as L
from jsonargparse import set_parsing_settings
from lightning.pytorch.cli import ArgsType, LightningCLI

# Importing these modules makes their classes resolvable by short name in configs.
import mke_lightning.data.datamodule  # noqa: F401
import mke_lightning.data.world.corpus_datamodule  # noqa: F401
import mke_lightning.data.world.pretraining  # noqa: F401
import mke_lightning.editors  # noqa: F401
import mke_lightning.evaluation  # noqa: F401

TRAINER_DEFAULTS = {
    "logger": {"class_path": "lightning.pytorch.loggers.TensorBoardLogger",
               "init_args": {"save_dir": "runs", "default_hp_metric": False}},
}


# Grouped options (dataclasses) document each field with an attribute docstring: that text is their --help.
set_parsing_settings(docstring_parse_attribute_docstrings=True)


class MkeCLI(LightningCLI):
    """LightningCLI over every LightningModule / LightningDataModule, with the project's trainer defaults."""

    def __init__(self, args: ArgsType = None, run: bool = True, **kwargs):
        kwargs.setdefault("trainer_defaults", TRAINER_DEFAULTS)
        kwargs.setdefault("save_config_kwargs", {"overwrite": True})
        kwargs.setdefault("parser_kwargs", {"exit_on_error": False})
        super().__init__(L.LightningModule, L.LightningDataModule, subclass_mode_model=True, subclass_mode_data=True,
                         args=args, run=run, **kwargs)

    def _parse_ckpt_path(self) -> None:
        """Lightning's: the hyperparameters saved in ``--ckpt_path`` become the model's options; before that, an
        editor class that renamed or grouped options upgrades the saved ones (``upgrade_hparams``), so checkpoints
        written by an earlier version still load."""
        if not self.config.get("subcommand"):
            return
        ckpt_path = self.config[self.config.subcommand].get("ckpt_path")
        if not ckpt_path or not Path(ckpt_path).is_file():
            return
        import importlib

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


def _world_main(argv: Sequence[str]) -> None:
    from mke_lightning.data.world.commands import world_cli

    world_cli(list(argv))


def _bench_main(argv: Sequence[str]) -> None:
    from mke_lightning.evaluation.bench import bench_cli

    bench_cli(list(argv))


def _data_main(argv: Sequence[str]) -> None:
    from mke_lightning.data.stats import data_cli

    data_cli(list(argv))


def _trace_main(argv: Sequence[str]) -> None:
    from mke_lightning.analysis.trace_command import trace_cli

    trace_cli(list(argv))


def _reach_main(argv: Sequence[str]) -> None:
    from mke_lightning.analysis.reach_command import reach_cli

    reach_cli(list(argv))


def _covariance_main(argv: Sequence[str]) -> None:
    from mke_lightning.analysis.covariance_bench import covariance_cli

    covariance_cli(list(argv))


EXTRA_VERBS = {"world": _world_main, "bench": _bench_main, "data": _data_main, "trace": _trace_main,
               "covariance": _covariance_main, "reach": _reach_main}


#: Option prefixes of an experiment (what ``mke test`` takes besides ``--config``).
EXPERIMENT_OPTIONS = ("--model.", "--data.", "--trainer.", "--seed_everything")


def split_config_args(argv: Sequence[str], usage: str) -> tuple[list[str], list[str], list[str]]:
    """``(configs, overrides, rest)`` of a verb that reads an experiment config: the ``--config`` files
    (jsonargparse would take ``--config`` as a config of the verb itself), the experiment overrides
    (``--model.*``, ``--data.*``, ``--trainer.*``, ``--seed_everything``, as ``--key value`` or ``--key=value``,
    applied after the configs as ``mke test`` applies them) and the verb's own arguments. ``FileNotFoundError``
    (naming ``usage``) without a config, unless help is asked for; an ``ArgumentError`` for an override without a
    value."""
    from jsonargparse import ArgumentError

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
    if not configs and not {"-h", "--help"} & set(rest):
        raise FileNotFoundError(f"this command needs an experiment config: {usage}")
    return configs, overrides, rest


def experiment_cli(configs: Sequence[str], overrides: Sequence[str] = ()) -> MkeCLI:
    """The experiment of ``configs`` with ``overrides`` applied after them (as ``mke test`` reads its command line),
    built but not run: what ``mke bench`` and ``mke reach`` work on."""
    return MkeCLI(args=[x for c in configs for x in ("--config", c)] + list(overrides), run=False)


def _known_classes(base: type) -> list[str]:
    """Short names of the package's concrete subclasses of ``base`` (what a config may name)."""
    found, todo = set(), [base]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("mke_lightning."):
                found.add(sub.__name__)
    return sorted(found)


def _one_line(err: BaseException) -> str:
    text = " ".join(str(err).split())
    match = re.search(r'Parser key "(model|data)":.*?Expected a dot import path string: (\S+)', text)
    if match:
        group, name = match.groups()
        base = L.LightningModule if group == "model" else L.LightningDataModule
        return (f"unknown {group} class {name!r}; known: {', '.join(_known_classes(base))} "
                "(or give a full import path, e.g. package.module.ClassName)")
    # jsonargparse wraps errors raised while building a class in a "Union subtypes" report: keep the cause.
    inner = re.search(r"Does not validate against any of the Union subtypes .*? Errors: - (.*?) - Expected a", text)
    if inner:
        text = inner.group(1)
    return text if len(text) < 600 else text[:600] + " ..."


def cli_main(args: ArgsType = None) -> None:
    """Entry point of ``mke`` (and ``python -m mke_lightning``). ``args`` replaces ``sys.argv[1:]`` (tests)."""
    argv = list(sys.argv[1:] if args is None else args)
    debug = os.environ.get("MKE_DEBUG", "") not in ("", "0")
    try:
        if argv and argv[0] in EXTRA_VERBS:
            EXTRA_VERBS[argv[0]](argv[1:])
        else:
            MkeCLI(args=None if args is None else argv)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        raise SystemExit(130) from None
    except Exception as err:  # noqa: BLE001 - turned into one line for users; MKE_DEBUG=1 shows the traceback
        if debug:
            raise
        from jsonargparse import ArgumentError

        from mke_lightning.data.languages import UnknownLanguageError
        from mke_lightning.data.schema import DatasetFormatError

        usage_error = isinstance(err, ArgumentError | FileNotFoundError | UnknownLanguageError | DatasetFormatError) \
            or "Does not validate against any of the Union subtypes" in str(err)
        print(f"mke: error: {_one_line(err)}", file=sys.stderr)
        raise SystemExit(2 if usage_error else 1) from None
