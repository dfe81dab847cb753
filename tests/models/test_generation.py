"""Batched greedy generation: left padding must not change any answer, and each answer keeps its own budget."""

from __future__ import annotations

import pytest
import torch

from mke_lightning.models.generation import greedy_continuations
from mke_lightning.models.world_model import build_world_model
from mke_lightning.models.world_tokenizer import train_world_tokenizer

TEXTS = ["Pamu Ritesen was born in Ritesene.", "Kaben Torimu works for Tavomi.", "帕穆·里特塞恩出生于里特塞恩。",
         "パム・リテセンはリテセン生まれ。", "พามุ ริเทเสน เกิดที่ริเทเสน", "Паму Ритесен родился в городе Ритесен."] * 20
PROMPTS = ["Pamu Ritesen was born in", "帕穆·里特塞恩出生于", "Kaben", "พามุ ริเทเสน เกิดที่", "Паму Ритесен родился"]


@pytest.fixture(scope="module")
def tokenizer():
    return train_world_tokenizer(TEXTS, vocab_size=300)


@pytest.mark.parametrize("arch", ["gpt2", "llama"])
def test_batched_left_padded_equals_one_by_one(tokenizer, arch):
    torch.manual_seed(0)
    special = {"bos_token_id": tokenizer.bos_token_id, "eos_token_id": tokenizer.eos_token_id,
               "pad_token_id": tokenizer.pad_token_id}
    model = build_world_model(arch, len(tokenizer), special, 32, 2, 2, 1, None, 64).eval()
    budgets = [3, 5, 2, 4, 6]
    batched = greedy_continuations(model, tokenizer, PROMPTS, budgets, batch_size=8)
    single = [greedy_continuations(model, tokenizer, [p], b)[0] for p, b in zip(PROMPTS, budgets)]
    assert batched == single
    # Reference: a plain argmax loop over full forwards (no KV cache, no padding), exactly `budget` tokens.
    for prompt, budget, text in zip(PROMPTS, budgets, batched):
        ids = torch.tensor([tokenizer(prompt)["input_ids"]])
        for _ in range(budget):
            ids = torch.cat([ids, model(input_ids=ids).logits[:, -1].argmax(-1, keepdim=True)], dim=1)
        expected = tokenizer.decode(ids[0, -budget:].tolist(), skip_special_tokens=True)
        assert text == expected
    longer = greedy_continuations(model, tokenizer, PROMPTS, [b + 2 for b in budgets], batch_size=8)
    assert all(long.startswith(short) for long, short in zip(longer, batched))


def test_budget_count_must_match(tokenizer):
    model = build_world_model("gpt2", len(tokenizer), {}, 16, 1, 2, 1, None, 32)
    with pytest.raises(ValueError, match="2 prompts but 1 token budgets"):
        greedy_continuations(model, tokenizer, ["a", "b"], [1])
