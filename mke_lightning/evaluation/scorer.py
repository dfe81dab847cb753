"""Teacher-forced scoring: mean-token log-probability of a target given a prompt, many pairs per forward.

The encoding (:mod:`mke_lightning.models.encoding`) is the package's contract; this module batches it: pairs sorted
by length into padded forwards, the LM head applied only where a target token is predicted, and several targets
of one prompt run on one shared KV cache (:func:`shared_prompt_logprobs`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch

from mke_lightning.models.encoding import (
    PromptTargetBatch,
    encode_prompt_target,
    mean_target_logprob,
    targets_token_ids,
    trunk_and_head,
)
from mke_lightning.models.padding import pad_batch, pad_id_of

#: ``on_rows(indices)``: called before each forward with the query each batch row belongs to (per-row edits).
RowsHook = Callable[[Sequence[int]], None]


def _offset(on_rows: RowsHook | None, owners: Sequence[int]) -> RowsHook | None:
    """``on_rows`` for a sub-call whose query ``i`` is the caller's ``owners[i]``."""
    if on_rows is None:
        return None
    return lambda indices: on_rows([owners[i] for i in indices])


def _head_logprob_sums(head, hidden: torch.Tensor, targets: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Per row, the sum of log P(targets[b, t]) from ``head(hidden[b, t])`` over the positions where ``mask`` holds;
    the head and the softmax run only at those positions."""
    logp = torch.log_softmax(head(hidden[mask]).float(), dim=-1)
    picked = logp.gather(-1, targets[mask].unsqueeze(-1)).squeeze(-1)
    per_position = torch.zeros(mask.shape, dtype=picked.dtype, device=picked.device)
    per_position[mask] = picked
    return per_position.sum(-1)


def batch_target_logprobs(model, batch: PromptTargetBatch) -> torch.Tensor:
    """Mean-token log P(target | prompt) per row of ``batch``.

    The LM head (and the softmax over the vocabulary) is applied only at the positions that predict a target token,
    not at every prompt position: the trunk's last hidden states are computed once and projected where needed.
    Models whose logits need more than the head fall back to the full forward.
    """
    trunk, head = trunk_and_head(model)
    if trunk is None:
        logits = model(input_ids=batch.input_ids, attention_mask=batch.attention_mask).logits
        return mean_target_logprob(logits, batch.labels)
    hidden = trunk(input_ids=batch.input_ids, attention_mask=batch.attention_mask).last_hidden_state
    targets = batch.labels[:, 1:]
    mask = targets != -100  # position t (< T-1) predicts token t + 1
    return _head_logprob_sums(head, hidden[:, :-1], targets, mask) / mask.sum(-1).clamp(min=1)


def shared_prompt_logprobs(model, tokenizer, prompts: Sequence[str], targets: Sequence[Sequence[str]],
                           lang: Sequence[str], on_rows: RowsHook | None = None) -> list[torch.Tensor] | None:
    """Mean-token log P(target | prompt) for several targets per prompt, running each prompt once.

    The prompts are encoded left-padded and their key/value cache is repeated for each of their targets, which are
    then run on top of it (position ids continue from each prompt's own length). Returns one tensor of scores per
    prompt, or ``None`` when the model does not expose a trunk and an LM head (the caller falls back).
    """
    trunk, head = trunk_and_head(model)
    if trunk is None or not prompts:
        return None
    n = {len(t) for t in targets}
    if len(n) != 1:
        raise ValueError("every prompt needs the same number of targets")
    k = n.pop()
    device = next(model.parameters()).device
    pad = pad_id_of(tokenizer)
    input_ids, p_mask = pad_batch(tokenizer(list(prompts))["input_ids"], pad, "left")
    input_ids, p_mask = input_ids.to(device), p_mask.to(device)
    if on_rows is not None:
        on_rows(list(range(len(prompts))))
    out = trunk(input_ids=input_ids, attention_mask=p_mask, position_ids=(p_mask.cumsum(-1) - 1).clamp(min=0),
                use_cache=True)
    cache = out.cache
    cache.batch_repeat_interleave(k)
    first_logp = torch.log_softmax(head(out.last_hidden_state[:, -1]).float(), dim=-1).repeat_interleave(k, dim=0)
    flat_targets = [t for ts in targets for t in ts]
    t_ids = targets_token_ids(tokenizer, flat_targets, [lg for lg in lang for _ in range(k)])
    tgt, t_mask = pad_batch(t_ids, pad, "right")
    t_width = tgt.shape[1]
    tgt, t_mask = tgt.to(device), t_mask.to(device)
    lengths = p_mask.sum(-1).repeat_interleave(k)
    if on_rows is not None:
        on_rows([i for i in range(len(prompts)) for _ in range(k)])
    hidden = trunk(input_ids=tgt, attention_mask=torch.cat([p_mask.repeat_interleave(k, dim=0), t_mask], dim=1),
                   position_ids=lengths.unsqueeze(1) + torch.arange(t_width, device=device), cache=cache,
                   use_cache=True).last_hidden_state
    # token 0 is scored by the prompt's last position; token j > 0 by target position j - 1
    total = first_logp.gather(-1, tgt[:, :1]).squeeze(-1)
    later = t_mask[:, 1:].bool()
    if later.any():
        total = total + _head_logprob_sums(head, hidden[:, :-1], tgt[:, 1:], later)
    scores = (total / t_mask.sum(-1)).cpu()
    return list(scores.view(len(prompts), k))


@torch.no_grad()
def score_targets(model, tokenizer, prompts: Sequence[str], targets: Sequence[str], langs: Sequence[str],
                  batch_size: int = 128, on_rows: RowsHook | None = None) -> torch.Tensor:
    """Mean-token log P(target | prompt) for each pair, ``batch_size`` pairs per padded forward (``on_rows``: as
    :func:`shared_prompt_logprobs`, with pair indices)."""
    device = next(model.parameters()).device
    out = []
    # Sorting by length keeps padding small; the order is restored below.
    order = sorted(range(len(prompts)), key=lambda i: len(prompts[i]) + len(targets[i]))
    for start in range(0, len(order), batch_size):
        idx = order[start:start + batch_size]
        if on_rows is not None:
            on_rows(idx)
        batch = encode_prompt_target(tokenizer, [prompts[i] for i in idx], [targets[i] for i in idx],
                                     [langs[i] for i in idx]).to(device)
        out.append(batch_target_logprobs(model, batch).cpu())
    scores = torch.cat(out) if out else torch.empty(0)
    result = torch.empty_like(scores)
    result[torch.tensor(order, dtype=torch.long)] = scores
    return result


@torch.no_grad()
def score_target_groups(model, tokenizer, prompts: Sequence[str], targets: Sequence[Sequence[str]],
                        langs: Sequence[str], batch_size: int = 128, on_rows: RowsHook | None = None
                        ) -> list[torch.Tensor]:
    """Scores of several targets per prompt (each prompt run once, :func:`shared_prompt_logprobs`), chunked by
    ``batch_size`` prompts; falls back to one sequence per pair for models without a separable LM head
    (``on_rows``: as :func:`shared_prompt_logprobs`, with indices into ``prompts``)."""
    # Sorted by prompt length so each chunk pads little; the order is restored below.
    order = sorted(range(len(prompts)), key=lambda i: len(prompts[i]))
    out: list[torch.Tensor | None] = [None] * len(prompts)
    for start in range(0, len(order), batch_size):
        idx = order[start:start + batch_size]
        chunk_prompts, chunk_targets = [prompts[i] for i in idx], [targets[i] for i in idx]
        chunk_langs = [langs[i] for i in idx]
        shared = shared_prompt_logprobs(model, tokenizer, chunk_prompts, chunk_targets, chunk_langs,
                                        _offset(on_rows, idx))
        if shared is None:
            owners = [i for i, ts in zip(idx, chunk_targets) for _ in ts]
            flat = score_targets(model, tokenizer, [p for p, ts in zip(chunk_prompts, chunk_targets) for _ in ts],
                                 [t for ts in chunk_targets for t in ts],
                                 [lg for lg, ts in zip(chunk_langs, chunk_targets) for _ in ts], batch_size,
                                 _offset(on_rows, owners))
            shared = list(torch.split(flat, [len(ts) for ts in chunk_targets]))
        for i, scores in zip(idx, shared):
            out[i] = scores
    return out
