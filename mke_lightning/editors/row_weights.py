"""Several cases' weight edits active at once, one per batch row: the scoring of a batch of independent edits in
shared forwards (the batched single mode, ``edit_batch_size``).

:class:`RowWeightEdit` takes the :class:`~mke_lightning.editors.applied.WeightEdit` of each case (the same
parameters) and, while active, adds to each edited module's output, row by row, the change its case's edit makes:
``y_r = W x_r + ΔW_c x_r (+ Δb_c)`` for a row of case ``c``. Which case each row is comes from the scoring LM it
returns (:meth:`RowWeightEdit.scoring_lm`), which reports the query of each batch row before every forward
(``on_rows``), and from :meth:`RowWeightEdit.use`, which maps the queries of the coming call to cases. The model's
weights are never written; the hooks are removed on exit.

Decision: ``W x + ΔW x`` equals ``(W + ΔW) x`` up to float rounding (not bit for bit), so a batch scores every case
as its own edit does to about 1e-6 in the log-probabilities; greedy answers agree unless two tokens tie that
closely.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from mke_lightning.editors.applied import AppliedEdit, WeightEdit
from mke_lightning.evaluation.lm import HFScoringLM
from mke_lightning.models.adapter import is_conv1d
from mke_lightning.models.hooks import register_hooks


class RowWeightEdit(AppliedEdit):
    """The edits of several cases at once, each applied to the batch rows of its case (see the module docstring)."""

    def __init__(self, model: nn.Module, tokenizer, edits: Sequence[WeightEdit]):
        names = list(edits[0].new_values)
        if any(list(e.new_values) != names for e in edits):
            raise ValueError("RowWeightEdit needs edits of the same parameters")
        params = dict(model.named_parameters())
        self.model, self.tokenizer, self.cases = model, tokenizer, len(edits)
        self.deltas: dict[str, dict[str, torch.Tensor]] = {}
        for name in names:
            module, _, kind = name.rpartition(".")
            if kind not in ("weight", "bias"):
                raise ValueError(f"RowWeightEdit edits weights and biases, not {name}")
            base = params[name].detach()
            self.deltas.setdefault(module, {})[kind] = torch.stack([e.new_values[name].to(base) - base for e in edits])
        self.queries = torch.zeros(0, dtype=torch.long)
        self.rows = torch.zeros(0, dtype=torch.long)
        self._route(self.rows)
        self.handles: list = []

    @classmethod
    def of(cls, model: nn.Module, tokenizer, edits: Sequence) -> RowWeightEdit | None:
        """The combined edit, or ``None`` when the edits are not all weight edits of the same parameters."""
        if len(edits) < 2 or not all(isinstance(e, WeightEdit) for e in edits):
            return None
        names = list(edits[0].new_values)
        if any(list(e.new_values) != names for e in edits):
            return None
        return cls(model, tokenizer, edits)

    def use(self, case_of_query: Sequence[int]) -> None:
        """The case of each query of the scoring LM's next call."""
        self.queries = torch.as_tensor(list(case_of_query), dtype=torch.long)

    def _on_rows(self, indices: Sequence[int]) -> None:
        self._route(self.queries[torch.as_tensor(list(indices), dtype=torch.long)])

    def _route(self, rows: torch.Tensor) -> None:
        """The case of each row of the coming forwards, and (worked out once for every edited module) the rows
        grouped by case: ``order`` sorts them by case, ``counts[i]`` rows of case ``cases[i]``, ``inverse`` undoes
        the sort."""
        self.rows = rows
        self.order = torch.argsort(rows, stable=True)
        cases, counts = torch.unique_consecutive(rows[self.order], return_counts=True)
        self.cases, self.counts = cases.tolist(), counts.tolist()
        self.inverse = torch.empty_like(self.order)
        self.inverse[self.order] = torch.arange(len(rows))

    def scoring_lm(self, batch_size: int = 256) -> HFScoringLM:
        """The base model's scoring LM, reporting its batch rows to this edit."""
        return HFScoringLM(self.model, self.tokenizer, batch_size, on_rows=self._on_rows)

    def _hook(self, module_name: str):
        delta = self.deltas[module_name]

        def hook(module, args, output):
            x = args[0]
            if self.rows.numel() != x.shape[0]:
                raise RuntimeError(f"{module_name}: {x.shape[0]} batch rows, {self.rows.numel()} routed (a forward the "
                                   "scoring LM did not report)")
            # one gather, one product per case on its contiguous rows, one scatter back (not a mask per case)
            device = x.device
            if "weight" in delta:
                parts = []
                for case, rows_of_case in zip(self.cases, x[self.order.to(device)].split(self.counts)):
                    w = delta["weight"][case].to(x.dtype)
                    parts.append(rows_of_case @ (w if is_conv1d(module) else w.T))
                added = torch.cat(parts)[self.inverse.to(device)]
            else:
                added = torch.zeros_like(output)
            if "bias" in delta:
                bias = delta["bias"][self.rows.to(device)].to(x.dtype)
                added = added + bias.view(bias.shape[0], *[1] * (output.dim() - 2), bias.shape[-1])
            return output + added
        return hook

    def apply(self) -> None:
        self.handles = register_hooks(self.model, {m: self._hook(m) for m in self.deltas}, "forward")

    def restore(self) -> None:
        for handle in self.handles:
            handle.remove()
        self.handles = []
