"""``AppliedEdit``: the context manager every editor returns from ``edit``.

Inside the ``with`` block the model answers with the edit applied; leaving it restores the model bit for bit.

* :class:`WeightEdit` covers every method that changes weights: on entry it copies the current values of the
  touched parameters aside and writes the edited ones; on exit it copies the saved values back (a copy, never
  ``W + Δ - Δ``, so no rounding creeps in). Nested edits (sequential editing) stack naturally: each saves what it
  found.
* :class:`HookEdit` covers activation edits (KN, LAFN, the test editor that adds a vector at the subject): forward
  hooks registered on entry and removed on exit.
* :func:`scratch_weights` is the working context of editors that compute an edit by writing the live weights
  (FT's optimiser steps, ROME's requests one after the other, MEMIT's layers one after the other): whatever happens
  inside, the named parameters (and their ``requires_grad``) are put back on exit.

Leaving nested edits in the wrong order would restore stale values: an edit that is left while an edit entered
after it is still active raises instead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import torch
from torch import nn

from mke_lightning.models.hooks import HookKind, register_hooks

#: attribute of a model holding the edits active on it, innermost last (to refuse leaving them out of order).
_ACTIVE_EDITS = "_mke_active_edits"


class AppliedEdit(AbstractContextManager):
    """An edit that can be applied and reverted. Subclasses implement ``apply`` and ``restore``; ``model`` (when
    set) is what the edit changes, for the nesting check."""

    active: bool = False
    model: nn.Module | None = None

    def apply(self) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def restore(self) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def __enter__(self) -> AppliedEdit:
        if self.active:
            raise RuntimeError("this edit is already applied")
        self.apply()
        self.active = True
        if self.model is not None:
            self.model.__dict__.setdefault(_ACTIVE_EDITS, []).append(self)
        return self

    def __exit__(self, *exc: Any) -> None:
        if not self.active:
            return
        stack = self.model.__dict__.get(_ACTIVE_EDITS, []) if self.model is not None else []
        if stack and stack[-1] is not self:
            raise RuntimeError(f"{type(self).__name__} left while an edit entered after it is still active: nested "
                               "edits must be left innermost first (restoring now would bring back stale values)")
        self.restore()
        self.active = False
        if stack:
            stack.pop()
            if not stack:
                del self.model.__dict__[_ACTIVE_EDITS]


class NoEdit(AppliedEdit):
    """The identity edit (the ``unedited`` baseline)."""

    def apply(self) -> None:
        pass

    def restore(self) -> None:
        pass


class WeightEdit(AppliedEdit):
    """Replace named parameters of ``model`` with new values (same shape, layout and dtype) while active."""

    def __init__(self, model: nn.Module, new_values: dict[str, torch.Tensor]):
        params = dict(model.named_parameters())
        unknown = [n for n in new_values if n not in params]
        if unknown:
            raise KeyError(f"no such parameters: {unknown}")
        for name, value in new_values.items():
            if value.shape != params[name].shape:
                raise ValueError(f"{name}: new value has shape {tuple(value.shape)}, parameter {tuple(params[name].shape)}")
        self.model = model
        self.params = {n: params[n] for n in new_values}
        self.new_values = {n: v.detach() for n, v in new_values.items()}
        self.saved: dict[str, torch.Tensor] = {}

    @classmethod
    def from_deltas(cls, model: nn.Module, deltas: dict[str, torch.Tensor]) -> WeightEdit:
        """The edit ``W <- W + delta`` (computed once, now, from the current weights)."""
        params = dict(model.named_parameters())
        return cls(model, {n: (params[n].detach() + d.to(params[n].dtype)) for n, d in deltas.items()})

    @torch.no_grad()
    def apply(self) -> None:
        self.saved = {n: p.detach().clone() for n, p in self.params.items()}
        for name, param in self.params.items():
            param.copy_(self.new_values[name].to(param.device, param.dtype))

    @torch.no_grad()
    def restore(self) -> None:
        for name, param in self.params.items():
            param.copy_(self.saved[name])
        self.saved = {}


class HookEdit(AppliedEdit):
    """An activation edit: ``hooks`` (module name -> forward hook, or pre-hook with ``kind="pre"``) are registered
    on ``model`` on entry and removed on exit; the weights are never touched."""

    def __init__(self, model: nn.Module, hooks: Mapping[str, Callable], kind: HookKind = "forward"):
        for name in hooks:
            model.get_submodule(name)  # an unknown module fails here, not on entry
        self.model, self.hooks, self.kind = model, dict(hooks), kind
        self.handles: list = []

    def apply(self) -> None:
        self.handles = register_hooks(self.model, self.hooks, self.kind)

    def restore(self) -> None:
        for handle in self.handles:
            handle.remove()
        self.handles = []


@contextmanager
def scratch_weights(model: nn.Module, names: Sequence[str]) -> Iterator[dict[str, nn.Parameter]]:
    """Yield the named parameters of ``model`` for writing; on exit (also on an error) their values, ``requires_grad``
    flags and ``.grad`` are put back exactly (an optimiser run inside leaves no gradient behind on the base model).
    Read the new values (``p.detach().clone()``) inside."""
    params = dict(model.named_parameters())
    unknown = [n for n in names if n not in params]
    if unknown:
        raise KeyError(f"no such parameters: {unknown}")
    chosen = {n: params[n] for n in names}
    saved = {n: (p.detach().clone(), p.requires_grad, p.grad) for n, p in chosen.items()}
    try:
        yield chosen
    finally:
        with torch.no_grad():
            for name, param in chosen.items():
                value, requires_grad, grad = saved[name]
                param.grad = grad
                param.requires_grad_(requires_grad)
                param.copy_(value)
