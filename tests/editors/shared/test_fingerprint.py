"""Model and tokenizer fingerprints: stable for the same weights, different after any change."""

from __future__ import annotations

import torch

from mke_lightning.editors.shared.fingerprint import model_fingerprint, tokenizer_fingerprint
from mke_lightning.models.loading import load_causal_lm


def test_model_fingerprint_stable_and_weight_sensitive(tiny_models):
    model, _ = load_causal_lm(tiny_models["gpt2"])
    again, _ = load_causal_lm(tiny_models["gpt2"])
    fp = model_fingerprint(model)
    assert fp == model_fingerprint(again) and len(fp) == 16
    with torch.no_grad():
        param = next(p for n, p in model.named_parameters() if n.endswith("mlp.c_proj.weight"))
        param[0, 0] += 1e-6
    assert model_fingerprint(model) != fp
    other, _ = load_causal_lm(tiny_models["llama"])
    assert model_fingerprint(other) != fp
    assert model_fingerprint(again.to(torch.float64)) != fp  # dtype is part of the identity


def test_tokenizer_fingerprint_ignores_truncation_state(tiny_models):
    _, tok = load_causal_lm(tiny_models["gpt2"])
    fp = tokenizer_fingerprint(tok)
    tok(["a b c d e f"], truncation=True, max_length=3)  # sets truncation state on the backend tokenizer
    assert tokenizer_fingerprint(tok) == fp
    tok.add_tokens(["<brand-new-token>"])
    assert tokenizer_fingerprint(tok) != fp
