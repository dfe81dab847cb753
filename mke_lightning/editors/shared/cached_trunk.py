"""The blocks below the optimised sites, computed once: a target optimisation's steps run from the first block whose
output the δ changes.

During a target optimisation (:mod:`.target_optimization`) the δ vectors are added at *sites* (a block's output, an
FFN or attention output projection). Every block before the first site's block sees no δ, so its output is the same
at every step; and when every site is block ``L``'s output or its FFN output projection, block ``L``'s own output is
its δ-free output plus the δ (the FFN output enters the block's output by the residual addition, with nothing after
it). :func:`trunk_plan` works out how many blocks can be replayed; :func:`recording` keeps the last of them's
output in the first (δ-free) forward; :func:`replayed_blocks` swaps the blocks for stubs (the last returns the
recorded output for the rows and width of the current batch, the others pass their input on unread), so each step
computes only the blocks above.

Decisions: recognised sites are those of :class:`~mke_lightning.models.adapter.ArchitectureAdapter` (``block``,
``ffn_out``, ``attn_out``); any other site, or a model in training mode (dropout would differ from step to step),
replays nothing. Blocks return a tensor or a tuple whose first item is the hidden state; the stub returns the same
structure.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

import torch
from torch import nn

from mke_lightning.models.adapter import ArchitectureAdapter
from mke_lightning.models.hooks import hooked


@dataclass
class TrunkPlan:
    """``replay`` blocks (``0 .. replay-1``) are computed once and replayed; with ``add_at_last`` the δ of every
    site is added to the last replayed block's output instead of inside it."""

    blocks: str | None = None
    replay: int = 0
    add_at_last: bool = False
    outputs: dict[int, object] = field(default_factory=dict)


def trunk_plan(model: nn.Module, sites: Sequence[str]) -> TrunkPlan:
    """How many blocks below ``sites`` the optimisation may replay (see the module docstring)."""
    if model.training:
        return TrunkPlan()
    try:
        adapter = ArchitectureAdapter(model)
    except (KeyError, ValueError, AttributeError):
        return TrunkPlan()
    kinds: dict[str, tuple[str, int]] = {}
    for layer in range(adapter.num_layers):
        kinds[adapter.block_name(layer)] = ("block", layer)
        kinds[adapter.ffn_out_name(layer)] = ("ffn_out", layer)
        kinds[adapter.attn_out_name(layer)] = ("attn_out", layer)
    if not sites or any(s not in kinds for s in sites):
        return TrunkPlan()
    first = min(kinds[s][1] for s in sites)
    additive = all(kinds[s][0] in ("block", "ffn_out") and kinds[s][1] == first for s in sites)
    replay = first + 1 if additive else first
    return TrunkPlan(adapter.spec.blocks, replay, additive)


class _PassThrough(nn.Module):
    """Stands in for a replayed block below the last one: its output is never read (the last one's is recorded)."""

    def forward(self, hidden_states, *args, **kwargs):
        return hidden_states


class _Replay(nn.Module):
    """Stands in for the last replayed block: returns its recorded output (rows ``rows``, first ``width``
    positions), with ``add`` applied."""

    def __init__(self, recorded, rows: torch.Tensor, width: int, add=None):
        super().__init__()
        self.recorded, self.rows, self.width, self.add = recorded, rows, width, add

    def forward(self, hidden_states, *args, **kwargs):
        first = self.recorded[0] if isinstance(self.recorded, tuple) else self.recorded
        hidden = first[self.rows, : self.width]
        if self.add is not None:
            hidden = self.add(hidden)
        return (hidden, *self.recorded[1:]) if isinstance(self.recorded, tuple) else hidden


@contextmanager
def recording(model: nn.Module, plan: TrunkPlan) -> Iterator[None]:
    """While active, the output of the last block to replay is recorded into ``plan.outputs`` (the δ-free
    forward)."""
    if plan.replay == 0:
        yield
        return
    last = plan.replay - 1

    def keep(module, args, output):
        plan.outputs[last] = tuple(o.detach() if torch.is_tensor(o) else o for o in output) \
            if isinstance(output, tuple) else output.detach()

    with hooked(model, {f"{plan.blocks}.{last}": keep}):
        yield


@contextmanager
def replayed_blocks(model: nn.Module, plan: TrunkPlan, rows: torch.Tensor, width: int, add=None) -> Iterator[None]:
    """While active, blocks ``0 .. plan.replay-1`` return their recorded outputs for batch rows ``rows`` and the first
    ``width`` positions; ``add(hidden) -> hidden`` is applied to the last one's (the δ, when ``plan.add_at_last``)."""
    if plan.replay == 0:
        yield
        return
    blocks = model.get_submodule(plan.blocks)
    originals = [blocks[i] for i in range(plan.replay)]
    try:
        for i in range(plan.replay - 1):
            blocks[i] = _PassThrough()
        last = plan.replay - 1
        blocks[last] = _Replay(plan.outputs[last], rows, width, add if plan.add_at_last else None)
        yield
    finally:
        for i, block in enumerate(originals):
            blocks[i] = block
