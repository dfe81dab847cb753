"""The world models' architectures: a small GPT-2 (Conv1D projections, as mGPT) or LLaMA (gated MLP, RMSNorm,
rotary positions, grouped-query attention, as LLaMA/Qwen) causal LM built from a config, both with tied input and
output embeddings to stay small. World-model pretraining (:mod:`mke_lightning.data.world.pretraining`) trains them;
the tests build tiny ones with the same function."""

from __future__ import annotations

import math


def build_world_model(arch: str, vocab_size: int, special: dict[str, int], hidden_size: int, num_layers: int,
                      num_heads: int, num_kv_heads: int, intermediate_size: int | None, max_positions: int):
    from transformers import GPT2Config, GPT2LMHeadModel, LlamaConfig, LlamaForCausalLM

    if arch == "gpt2":
        config = GPT2Config(vocab_size=vocab_size, n_positions=max_positions, n_embd=hidden_size, n_layer=num_layers,
                            n_head=num_heads, n_inner=intermediate_size, resid_pdrop=0.0, embd_pdrop=0.0,
                            attn_pdrop=0.0, tie_word_embeddings=True, **special)
        return GPT2LMHeadModel(config)
    if arch == "llama":
        config = LlamaConfig(vocab_size=vocab_size, hidden_size=hidden_size, num_hidden_layers=num_layers,
                             num_attention_heads=num_heads, num_key_value_heads=num_kv_heads,
                             intermediate_size=intermediate_size or 64 * math.ceil(hidden_size * 8 / 3 / 64),
                             max_position_embeddings=max_positions, tie_word_embeddings=True, **special)
        return LlamaForCausalLM(config)
    raise ValueError(f"arch must be 'gpt2' or 'llama', got {arch!r}")
