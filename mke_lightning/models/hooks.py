"""Forward hooks, written once: register a set of hooks for the length of a ``with`` block and always remove them.

Every mechanism that reads or changes activations (recording keys at the subject, adding target vectors during
optimisation, capturing gradient factors, covariance statistics, causal tracing, activation edits) goes through
:func:`hooked`, so no hook outlives the block that needed it, whatever the block raises.

Decoder blocks of some families return a tuple whose first element is the hidden state: :func:`hidden_of` reads it
and :func:`with_hidden` rebuilds the output with a replaced hidden state, so a hook can change a block's output the
same way for every family.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Literal

import torch
from torch import nn

HookKind = Literal["forward", "pre"]


def hidden_of(output: Any) -> torch.Tensor:
    """The hidden-state tensor of a module output (decoder blocks may return a tuple)."""
    return output[0] if isinstance(output, tuple) else output


def with_hidden(output: Any, hidden: torch.Tensor) -> Any:
    """``output`` with its hidden state replaced by ``hidden`` (the tuple rebuilt when the module returns one)."""
    return (hidden, *output[1:]) if isinstance(output, tuple) else hidden


def register_hooks(model: nn.Module, hooks: Mapping[str, Callable], kind: HookKind = "forward") -> list:
    """Register ``hooks`` (module name -> hook) on the named submodules of ``model``; returns the handles.

    ``kind="forward"``: ``hook(module, args, output)``, which may return a replacement output; ``kind="pre"``:
    ``hook(module, args)``, which may return replacement arguments. Prefer :func:`hooked`, which also removes them.
    """
    if kind not in ("forward", "pre"):
        raise ValueError(f"hook kind must be 'forward' or 'pre', got {kind!r}")
    handles = []
    try:
        for name, fn in hooks.items():
            module = model.get_submodule(name) if name else model
            handles.append(module.register_forward_hook(fn) if kind == "forward"
                           else module.register_forward_pre_hook(fn))
    except BaseException:
        for handle in handles:
            handle.remove()
        raise
    return handles


@contextmanager
def hooked(model: nn.Module, hooks: Mapping[str, Callable], kind: HookKind = "forward") -> Iterator[None]:
    """While active, ``hooks`` (module name -> hook; ``""`` names ``model`` itself) are registered on ``model``;
    they are removed on exit, also when the block raises."""
    handles = register_hooks(model, hooks, kind)
    try:
        yield
    finally:
        for handle in handles:
            handle.remove()


@contextmanager
def recorded_outputs(model: nn.Module, names: list[str] | tuple[str, ...]) -> Iterator[dict[str, tuple]]:
    """While active, ``store[name] = (input, hidden output)`` of the latest forward of each named module."""
    store: dict[str, tuple[torch.Tensor, torch.Tensor]] = {}

    def recorder(name: str):
        def hook(module, args, output):
            store[name] = (args[0], hidden_of(output))
        return hook

    with hooked(model, {name: recorder(name) for name in names}):
        yield store


def has_hooks(model: nn.Module) -> bool:
    """Whether any submodule of ``model`` carries a forward or forward-pre hook (the restore tests check none
    is left behind)."""
    return any(m._forward_hooks or m._forward_pre_hooks for m in model.modules())
