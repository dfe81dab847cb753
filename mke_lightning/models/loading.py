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

    A local path that does not exist is an error naming it (rather than a hub lookup of a typo); an existing
    directory without ``config.json`` is an error naming it and what it holds, before transformers is asked (whose
    message for it is a misleading one about the tokenizer backend / sentencepiece). Anything else that is not a
    local directory (a hub id ``org/name``) goes to ``from_pretrained`` unchanged. The tokenizer gets a pad token
    (its EOS) when it has none, so batched scoring can pad.
    """
    from transformers import AutoModelForCausalLM, AutoTokenizer

    check_model_dir(name_or_path)
    tokenizer = AutoTokenizer.from_pretrained(name_or_path)
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token = tokenizer.eos_token
    model = AutoModelForCausalLM.from_pretrained(name_or_path, dtype=resolve_dtype(dtype))
    model.eval()
    model.requires_grad_(False)
    return model, tokenizer


def check_model_dir(name_or_path: str) -> None:
    """Raise ``FileNotFoundError`` for a local-looking path that does not exist, or an existing directory that is
    not a Hugging Face model (no ``config.json``); hub ids (not local directories) pass."""
    path = Path(name_or_path).expanduser()
    looks_local = name_or_path.startswith((".", "/", "~")) or Path(name_or_path).parts[:1] == ("checkpoints",)
    if not path.is_dir():
        if looks_local:
            raise FileNotFoundError(f"model directory not found: {name_or_path}")
        return
    if not (path / "config.json").is_file():
        held = sorted(p.name for p in path.iterdir())
        shown = ", ".join(held[:8]) + (f", … ({len(held)} entries)" if len(held) > 8 else "") if held else "nothing"
        raise FileNotFoundError(
            f"{name_or_path} is a directory but not a model: it has no config.json (it holds {shown}); "
            "point model_name_or_path at a directory saved with save_pretrained (config.json, the weights and "
            "the tokenizer files) or at a hub id")
