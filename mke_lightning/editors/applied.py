"""``AppliedEdit``: the context manager every editor returns from ``edit``.

Inside the ``with`` block the base model answers with the edit applied; leaving it restores the model bit for bit.
:class:`WeightEdit` covers every method that changes weights: on entry it copies the current values of the touched
parameters aside and writes the edited ones; on exit it copies the saved values back (a copy, never ``W + Δ - Δ``,
so no rounding creeps in). Nested edits (sequential editing) stack naturally: each saves what it found.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

import torch
from torch import nn


class AppliedEdit(AbstractContextManager):
    """An edit that can be applied and reverted. Subclasses implement ``apply`` and ``restore``."""

    active: bool = False

    def apply(self) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def restore(self) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def __enter__(self) -> AppliedEdit:
        if self.active:
            raise RuntimeError("this edit is already applied")
        self.apply()
        self.active = True
        return self

    def __exit__(self, *exc: Any) -> None:
        if self.active:
            self.restore()
            self.active = False


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
