"""Numeric options checked when the config is parsed: ranges declared on the annotation, finiteness everywhere.

An option declares its range in its type, ``lr: PositiveFloat = 1e-4`` (``Annotated[float, Range(gt=0)]``), so the
range is written once, shows in ``--help`` (``type: Annotated[float, >0]``) and is read by one checker.
:func:`config_problems` walks a parsed experiment config (every ``class_path`` + ``init_args`` block, and the
dataclass option groups inside them), checks each value against its declared range and every number of the config,
declared or not (Lightning's own ``trainer.*`` options included), for being finite. ``MkeCLI`` runs it right after
parsing, before anything is built, so ``lr: .nan`` in a YAML file stops the run with
``option model.lr: must be > 0, got nan`` instead of training a NaN editor.

Decisions: NaN and ±inf are refused for every number (no option of the project means "unbounded" by inf; ``null``
is how an option says "none"); a bool is not a number here; values are kept as plain ``float``/``int`` (jsonargparse's
``PositiveFloat`` would put its own class into saved hyperparameters, which ``torch.load(weights_only=True)`` refuses).
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import math
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any


@dataclass(frozen=True)
class Range:
    """Bounds of a numeric option: ``gt``/``ge`` below, ``lt``/``le`` above (``None``: unbounded)."""

    gt: float | None = None
    ge: float | None = None
    lt: float | None = None
    le: float | None = None

    def problem(self, value: float) -> str | None:
        """Why ``value`` is out of range (``None`` when it is in range)."""
        for bound, ok, text in ((self.gt, lambda b: value > b, ">"), (self.ge, lambda b: value >= b, ">="),
                                (self.lt, lambda b: value < b, "<"), (self.le, lambda b: value <= b, "<=")):
            if bound is not None and not ok(bound):
                return f"must be {text} {bound:g}"
        return None

    def __repr__(self) -> str:
        parts = [f"{op}{b:g}" for op, b in ((">", self.gt), (">=", self.ge), ("<", self.lt), ("<=", self.le))
                 if b is not None]
        return ",".join(parts)


POSITIVE, NON_NEGATIVE, UNIT, AT_LEAST_ONE = Range(gt=0), Range(ge=0), Range(ge=0, le=1), Range(ge=1)
PositiveFloat = Annotated[float, POSITIVE]
NonNegativeFloat = Annotated[float, NON_NEGATIVE]
UnitFloat = Annotated[float, UNIT]
PositiveInt = Annotated[int, AT_LEAST_ONE]
NonNegativeInt = Annotated[int, NON_NEGATIVE]


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def number_problem(value: Any, declared: Range | None) -> str | None:
    """Why a configured number is refused: not finite, or outside its declared range."""
    if not _is_number(value):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return f"must be a finite number, got {value}"
    problem = declared.problem(value) if declared is not None else None
    return f"{problem}, got {value}" if problem else None


def _range_and_group(annotation: Any) -> tuple[Range | None, type | None]:
    """The ``Range`` an annotation declares (through ``Optional``/``list``) and the option-group dataclass it is."""
    found, group = None, None
    stack = [annotation]
    while stack:
        tp = stack.pop()
        if typing.get_origin(tp) is Annotated:
            found = found or next((m for m in tp.__metadata__ if isinstance(m, Range)), None)
            stack.append(tp.__origin__)
        elif isinstance(tp, type) and dataclasses.is_dataclass(tp):
            group = tp
        else:
            stack.extend(typing.get_args(tp))
    return found, group


def _hints(target: Any) -> dict[str, Any]:
    """Annotations of a dataclass's fields, or of a class's ``__init__`` merged over its bases (a subclass that
    passes ``**kwargs`` on declares its base's options)."""
    owners = [target] if dataclasses.is_dataclass(target) else [c.__init__ for c in reversed(inspect.getmro(target))
                                                                if "__init__" in vars(c)]
    hints: dict[str, Any] = {}
    for owner in owners:
        try:
            hints.update(typing.get_type_hints(owner, include_extras=True))
        except Exception:  # an annotation this module cannot resolve: no declared range, finiteness still checked
            continue
    return hints


def value_problems(target: Any, values: Mapping[str, Any], prefix: str) -> list[str]:
    """Problems of ``values`` (the options of class or dataclass ``target``, as a mapping), named ``prefix.key``."""
    hints, problems = _hints(target), []
    for key, value in values.items():
        declared, group = _range_and_group(hints[key]) if key in hints else (None, None)
        name = f"{prefix}.{key}"
        if group is not None and isinstance(value, Mapping):
            problems += value_problems(group, value, name)
        elif isinstance(value, (list, tuple)):
            problems += [f"option {name}[{i}]: {p}" for i, v in enumerate(value)
                         if (p := number_problem(v, declared))]
        elif _is_number(value):
            if (p := number_problem(value, declared)):
                problems.append(f"option {name}: {p}")
        else:
            problems += _tree_problems(value, name)
    return problems


def _tree_problems(node: Any, name: str) -> list[str]:
    """Non-finite numbers anywhere under ``node`` (a class block is checked against its class's ranges)."""
    if isinstance(node, Mapping):
        if isinstance(node.get("class_path"), str):
            return class_block_problems(node, name)
        return [p for k, v in node.items() for p in _tree_problems(v, f"{name}.{k}")]
    if isinstance(node, (list, tuple)):
        return [p for i, v in enumerate(node) for p in _tree_problems(v, f"{name}[{i}]")]
    problem = number_problem(node, None)
    return [f"option {name}: {problem}"] if problem else []


def _resolve(class_path: str) -> Any:
    module, _, name = class_path.rpartition(".")
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError, ValueError):
        return None


def class_block_problems(block: Mapping[str, Any], name: str) -> list[str]:
    """Problems of a ``{class_path, init_args}`` block: its options against the class's declared ranges."""
    target = _resolve(block["class_path"])
    init_args = block.get("init_args") or {}
    # Named as the short command-line form (``model.meta.lr``, which ``--model.meta.lr`` sets).
    problems = value_problems(target, init_args, name) if inspect.isclass(target) else \
        _tree_problems(dict(init_args), name)
    return problems + [p for k, v in block.items() if k not in ("class_path", "init_args")
                       for p in _tree_problems(v, f"{name}.{k}")]


def config_problems(config: Mapping[str, Any]) -> list[str]:
    """Every refused number of a parsed config (a nested mapping), each naming the option by its config key."""
    return [p for key, value in config.items() for p in _tree_problems(value, key)]


def group_problems(group: Any, prefix: str) -> list[str]:
    """Problems of an option-group dataclass instance (what its ``__post_init__`` raises on)."""
    return value_problems(type(group), {f.name: getattr(group, f.name) for f in dataclasses.fields(group)}, prefix)


def check_group(group: Any, prefix: str) -> None:
    """``ValueError`` listing every out-of-range or non-finite field of an option group (``prefix``: its name as
    typed, ``model.optimization``)."""
    problems = group_problems(group, prefix)
    if problems:
        raise ValueError("; ".join(problems))
