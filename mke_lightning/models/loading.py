"""Loading any Hugging Face causal LM and its tokenizer, the same way for world models and hub checkpoints."""

from __future__ import annotations

from pathlib import Path

import torch

DTYPES = {"float32": torch.float32, "float16": torch.float16, "bfloat16": torch.bfloat16, "float64": torch.float64}


def resolve_dtype(name: str) -> torch.dtype:
    if name not in DTYPES:
        raise ValueError(f"dtype must be one of {sorted(DTYPES)}, got {name!r}")
    return DTYPES[name]


def load_causal_lm(name_or_path: str, dtype: str = "float32"):
    """``(model, tokenizer)`` from a local directory or a hub id, model in eval mode with frozen parameters.

    A local path that does not exist is an error naming it (rather than a hub lookup of a typo). The tokenizer gets
    a pad token (its EOS) when it has none, so batched scoring can pad.
    """
    from transformers import AutoModelForCausalLM, AutoTokenizer

    looks_local = name_or_path.startswith((".", "/", "~")) or Path(name_or_path).parts[:1] == ("checkpoints",)
    if looks_local and not Path(name_or_path).expanduser().is_dir():
        raise FileNotFoundError(f"model directory not found: {name_or_path}")
    tokenizer = AutoTokenizer.from_pretrained(name_or_path)
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token = tokenizer.eos_token
    model = AutoModelForCausalLM.from_pretrained(name_or_path, dtype=resolve_dtype(dtype))
    model.eval()
    model.requires_grad_(False)
    return model, tokenizer
