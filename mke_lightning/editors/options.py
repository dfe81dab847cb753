"""Grouped options: an editor takes a group of related options as one typed, frozen dataclass argument whose fields
are the option names (``--model.optimization.v_lr 2``, ``--model.meta.lr 3e-4``), each documented by an attribute
docstring (its ``--help`` text), validated in ``__post_init__`` with messages that name the option as typed.

Lightning hands a checkpoint's hyperparameters back as plain dicts and checkpoints must load with
``torch.load(weights_only=True)``, so a group is accepted as a dict (:func:`as_group`) and saved as one
(:func:`plain`). The model is litgpt's ``TrainArgs``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, TypeVar

Group = TypeVar("Group")


def as_group(cls: type[Group], value: Group | Mapping[str, Any] | None, option: str) -> Group:
    """``value`` as an instance of the group ``cls``: the dataclass itself, a dict of its fields, or ``None`` for
    its defaults; ``option`` is the group's name as the user types it (``model.meta``), for the errors."""
    if value is None:
        return cls()
    if isinstance(value, Mapping):
        fields = [f.name for f in dataclasses.fields(cls)]
        unknown = sorted(set(value) - set(fields))
        if unknown:
            raise ValueError(f"{option} has no option(s) {unknown}; its options: {', '.join(fields)}")
        return cls(**value)
    if not isinstance(value, cls):
        raise TypeError(f"{option} must be {cls.__name__} or a dict of its fields, got {type(value).__name__}")
    return value


def plain(group) -> dict[str, Any]:
    """A group as the plain dict its hyperparameters are saved as (YAML- and ``weights_only``-loadable)."""
    return {k: list(v) if isinstance(v, tuple) else v for k, v in dataclasses.asdict(group).items()}
