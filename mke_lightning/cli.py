"""The ``mke`` command: one table of verbs (:data:`VERBS`) that dispatches and feeds ``mke --help``.

* ``fit``, ``validate``, ``test``: Lightning's verbs through :class:`~mke_lightning.experiment.MkeCLI`
  (subclass mode for the model — any LightningModule of the package, editors included — and the data; configs
  compose, later files win; ``--print_config`` and ``--model.help CLASS`` work as in Lightning).
* every other verb is one typed function in :mod:`mke_lightning.commands`; its parser is built from the function's
  signature and docstring (jsonargparse), a verb with several functions has them as sub-verbs, and a verb marked
  ``experiment`` also takes ``--config`` files and ``--model.* / --data.* / --trainer.*`` overrides as ``mke test``
  does (passed to the function as ``config`` and ``overrides``).

``mke --help`` reads only this table: nothing heavy (torch, Lightning, transformers) is imported for it.

User errors (a missing file, an unknown class name, a bad option) print one ``mke: error: ...`` line and exit with
status 2 (1 for errors raised while running); set ``MKE_DEBUG=1`` for the full traceback.

Before a verb runs, glibc's malloc is set to keep freed large blocks (:mod:`mke_lightning.cpu_allocator`: less
time in the kernel during CPU training; ``MKE_KEEP_FREED_MEMORY=0`` turns it off).
"""

from __future__ import annotations

import importlib
import os
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass


class UnknownVerbError(ValueError):
    """A first argument that is no verb of :data:`VERBS` (a usage error: exit status 2)."""


@dataclass(frozen=True)
class Verb:
    """One verb of ``mke``: ``module`` holds its ``functions`` (none: a Lightning verb); with several functions each
    is a sub-verb; ``experiment`` verbs take ``--config`` files and experiment overrides."""

    help: str
    module: str | None = None
    functions: tuple[str, ...] = ()
    experiment: bool = False
    usage: str = ""
    #: the function parameter (a list) that takes the verb's leading positional arguments (``mke compare A B``)
    positional: str | None = None


VERBS: dict[str, Verb] = {
    "fit": Verb("train a learned editor (MEND, ...) or pretrain a world model: mke fit --config configs/mend_sss.yaml"),
    "validate": Verb("edit and score the validation cases (a trained editor: --ckpt_path)"),
    "test": Verb("edit and score the test cases: ES/PS/NS/QS for every source->target language pair"),
    "edit": Verb("edit one fact; the model's answers before and after, in every language of the case",
                 "mke_lightning.commands.edit", ("edit",), experiment=True,
                 usage="mke edit --config configs/rome.yaml --subject S --prompt P --target_new T"),
    "compare": Verb("runs side by side: one row per configuration (seeds as mean ± std), heatmaps, a bar chart",
                    "mke_lightning.commands.compare", ("compare",),
                    usage="mke compare runs/rome runs/memit", positional="runs"),
    "world": Verb("generate the synthetic world (generate); a model's fact recall on it (recall)",
                  "mke_lightning.commands.world", ("generate", "recall")),
    "data": Verb("what a data config or a reader reads, per split and language (stats)",
                 "mke_lightning.commands.data", ("stats",), experiment=True,
                 usage="mke data stats --config configs/data/mzsre.yaml"),
    "bench": Verb("edit latency, evaluation throughput and peak memory of an editor",
                  "mke_lightning.commands.bench", ("bench",), experiment=True,
                  usage="mke bench --config configs/ft_m.yaml"),
    "trace": Verb("causal tracing: where a model stores facts, per layer and token (JSON + PNG)",
                  "mke_lightning.commands.trace", ("trace",)),
    "covariance": Verb("covariance statistics: one pass for all layers vs one per layer, and the disk cache",
                       "mke_lightning.commands.covariance", ("covariance",)),
    "probe": Verb("what a model knows per language: recall, RankC, held-out-language transfer (JSON + PNG)",
                  "mke_lightning.commands.probe", ("probe",),
                  usage="mke probe --model checkpoints/world-gpt2 --data checkpoints/world-data/test.jsonl"),
    "reach": Verb("how much of a locate-then-edit write at the edit prompt reaches each paraphrase",
                  "mke_lightning.commands.reach", ("reach",), experiment=True,
                  usage="mke reach --config configs/memit_llama.yaml"),
}


EXPERIMENT_NOTE = (" The experiment is given as for mke test: --config FILE (repeatable, later files win) and "
                   "--model.* / --data.* / --trainer.* / --seed_everything overrides after it.")


def main_help() -> str:
    width = max(len(name) for name in VERBS)
    lines = ["usage: mke VERB [options]    (mke VERB --help for a verb's options)", "",
             "Multilingual knowledge editing of language models, on PyTorch Lightning.", "", "verbs:"]
    lines += [f"  {name:<{width}}  {verb.help}" for name, verb in VERBS.items()]
    lines += ["", "MKE_DEBUG=1 shows the traceback of an error."]
    return "\n".join(lines)


def _parser_for(function, name: str, skip: set[str]):
    from jsonargparse import ArgumentParser

    doc = (function.__doc__ or "").strip().split("\n\n")[0]
    if "config" in skip:
        doc += EXPERIMENT_NOTE
    parser = ArgumentParser(prog=name, description=doc, exit_on_error=False)
    parser.add_function_arguments(function, as_group=False, skip=skip)
    return parser


def parse_verb(name: str, argv: Sequence[str]):
    """Parse ``argv`` for the function verb ``name`` without running it: ``(function, keyword arguments)``
    (what ``mke`` would call; the docs test parses every documented command this way)."""
    verb = VERBS[name]
    configs: list[str] = []
    overrides: list[str] = []
    rest = list(argv)
    skip: set[str] = set()
    if verb.experiment:
        from mke_lightning.experiment import split_config_args

        configs, overrides, rest = split_config_args(rest, verb.usage or f"mke {name} --config X.yaml",
                                                     required=name != "data")
        skip = {"config", "overrides"}
    module = importlib.import_module(verb.module)
    functions = {f: getattr(module, f) for f in verb.functions}
    extra = {"config": configs, "overrides": overrides} if verb.experiment else {}
    if verb.positional:
        leading = next((i for i, arg in enumerate(rest) if arg.startswith("-")), len(rest))
        if leading == 0 and not any(a in ("-h", "--help") for a in rest):
            raise UnknownVerbError(f"mke {name}: give at least one {verb.positional.rstrip('s')} ({verb.usage})")
        extra[verb.positional], rest = rest[:leading], rest[leading:]
        skip = skip | {verb.positional}
    if verb.functions == (name,):
        prog = f"mke {name}" + (f" {verb.positional.upper()}..." if verb.positional else "")
        cfg = _parser_for(functions[name], prog, skip).parse_args(rest)
        return functions[name], {**cfg.as_dict(), **extra}
    from jsonargparse import ArgumentParser

    parser = ArgumentParser(prog=f"mke {name}", description=verb.help + (EXPERIMENT_NOTE if verb.experiment else ""),
                            exit_on_error=False)
    sub = parser.add_subcommands()
    for fname, fn in functions.items():
        sub.add_subcommand(fname, _parser_for(fn, f"mke {name} {fname}", skip),
                           help=(fn.__doc__ or "").strip().split("\n")[0])
    cfg = parser.parse_args(rest)
    chosen = cfg.subcommand
    return functions[chosen], {**cfg[chosen].as_dict(), **extra}


def run_verb(name: str, argv: Sequence[str]) -> object:
    """Parse ``argv`` for the function verb ``name`` and call it; returns what the function returns."""
    function, kwargs = parse_verb(name, argv)
    return function(**kwargs)


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
        import lightning as L

        group, name = match.groups()
        base = L.LightningModule if group == "model" else L.LightningDataModule
        return (f"unknown {group} class {name!r}; known: {', '.join(_known_classes(base))} "
                "(or give a full import path, e.g. package.module.ClassName)")
    # jsonargparse wraps errors raised while building a class in a "Union subtypes" report: keep the cause.
    inner = re.search(r"Does not validate against any of the Union subtypes .*? Errors: - (.*?) - Expected a", text)
    if inner:
        text = inner.group(1)
    return text if len(text) < 600 else text[:600] + " ..."


def _is_usage_error(err: BaseException) -> bool:
    from jsonargparse import ArgumentError

    from mke_lightning.data.languages import UnknownLanguageError
    from mke_lightning.data.schema import DatasetFormatError

    return isinstance(err, ArgumentError | FileNotFoundError | UnknownLanguageError | DatasetFormatError
                      | UnknownVerbError) \
        or "Does not validate against any of the Union subtypes" in str(err)


def _show_package_logs() -> None:
    """The package's INFO messages (what a read kept, how many cases each figure rests on) on stderr, once."""
    import logging

    class CurrentStderr(logging.StreamHandler):
        """Writes to ``sys.stderr`` as it is when a message is logged (not as it was when ``mke`` first ran: a
        second ``cli_main`` in one process, or a test's captured stream, gets the messages)."""

        @property
        def stream(self):
            return sys.stderr

        @stream.setter
        def stream(self, value):
            pass

    logger = logging.getLogger("mke_lightning")
    if not any(getattr(h, "_mke", False) for h in logger.handlers):
        handler = CurrentStderr()
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        handler._mke = True
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)


def cli_main(args: Sequence[str] | None = None) -> None:
    """Entry point of ``mke`` (and ``python -m mke_lightning``). ``args`` replaces ``sys.argv[1:]`` (tests)."""
    argv = list(sys.argv[1:] if args is None else args)
    debug = os.environ.get("MKE_DEBUG", "") not in ("", "0")
    _show_package_logs()
    if not argv or argv[0] in ("-h", "--help"):
        print(main_help())
        return
    from mke_lightning.cpu_allocator import keep_freed_memory

    keep_freed_memory()
    try:
        verb = VERBS.get(argv[0])
        if verb is None and not argv[0].startswith("-"):
            raise UnknownVerbError(f"unknown verb {argv[0]!r}; verbs: {', '.join(VERBS)} (mke --help)")
        if verb is not None and verb.module is not None:
            run_verb(argv[0], argv[1:])
        else:
            from mke_lightning.experiment import MkeCLI

            MkeCLI(args=None if args is None else argv)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        raise SystemExit(130) from None
    except Exception as err:  # noqa: BLE001 - turned into one line for users; MKE_DEBUG=1 shows the traceback
        if debug:
            raise
        print(f"mke: error: {_one_line(err)}", file=sys.stderr)
        raise SystemExit(2 if _is_usage_error(err) else 1) from None
