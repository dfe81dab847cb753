"""Teacher-forced scoring: mean-token log-probability of a target given a prompt, many pairs per forward.

A pair is encoded as ``tokenizer(prompt)`` followed by ``tokenizer(sep + target, add_special_tokens=False)`` where
``sep`` is the language's separator (a space, or nothing for zh/ja/th): prompt and target are tokenized apart,
as the world models were trained and as locate-then-edit methods see prompts. Sequences are right-padded with an
attention mask; the logit at position ``t`` scores the token at ``t + 1``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch

from mke_lightning.data.languages import target_separator


@dataclass
class PromptTargetBatch:
    """Right-padded ``prompt + target`` sequences; ``labels`` is -100 except on target tokens."""

    input_ids: torch.Tensor
    attention_mask: torch.Tensor
    labels: torch.Tensor

    def to(self, device) -> PromptTargetBatch:
        return PromptTargetBatch(self.input_ids.to(device), self.attention_mask.to(device), self.labels.to(device))


def target_token_ids(tokenizer, target: str, lang: str) -> list[int]:
    """Token ids of ``target`` as it follows a prompt in ``lang`` (with the language's separator)."""
    ids = tokenizer(target_separator(lang) + target, add_special_tokens=False)["input_ids"]
    if not ids:
        raise ValueError(f"target {target!r} encodes to no token")
    return ids


def encode_prompt_target(tokenizer, prompts: Sequence[str], targets: Sequence[str], langs: Sequence[str]) -> PromptTargetBatch:
    if not len(prompts) == len(targets) == len(langs):
        raise ValueError("prompts, targets and langs must have the same length")
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    prompt_ids = tokenizer(list(prompts))["input_ids"]
    rows = [(p, target_token_ids(tokenizer, t, lang)) for p, t, lang in zip(prompt_ids, targets, langs)]
    width = max(len(p) + len(t) for p, t in rows)
    input_ids = torch.full((len(rows), width), pad, dtype=torch.long)
    attention = torch.zeros((len(rows), width), dtype=torch.long)
    labels = torch.full((len(rows), width), -100, dtype=torch.long)
    for i, (p, t) in enumerate(rows):
        seq = p + t
        input_ids[i, : len(seq)] = torch.tensor(seq)
        attention[i, : len(seq)] = 1
        labels[i, len(p): len(seq)] = torch.tensor(t)
    return PromptTargetBatch(input_ids, attention, labels)


def token_logprobs(logits: torch.Tensor, labels: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Per-position log-probability of each label and the label mask, aligned so logit ``t`` scores token ``t+1``.

    Returns ``(logp, mask)`` of shape ``(batch, seq - 1)``.
    """
    shifted_labels = labels[:, 1:]
    mask = shifted_labels != -100
    logp = torch.log_softmax(logits[:, :-1].float(), dim=-1)
    picked = logp.gather(-1, shifted_labels.clamp(min=0).unsqueeze(-1)).squeeze(-1)
    return picked * mask, mask


def mean_target_logprob(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Mean over target tokens of log P(token | prefix), one value per row."""
    logp, mask = token_logprobs(logits, labels)
    return logp.sum(-1) / mask.sum(-1).clamp(min=1)


@torch.no_grad()
def score_targets(model, tokenizer, prompts: Sequence[str], targets: Sequence[str], langs: Sequence[str],
                  batch_size: int = 128) -> torch.Tensor:
    """Mean-token log P(target | prompt) for each pair, ``batch_size`` pairs per padded forward."""
    device = next(model.parameters()).device
    out = []
    # Sorting by length keeps padding small; the order is restored below.
    order = sorted(range(len(prompts)), key=lambda i: len(prompts[i]) + len(targets[i]))
    for start in range(0, len(order), batch_size):
        idx = order[start:start + batch_size]
        batch = encode_prompt_target(tokenizer, [prompts[i] for i in idx], [targets[i] for i in idx],
                                     [langs[i] for i in idx]).to(device)
        logits = model(input_ids=batch.input_ids, attention_mask=batch.attention_mask).logits
        out.append(mean_target_logprob(logits, batch.labels).cpu())
    scores = torch.cat(out) if out else torch.empty(0)
    result = torch.empty_like(scores)
    result[torch.tensor(order, dtype=torch.long)] = scores
    return result
