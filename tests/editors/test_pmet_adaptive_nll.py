"""PMET's adaptive NLL factor follows the PMET repo's ``compute_zs`` loop: the 0.1× factor decided at a step weighs
the loss of the *next* step, and the stop compares the weighted KL (``kl_factor · KL``) with ``kl_stop``."""

from __future__ import annotations

import pytest
import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

from mke_lightning.editors.shared import target_optimization as target_opt
from mke_lightning.editors.shared.keys import Request
from mke_lightning.editors.shared.target_optimization import TargetOptimization, optimize_targets
from mke_lightning.models.adapter import ArchitectureAdapter
from mke_lightning.models.encoding import targets_token_ids

GROUPS, KL = {"en": [["{}"], ["Yes. {}"]]}, {"en": "{} is a"}


def _load(path):
    return AutoModelForCausalLM.from_pretrained(path).eval(), AutoTokenizer.from_pretrained(path)


def _request(case):
    view = case.views["en"]
    return Request(view.prompt, view.subject, view.target_new, "en")


def _scripted_argmax(monkeypatch, flags):
    """Replace the argmax test by a script: at step ``s`` every request's target is the argmax iff ``flags[s]``."""
    steps = iter(flags)

    def scripted(target_logits, target_ids, request_of, n):
        return torch.full((n,), bool(next(steps)), dtype=torch.bool, device=target_logits.device)

    monkeypatch.setattr(target_opt, "_targets_are_argmax", scripted)


def _optimize(model, tok, requests, **settings):
    site = ArchitectureAdapter(model).ffn_out_name(1)
    cfg = TargetOptimization(v_lr=0.5, early_stop_loss=0.0, **settings)
    return optimize_targets(model, tok, requests, GROUPS, KL, [site], cfg, adaptive_nll=True)


def test_the_reduced_factor_weighs_the_step_after_the_argmax_was_found(tiny_models, small_cases, monkeypatch):
    model, tok = _load(tiny_models["gpt2"])
    flags = [False, False, True, True, False, True, False]
    _scripted_argmax(monkeypatch, flags)
    # kl_stop 0: the weighted KL of a moved δ is > 0, so no request stops on the argmax
    result = _optimize(model, tok, [_request(small_cases[0]), _request(small_cases[1])], v_num_grad_steps=len(flags),
                       kl_factor=1.0, kl_stop=0.0)
    expected = [1.0] + [0.1 if flag else 1.0 for flag in flags[:-1]]  # the factor of step s is set at step s − 1
    for factors, losses in zip(result.nll_factors, result.losses):
        assert len(losses) == len(flags)
        assert factors == pytest.approx(expected)


def test_the_kl_stop_compares_the_weighted_kl(tiny_models, small_cases, monkeypatch):
    model, tok = _load(tiny_models["gpt2"])
    _scripted_argmax(monkeypatch, [False, True, True, True, True])
    # kl_factor 0: the weighted KL is 0 ≤ kl_stop = 0 at the first argmax step (the raw KL is > 0 there)
    result = _optimize(model, tok, [_request(small_cases[0])], v_num_grad_steps=5, kl_factor=0.0, kl_stop=0.0)
    assert len(result.losses[0]) == 2
    assert result.nll_factors[0] == pytest.approx([1.0, 1.0])


def test_a_target_that_already_is_the_argmax_is_scored_with_the_full_nll(tiny_models, small_cases):
    """No stub: the request's target is the model's own greedy next token, so the first step finds the argmax (and
    stops, KL being 0); its loss is the full NLL, as the reference's first step (the old code had 0.1 · NLL)."""
    model, tok = _load(tiny_models["gpt2"])
    for case in small_cases:
        view = case.views["en"]
        ids = tok(view.prompt, return_tensors="pt")["input_ids"]
        with torch.no_grad():
            logp = torch.log_softmax(model(input_ids=ids).logits[0, -1].float(), dim=-1)
        target = tok.decode([int(logp.argmax())]).strip()
        if target and targets_token_ids(tok, [target], ["en"])[0] == [int(logp.argmax())]:
            break
    else:
        pytest.skip("no prompt whose greedy token round-trips as a one-token target")
    request = Request(view.prompt, view.subject, target, "en")
    site = ArchitectureAdapter(model).ffn_out_name(1)
    result = optimize_targets(model, tok, [request], {"en": [["{}"]]}, KL, [site],
                              TargetOptimization(v_num_grad_steps=5, early_stop_loss=0.0), adaptive_nll=True)
    assert result.losses[0] == pytest.approx([-float(logp.max())], rel=1e-4)
