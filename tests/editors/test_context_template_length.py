"""Generated context prefixes are as long as the references' ``generate_fast(max_out_len=length)`` makes them: the
seed word's tokens (BOS included) count, so a prefix holds at most ``length`` tokens (a seed that alone is longer
is kept unextended)."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from mke_lightning.editors.shared.context_templates import (
    DEFAULT_SEEDS,
    ContextTemplateOptions,
    ContextTemplates,
    sentence_separator,
)

WORLD_GPT2 = Path(__file__).resolve().parents[2] / "checkpoints" / "world-gpt2"
LENGTHS = (5, 10)
N_PER_SEED = 2


@pytest.fixture(scope="module")
def world_gpt2():
    if not (WORLD_GPT2 / "model.safetensors").is_file():
        pytest.skip(f"{WORLD_GPT2} is not shipped in this checkout")
    from transformers import AutoModelForCausalLM, AutoTokenizer

    return AutoModelForCausalLM.from_pretrained(WORLD_GPT2).eval(), AutoTokenizer.from_pretrained(WORLD_GPT2)


@pytest.mark.parametrize("lang", ["en", "de", "ru", "zh", "ja", "th"])
def test_every_generated_prefix_is_at_most_the_configured_length(world_gpt2, lang):
    model, tok = world_gpt2
    templates = ContextTemplates(ContextTemplateOptions(n_per_seed=N_PER_SEED, lengths=LENGTHS), cache_dir="")
    generated = templates.groups(model, tok, lang)[1]
    tail = sentence_separator(lang) + "{}"
    seed_lengths = [len(tok(s)["input_ids"]) for s in DEFAULT_SEEDS[lang] for _ in range(N_PER_SEED)]
    assert len(generated) == len(LENGTHS) * len(seed_lengths)
    checked = 0
    for i, template in enumerate(generated):
        assert template.endswith(tail) and template.count("{}") == 1
        prefix = template[:-len(tail)]
        if "\ufffd" in prefix:  # a byte-level token cut a character: its re-tokenization is longer than generated
            continue
        length, seed = LENGTHS[i // len(seed_lengths)], seed_lengths[i % len(seed_lengths)]
        assert len(tok(prefix)["input_ids"]) <= max(length, seed), (length, template)
        checked += 1
    assert checked >= len(generated) // 2


def test_sampling_counts_the_seed_tokens(world_gpt2):
    from mke_lightning.editors.shared.context_templates import _sample_to_length

    model, tok = world_gpt2
    prompts = tok(["The", "Therefore", "因为"])["input_ids"]  # 2, 7 and 5 tokens with BOS
    torch.manual_seed(0)
    for length in (1, 5, 10):
        out = _sample_to_length(model, tok, prompts, length, top_k=5)
        assert [len(ids) for ids in out] == [max(length, len(p)) for p in prompts]
        assert all(ids[:len(p)] == p for ids, p in zip(out, prompts))
