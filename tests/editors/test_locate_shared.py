"""Shared locate-then-edit pieces: context templates (cached per model, on disk), keys, target optimisation."""

from __future__ import annotations

import pytest
import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

from mke_lightning.editors.shared.context_templates import (
    ContextTemplateOptions,
    ContextTemplates,
    kl_prompt,
    sentence_separator,
)
from mke_lightning.editors.shared.keys import Request, averaged_keys, io_at_subject
from mke_lightning.editors.shared.target_optimization import TargetOptimization, optimize_targets
from mke_lightning.models.adapter import ArchitectureAdapter


def _load(path):
    return AutoModelForCausalLM.from_pretrained(path).eval(), AutoTokenizer.from_pretrained(path)


def test_templates_cached_per_model_and_on_disk(tiny_models, tmp_path):
    gpt2, tok = _load(tiny_models["gpt2"])
    llama, tok_l = _load(tiny_models["llama"])
    templates = ContextTemplates(ContextTemplateOptions(n_per_seed=1, lengths=(4,)), cache_dir=str(tmp_path))
    groups = templates.groups(gpt2, tok, "en")
    assert groups[0] == ["{}"] and len(groups[1]) == 5
    assert all(t.endswith(". {}") and t.count("{}") == 1 for t in groups[1])
    assert templates.groups(gpt2, tok, "en") is groups and templates.generated == 1  # in-memory, same model
    templates.groups(llama, tok_l, "en")
    assert templates.generated == 2  # another model gets its own templates
    fresh = ContextTemplates(ContextTemplateOptions(n_per_seed=1, lengths=(4,)), cache_dir=str(tmp_path))
    assert fresh.groups(gpt2, tok, "en") == groups and fresh.generated == 0  # read back from disk
    with torch.no_grad():
        next(gpt2.parameters()).add_(1.0)  # a changed model object is keyed by its weights on disk
    other = ContextTemplates(ContextTemplateOptions(n_per_seed=1, lengths=(4,)), cache_dir=str(tmp_path))
    other.groups(gpt2, tok, "en")
    assert other.generated == 1


def test_language_specific_pieces():
    assert sentence_separator("zh") == "。" and sentence_separator("en") == ". "
    assert kl_prompt("de") == "{} ist ein" and kl_prompt("xx") == "{} is a"
    assert kl_prompt("en", {"en": "{} was a"}) == "{} was a"


def test_keys_read_the_subjects_last_token(tiny_models, small_cases):
    model, tok = _load(tiny_models["gpt2"])
    view = small_cases[0].views["en"]
    name = ArchitectureAdapter(model).ffn_out_name(0)
    keys = io_at_subject(model, tok, [name], [view.prompt], [view.subject])[name][0]
    captured = {}

    def grab(module, args, output):
        captured["k"] = args[0]

    handle = model.get_submodule(name).register_forward_hook(grab)
    ids = tok(view.prompt, return_tensors="pt")
    with torch.no_grad():
        model(**ids)
    handle.remove()
    prefix_len = len(tok(view.prompt[: view.prompt.rfind(view.subject) + len(view.subject)])["input_ids"])
    assert torch.allclose(keys[0], captured["k"][0, prefix_len - 1])
    request = Request(view.prompt, view.subject, view.target_new, "en")
    groups = {"en": [["{}"], ["A. {}", "B b b. {}", "C. {}"]]}
    flat = averaged_keys(model, tok, name, [request], groups, "flat")
    grouped = averaged_keys(model, tok, name, [request], groups, "grouped")
    assert not torch.allclose(flat, grouped)
    assert torch.allclose(grouped[0], 0.5 * keys[0] + 0.5 * averaged_keys(model, tok, name, [request],
                                                                        {"en": [groups["en"][1]]}, "flat")[0],
                          atol=1e-5)


def test_batched_target_optimisation_equals_one_by_one(tiny_models, small_cases):
    model, tok = _load(tiny_models["llama"])
    site = ArchitectureAdapter(model).ffn_out_name(0)
    requests = [Request(c.views["en"].prompt, c.views["en"].subject, c.views["en"].target_new, "en")
                for c in small_cases[:3]]
    groups, kl = {"en": [["{}"], ["Yes. {}"]]}, {"en": "{} is a"}
    settings = TargetOptimization(v_num_grad_steps=5, v_lr=0.5, batch_size=8)
    joint = optimize_targets(model, tok, requests, groups, kl, [site], settings)
    alone = [optimize_targets(model, tok, [r], groups, kl, [site], settings) for r in requests]
    for i, single in enumerate(alone):
        assert torch.allclose(joint.delta[site][i], single.delta[site][0], atol=1e-4)
        assert torch.allclose(joint.init[site][i], single.init[site][0], atol=1e-5)
    no_decay = optimize_targets(model, tok, requests[:1], groups, kl, [site],
                                TargetOptimization(v_num_grad_steps=5, v_lr=0.5, v_weight_decay=0.0))
    assert no_decay.losses[0][-1] < no_decay.losses[0][0]
    # the norm clamp is honoured
    tight = optimize_targets(model, tok, requests[:1], groups, kl, [site],
                             TargetOptimization(v_num_grad_steps=5, v_lr=5.0, clamp_norm_factor=0.01))
    assert tight.delta[site].norm() <= 0.01 * tight.init[site].norm() * (1 + 1e-5)


@pytest.mark.parametrize(("make", "message"), [
    (lambda: TargetOptimization(v_num_grad_steps=0), "option model.optimization.v_num_grad_steps: must be >= 1, got 0"),
    (lambda: TargetOptimization(batch_size=0), "option model.optimization.batch_size: must be >= 1, got 0"),
    (lambda: TargetOptimization(v_lr=0.0), "option model.optimization.v_lr: must be > 0, got 0.0"),
    (lambda: TargetOptimization(kl_factor=-1.0), "option model.optimization.kl_factor: must be >= 0, got -1.0"),
    (lambda: ContextTemplateOptions(n_per_seed=-1), "model.templates.n_per_seed must be >= 0, got -1"),
    (lambda: ContextTemplateOptions(lengths=(5, 0)), "model.templates.lengths must list one or more lengths >= 1"),
])
def test_option_errors_name_the_option_as_typed(make, message):
    with pytest.raises(ValueError) as err:
        make()
    assert message in str(err.value)


def test_hooks_are_gone_after_the_shared_pieces_ran(tiny_models, small_cases):
    from mke_lightning.models.hooks import has_hooks

    model, tok = _load(tiny_models["gpt2"])
    site = ArchitectureAdapter(model).ffn_out_name(0)
    view = small_cases[0].views["en"]
    request = Request(view.prompt, view.subject, view.target_new, "en")
    averaged_keys(model, tok, site, [request], {"en": [["{}"]]})
    optimize_targets(model, tok, [request], {"en": [["{}"]]}, {"en": "{} is a"}, [site],
                     TargetOptimization(v_num_grad_steps=2))
    assert not has_hooks(model)
