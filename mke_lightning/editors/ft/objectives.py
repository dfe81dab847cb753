"""Fine-tuning objectives (methods.md §1), as pure functions of logits and labels.

* ``target_new`` (FT-M): teacher-forced cross-entropy on ``prompt + target`` with labels on target tokens only;
  mean over each row's target tokens, then over rows.
* ``prompt_last`` (FT-L as in the ROME paper's code): every target token scored at the **last prompt position**;
  mean over target tokens, then over rows. Not a proper likelihood for multi-token targets (the spec's flagged
  ambiguity); kept because it is the published baseline.
"""

from __future__ import annotations

import torch

from mke_lightning.models.encoding import token_logprobs


def target_new_loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    logp, mask = token_logprobs(logits, labels)
    return (-(logp.sum(-1) / mask.sum(-1).clamp(min=1))).mean()


def prompt_last_loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    is_target = labels != -100
    last_prompt = is_target.float().argmax(-1) - 1  # position just before the first target token
    rows = torch.arange(labels.shape[0], device=labels.device)
    logp = torch.log_softmax(logits[rows, last_prompt].float(), dim=-1)  # (B, V)
    target_ids = labels.clamp(min=0)
    picked = logp.gather(-1, target_ids)  # (B, T): every target token at that one position
    picked = picked * is_target
    return (-(picked.sum(-1) / is_target.sum(-1).clamp(min=1))).mean()


OBJECTIVES = {"target_new": target_new_loss, "prompt_last": prompt_last_loss}
