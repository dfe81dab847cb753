"""Per-row parameters: while active, batch row ``b`` of a forward pass runs named projections with its own copy of
their weight (and bias), so the independent fine-tuning edits of several cases train in one batch.

A forward hook on each projection recomputes its output from the row's copies (an ``nn.Linear`` or a GPT-2-style
``Conv1D``, whose weight is stored ``(in, out)``) and returns it in place of the module's own; the model's
parameters are never written. The copies start equal to the current parameters and require grad.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import torch
from torch import nn

from mke_lightning.models.adapter import is_conv1d
from mke_lightning.models.hooks import hooked


def _row_forward(module: nn.Module, weight: torch.Tensor, bias: torch.Tensor | None, x: torch.Tensor) -> torch.Tensor:
    """``x`` ``[B, T, in]`` through the module with row ``b``'s ``weight[b]`` (module layout) and ``bias[b]``."""
    pattern = "bti,bio->bto" if is_conv1d(module) else "bti,boi->bto"
    out = torch.einsum(pattern, x, weight.to(x.dtype))
    if bias is not None:
        out = out + bias.to(x.dtype).unsqueeze(1)
    elif getattr(module, "bias", None) is not None:
        out = out + module.bias
    return out


@contextmanager
def per_row_parameters(model: nn.Module, names: Sequence[str], rows: int) -> Iterator[dict[str, nn.Parameter]]:
    """Yield ``{parameter name: copies [rows, *shape]}`` for the named ``.weight`` / ``.bias`` parameters (a bias only
    with its module's weight); inside, row ``b`` of every forward uses copy ``b``. Hooks are removed on exit."""
    params = dict(model.named_parameters())
    unknown = [n for n in names if n not in params]
    if unknown:
        raise KeyError(f"no such parameters: {unknown}")
    copies = {n: nn.Parameter(params[n].detach().unsqueeze(0).repeat(rows, *[1] * params[n].dim()).clone())
              for n in names}
    modules = sorted({n.rsplit(".", 1)[0] for n in names})
    orphans = [m for m in modules if f"{m}.weight" not in copies]
    if orphans:
        raise ValueError(f"per-row bias without its weight: {orphans}")

    def hook_for(module_name: str):
        weight, bias = copies[f"{module_name}.weight"], copies.get(f"{module_name}.bias")

        def hook(module, args, output):
            x = args[0]
            if x.shape[0] != rows:
                raise RuntimeError(f"{module_name}: per-row parameters for {rows} rows, batch has {x.shape[0]}")
            return _row_forward(module, weight, bias, x)
        return hook

    with hooked(model, {m: hook_for(m) for m in modules}):
        yield copies
