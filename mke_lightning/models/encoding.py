"""The prompt + target encoding contract of the package: how a (prompt, target) pair becomes token ids, and the
per-token log-probabilities of a target (teacher forcing).

A pair is encoded as ``tokenizer(prompt)`` followed by ``tokenizer(sep + target, add_special_tokens=False)`` where
``sep`` is the language's separator (a space, or nothing for zh/ja/th): prompt and target are tokenized apart,
as the world models were trained, as the evaluation scores and as locate-then-edit methods see prompts. Sequences
are right-padded with an attention mask; the logit at position ``t`` scores the token at ``t + 1``. Editors train
on this encoding and the evaluation scores with it, so it lives with the models, below both.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch

from mke_lightning.data.languages import target_separator
from mke_lightning.models.padding import pad_batch, pad_id_of


@dataclass
class PromptTargetBatch:
    """Right-padded ``prompt + target`` sequences; ``labels`` is -100 except on target tokens."""

    input_ids: torch.Tensor
    attention_mask: torch.Tensor
    labels: torch.Tensor

    def to(self, device) -> PromptTargetBatch:
        return PromptTargetBatch(self.input_ids.to(device), self.attention_mask.to(device), self.labels.to(device))


def targets_token_ids(tokenizer, targets: Sequence[str], langs: Sequence[str]) -> list[list[int]]:
    """Token ids of each target as it follows a prompt in its language (with the language's separator), in one
    tokenizer call."""
    if not targets:
        return []
    encoded = tokenizer([target_separator(lang) + t for t, lang in zip(targets, langs)],
                        add_special_tokens=False)["input_ids"]
    for target, ids in zip(targets, encoded):
        if not ids:
            raise ValueError(f"target {target!r} encodes to no token")
    return encoded


def encode_prompt_target(tokenizer, prompts: Sequence[str], targets: Sequence[str], langs: Sequence[str]) -> PromptTargetBatch:
    if not len(prompts) == len(targets) == len(langs):
        raise ValueError("prompts, targets and langs must have the same length")
    prompt_ids = tokenizer(list(prompts))["input_ids"]
    rows = list(zip(prompt_ids, targets_token_ids(tokenizer, targets, langs)))
    input_ids, attention = pad_batch([p + t for p, t in rows], pad_id_of(tokenizer), "right")
    labels = torch.full_like(input_ids, -100)
    for i, (p, t) in enumerate(rows):
        labels[i, len(p): len(p) + len(t)] = torch.tensor(t)
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


#: Config fields of models whose logits are not just ``lm_head(last_hidden_state)``: those take the full forward.
_LOGIT_POSTPROCESSING = ("final_logit_softcapping", "logit_scale", "logits_scaling", "output_multiplier_scale")


def trunk_and_head(model):
    head = model.get_output_embeddings() if hasattr(model, "get_output_embeddings") else None
    trunk = getattr(model, "base_model", None)
    config = getattr(model, "config", None)
    if head is None or trunk is None or trunk is model or any(getattr(config, k, None) for k in _LOGIT_POSTPROCESSING):
        return None, None
    return trunk, head
