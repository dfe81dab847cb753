"""MEND's parts: gradient factors equal the true weight gradient, the running statistics equal the batch moments,
the editor network is the identity at initialisation, and each option changes what it says."""

from __future__ import annotations

import pytest
import torch

from mke_lightning.editors.mend.gradient_transform import GradientTransform
from mke_lightning.editors.mend.normalization import RunningStandardizer
from mke_lightning.editors.shared.edit_examples import make_example
from mke_lightning.editors.shared.gradient_capture import capture_gradient_factors, group_by_shape
from mke_lightning.models.adapter import ArchitectureAdapter, as_out_in
from mke_lightning.models.encoding import encode_prompt_target, token_logprobs
from mke_lightning.models.hooks import has_hooks
from mke_lightning.models.loading import load_causal_lm


@pytest.mark.parametrize("arch", ["gpt2", "llama"])
def test_factors_rebuild_the_weight_gradient(tiny_models, arch):
    """Σ_i δ_i u_iᵀ over kept tokens equals autograd's ∂L/∂W of the summed per-row mean NLL (Conv1D and Linear)."""
    model, tok = load_causal_lm(tiny_models[arch])
    adapter = ArchitectureAdapter(model)
    names = [*adapter.ffn_in_names(1), adapter.ffn_out_name(1), adapter.ffn_out_name(2)]
    modules = {n: model.get_submodule(n) for n in names}
    batch = encode_prompt_target(tok, ["Pamu lives in", "the capital is a long prompt"], ["Oslo", "Rome and more"],
                                 ["en", "en"])
    factors = capture_gradient_factors(model, modules, batch)
    for m in modules.values():
        m.weight.requires_grad_(True)
    logits = model(input_ids=batch.input_ids, attention_mask=batch.attention_mask).logits
    logp, mask = token_logprobs(logits, batch.labels)
    (-(logp.sum(-1) / mask.sum(-1))).sum().backward()
    for name, module in modules.items():
        rebuilt = sum(d.T @ u for u, d in (factors.rows(name, r) for r in range(2)))
        torch.testing.assert_close(rebuilt, as_out_in(module, module.weight.grad), rtol=1e-4, atol=1e-6)
        assert module.weight.grad.abs().sum() > 0
    # padding positions of the shorter row carry nothing
    short = int(batch.attention_mask[0].sum())
    assert factors.rows(names[0], 0)[0].shape[0] <= short


def test_capture_leaves_frozen_parameters_without_grad(tiny_models):
    model, tok = load_causal_lm(tiny_models["gpt2"])
    adapter = ArchitectureAdapter(model)
    modules = {adapter.ffn_out_name(0): adapter.ffn_out(0)}
    capture_gradient_factors(model, modules, encode_prompt_target(tok, ["a b"], ["c"], ["en"]))
    assert all(p.grad is None and not p.requires_grad for p in model.parameters())
    assert not has_hooks(model)
    with pytest.raises(RuntimeError, match="never ran"):  # a module outside the forward pass; hooks still removed
        model.extra = torch.nn.Linear(2, 2)
        capture_gradient_factors(model, ["extra"], encode_prompt_target(tok, ["a b"], ["c"], ["en"]))
    assert not has_hooks(model)


def test_running_statistics_equal_batch_moments():
    torch.manual_seed(0)
    norm = RunningStandardizer(5)
    chunks = [torch.randn(n, 5) * 3 + 1 for n in (7, 1, 12)]
    for c in chunks:
        norm.update(c)
    data = torch.cat(chunks).double()
    torch.testing.assert_close(norm.mean, data.mean(0))
    torch.testing.assert_close(norm.std, data.std(0))
    assert norm.count.item() == 20
    x = torch.randn(3, 5)
    torch.testing.assert_close(norm(x), ((x - data.mean(0)) / (data.std(0) + 1e-7)).float())


def test_untrained_editor_is_the_identity_and_relu_last_is_read():
    torch.manual_seed(0)
    net = GradientTransform(4, 6, n_modes=2, rank=3, norm="none")
    u, d = torch.randn(5, 4), torch.randn(5, 6)
    u_t, d_t = net(u, d, mode=1)
    torch.testing.assert_close(u_t, u)
    torch.testing.assert_close(net.pseudo_gradient(u, d, 0), d.T @ u)
    assert [layer.activation for layer in net.layers] == [True, False]
    assert [layer.activation for layer in GradientTransform(4, 6, 2, 3, relu_last=True).layers] == [True, True]
    # once trained, modes differ through their scale/shift
    with torch.no_grad():
        for layer in net.layers:
            layer.u.normal_()
            layer.shift[1] += 1.0
    assert not torch.allclose(net(u, d, 0)[0], net(u, d, 1)[0])


def test_layer_norm_option_and_unknown_norm():
    net = GradientTransform(4, 6, 1, 3, norm="layer")
    assert isinstance(net.norm_u, torch.nn.LayerNorm)
    with pytest.raises(ValueError, match="unknown normalisation"):
        GradientTransform(4, 6, 1, 3, norm="batch")


def test_group_by_shape_gives_one_group_per_weight_shape(tiny_models):
    model, _ = load_causal_lm(tiny_models["llama"])
    adapter = ArchitectureAdapter(model)
    names = [n for layer in (1, 2) for n in (*adapter.ffn_in_names(layer), adapter.ffn_out_name(layer))]
    groups = group_by_shape(names, {n: model.get_submodule(n) for n in names})
    d_model, d_ff = adapter.ffn_dims()
    assert groups == {(d_ff, d_model): [n for n in names if "down" not in n],
                      (d_model, d_ff): [n for n in names if "down" in n]}


def test_examples_follow_the_outer_and_locality_options(small_cases):
    case = small_cases[0]
    langs = sorted(case.views)
    same = make_example(case, ["en"], outer="paraphrases", loc_scope="edit", max_outer=None, max_loc=None)
    assert same.src == "en" and {lang for _, _, lang in same.outer} == {"en"}
    view = case.views["en"]
    assert [p for p, _, _ in same.outer] == [view.prompt, *view.paraphrases]
    assert all(t == view.target_new for _, t, _ in same.outer)
    assert [(p, a) for p, a, _ in same.loc] == [(qa.prompt, qa.answer) for qa in view.neighborhood]
    cross = make_example(case, ["en"], outer="cross_lingual", loc_scope="all", max_outer=None, max_loc=None)
    assert {lang for _, _, lang in cross.outer} == set(langs) - {"en"}
    assert all(t == case.views[lang].target_new for _, t, lang in cross.outer)
    assert {lang for _, _, lang in cross.loc} == {lang for lang in langs if case.views[lang].neighborhood}
    every = make_example(case, ["en"], outer="all", max_outer=None)
    assert len(every.outer) == len(same.outer) + len(cross.outer)
    capped = make_example(case, ["en"], outer="all", max_outer=3, max_loc=2)
    assert len(capped.outer) == 3 and len(capped.loc) == 2
    # the same case, seed and epoch give the same example; another epoch another sample
    assert make_example(case, ["en", "zh"], max_outer=3) == make_example(case, ["en", "zh"], max_outer=3)
    draws = {tuple(make_example(case, ["en", "zh"], max_outer=3, epoch=e).outer) for e in range(6)}
    assert len(draws) > 1
    with pytest.raises(ValueError, match="none of the edit languages"):
        make_example(case, ["xx"])
