"""The tokens before the subject's last token, computed once: a target optimisation's steps run only from the
position where the δ is added.

The δ of a target optimisation (:mod:`.target_optimization`) is added at the subject's last token of each row; with
causal attention every earlier position is the same at every step and for every δ. :func:`split_at_subject` cuts
each row there: the part before (the context template's prefix and the subject's first tokens) runs once through the
trunk, left-padded, and keeps its key/value cache; the rest (from the subject's last token: the relation words and
the target) is the row every step runs, right-padded, on top of a copy of that cache, with position ids continuing
from each row's own prefix length. The δ then sits at column 0 of every row.

Decisions: a model without a separable trunk and LM head, or a row whose subject ends at its first token (nothing to
cache; tokenizers without a BOS token), keeps whole rows (:func:`split_at_subject` returns ``None``).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from mke_lightning.models.encoding import trunk_and_head
from mke_lightning.models.padding import pad_batch


@dataclass
class SubjectSplit:
    """Rows cut at the subject's last token: ``ids``/``mask``/``labels`` from there on (right-padded), and the
    once-computed ``prefix_kv`` (per layer: keys, values) of the tokens before, with their ``prefix_mask``
    (left-padded)."""

    ids: torch.Tensor
    mask: torch.Tensor
    labels: torch.Tensor
    prefix_mask: torch.Tensor
    prefix_kv: list[tuple[torch.Tensor, torch.Tensor]]

    def trunk_inputs(self, model, kept: torch.Tensor, width: int) -> dict:
        """The trunk's keyword arguments for rows ``kept`` (their first ``width`` tokens) on a fresh cache copy."""
        from transformers import DynamicCache

        prefix_mask = self.prefix_mask[kept]
        cache = DynamicCache(ddp_cache_data=[(k[kept], v[kept]) for k, v in self.prefix_kv], config=model.config)
        # padding columns repeat the row's last position (never past the model's positions; they are masked)
        start = prefix_mask.sum(-1, keepdim=True)
        last = start + self.mask[kept].sum(-1, keepdim=True) - 1
        positions = torch.minimum(start + torch.arange(width, device=prefix_mask.device), last)
        return {"input_ids": self.ids[kept, :width],
                "attention_mask": torch.cat([prefix_mask, self.mask[kept, :width]], dim=1),
                "position_ids": positions, "cache": cache, "use_cache": True}


@torch.no_grad()
def split_at_subject(model, input_ids: torch.Tensor, mask: torch.Tensor, labels: torch.Tensor, at: torch.Tensor,
                     pad_id: int) -> SubjectSplit | None:
    """Cut right-padded rows at position ``at`` (per row) and run the parts before it once (see the module
    docstring); ``None`` when the rows stay whole."""
    trunk, _ = trunk_and_head(model)
    if trunk is None or bool((at < 1).any()):
        return None
    lengths = mask.sum(-1).tolist()
    cuts = at.tolist()
    before = [input_ids[r, :c].tolist() for r, c in enumerate(cuts)]
    after = [input_ids[r, c:n].tolist() for r, (c, n) in enumerate(zip(cuts, lengths))]
    prefix_ids, prefix_mask = pad_batch(before, pad_id, "left")
    suffix_ids, suffix_mask = pad_batch(after, pad_id, "right")
    suffix_labels = torch.full_like(suffix_ids, -100)
    for r, (c, n) in enumerate(zip(cuts, lengths)):
        suffix_labels[r, : n - c] = labels[r, c:n].cpu()
    device = input_ids.device
    prefix_ids, prefix_mask = prefix_ids.to(device), prefix_mask.to(device)
    out = trunk(input_ids=prefix_ids, attention_mask=prefix_mask,
                position_ids=(prefix_mask.cumsum(-1) - 1).clamp(min=0), use_cache=True)
    kv = [(layer.keys.detach(), layer.values.detach()) for layer in out.cache.layers]
    return SubjectSplit(suffix_ids.to(device), suffix_mask.to(device), suffix_labels.to(device), prefix_mask, kv)
