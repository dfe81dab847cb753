"""FT's ``train_bias``: by default (ROME's FT baseline) the edited projection's bias is trained with its weight;
``train_bias=False`` leaves it bit for bit; the base model is restored exactly either way; a model whose projection
has no bias (LLaMA) trains the weight alone with either setting."""

from __future__ import annotations

import pytest
import torch

from mke_lightning.editors import FTLEditor, FTMEditor

WEIGHT, BIAS = "transformer.h.1.mlp.c_proj.weight", "transformer.h.1.mlp.c_proj.bias"


def _editor(cls, path, **kw):
    editor = cls(model_name_or_path=path, layers=[1], num_steps=5, lr=1e-2, early_stop_loss=0.0, **kw)
    editor.configure_model()
    return editor


def _snapshot(model):
    return {n: (p.detach().clone(), p.requires_grad, None if p.grad is None else p.grad.clone())
            for n, p in model.named_parameters()}


def _assert_restored(model, before):
    for name, param in model.named_parameters():
        value, requires_grad, grad = before[name]
        assert torch.equal(param.detach(), value), name
        assert param.requires_grad == requires_grad and (param.grad is None) == (grad is None), name
        assert grad is None or torch.equal(param.grad, grad), name


def test_the_default_trains_the_bias_as_rome():
    assert FTLEditor().train_bias and FTMEditor().train_bias


@pytest.mark.parametrize("cls", [FTLEditor, FTMEditor])
@pytest.mark.parametrize("train_bias", [True, False])
def test_the_bias_changes_only_when_trained_and_the_model_is_restored(cls, train_bias, tiny_models, small_cases):
    editor = _editor(cls, tiny_models["gpt2"], train_bias=train_bias, norm_constraint=1e-3)
    model = editor.base_model
    params = dict(model.named_parameters())
    # a gradient left on a frozen parameter by someone else must survive the edit too
    params[BIAS].grad = torch.full_like(params[BIAS], 0.25)
    before = _snapshot(model)
    edit = editor.edit(small_cases[:1], "en")
    _assert_restored(model, before)
    expected = [WEIGHT, BIAS] if train_bias else [WEIGHT]
    assert editor.trained_parameter_names() == expected and sorted(edit.new_values) == sorted(expected)
    assert not torch.equal(edit.new_values[WEIGHT], before[WEIGHT][0])
    if train_bias:
        change = (edit.new_values[BIAS] - before[BIAS][0]).abs().max()
        assert 0 < float(change) <= 1e-3 + 1e-7  # trained, and held in the norm-constraint box as the weight
    with edit:
        assert torch.equal(params[BIAS].detach(), edit.new_values[BIAS] if train_bias else before[BIAS][0])
    _assert_restored(model, before)


@pytest.mark.parametrize("train_bias", [True, False])
def test_a_projection_without_bias_trains_the_weight_alone(train_bias, tiny_models, small_cases):
    editor = _editor(FTMEditor, tiny_models["llama"], train_bias=train_bias)
    assert editor.base_model.get_submodule("model.layers.1.mlp.down_proj").bias is None
    before = _snapshot(editor.base_model)
    edit = editor.edit(small_cases[:1], "en")
    assert sorted(edit.new_values) == ["model.layers.1.mlp.down_proj.weight"]
    _assert_restored(editor.base_model, before)
