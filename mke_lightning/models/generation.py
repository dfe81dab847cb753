"""Batched greedy generation with left padding and the KV cache (``model.generate``).

Each prompt has its own answer budget (the reference's token length); a batch generates up to its largest budget
and every row is cut back to its own before decoding, so short answers are not judged on extra tokens.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch

from mke_lightning.models.padding import pad_batch, pad_id_of


@torch.no_grad()
def greedy_continuations(model, tokenizer, prompts: Sequence[str], max_new_tokens: Sequence[int] | int,
                         batch_size: int = 64, on_rows: Callable[[Sequence[int]], None] | None = None) -> list[str]:
    """Greedy continuations of ``prompts``, each cut to its ``max_new_tokens`` and decoded without special tokens.
    ``on_rows(indices)`` is told, before each batch is generated, which prompt each of its rows is (rows keep their
    place through the generation)."""
    budgets = [max_new_tokens] * len(prompts) if isinstance(max_new_tokens, int) else list(max_new_tokens)
    if len(budgets) != len(prompts):
        raise ValueError(f"{len(prompts)} prompts but {len(budgets)} token budgets")
    pad_id = pad_id_of(tokenizer)
    device = next(model.parameters()).device
    # Sort by prompt length, then budget, so each batch pads little and generates about as long as it needs (the
    # prompt pass costs most); restore the order at the end.
    order = sorted(range(len(prompts)), key=lambda i: (len(prompts[i]), budgets[i]))
    out: list[str] = [""] * len(prompts)
    was_training = model.training
    model.eval()
    try:
        for start in range(0, len(order), batch_size):
            idx = order[start:start + batch_size]
            # left padding: the last prompt token sits at the last column
            input_ids, attention = pad_batch(tokenizer([prompts[i] for i in idx])["input_ids"], pad_id, "left")
            width = input_ids.shape[1]
            steps = max(budgets[i] for i in idx)
            if on_rows is not None:
                on_rows(idx)
            generated = model.generate(input_ids=input_ids.to(device), attention_mask=attention.to(device),
                                       max_new_tokens=steps, do_sample=False, pad_token_id=pad_id,
                                       eos_token_id=None, use_cache=True)[:, width:]
            for row, i in enumerate(idx):
                out[i] = tokenizer.decode(generated[row, :budgets[i]].tolist(), skip_special_tokens=True)
    finally:
        model.train(was_training)
    return out
