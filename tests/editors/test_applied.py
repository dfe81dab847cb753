"""``scratch_weights``: the working context of editors that compute an edit on the live weights."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from mke_lightning.editors.applied import scratch_weights


def _model():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.Linear(4, 2))
    model[0].weight.requires_grad_(False)  # a frozen and a trainable parameter: both flags must come back
    return model


def test_values_and_requires_grad_come_back_when_the_block_raises():
    model = _model()
    before = {n: p.detach().clone() for n, p in model.named_parameters()}
    with pytest.raises(RuntimeError, match="boom"):
        with scratch_weights(model, ["0.weight", "1.bias"]) as params:
            assert set(params) == {"0.weight", "1.bias"}
            with torch.no_grad():
                params["0.weight"].add_(1.0)
                params["1.bias"].mul_(3.0)
            params["0.weight"].requires_grad_(True)
            params["1.bias"].requires_grad_(False)
            raise RuntimeError("boom")
    assert all(torch.equal(p, before[n]) for n, p in model.named_parameters())
    assert not model[0].weight.requires_grad and model[1].bias.requires_grad


def test_new_values_are_read_inside_and_the_model_is_unchanged_after():
    model = _model()
    before = model[1].weight.detach().clone()
    with scratch_weights(model, ["1.weight"]) as params:
        with torch.no_grad():
            params["1.weight"].add_(0.5)
        new = params["1.weight"].detach().clone()
    assert torch.equal(new, before + 0.5) and torch.equal(model[1].weight, before)


def test_unknown_names_fail_before_anything_is_touched():
    with pytest.raises(KeyError, match="no such parameters"):
        with scratch_weights(_model(), ["2.weight"]):
            pass


def test_an_optimiser_run_inside_leaves_no_gradient_behind():
    model = _model()
    with scratch_weights(model, ["1.weight"]) as params:
        model(torch.ones(1, 3)).sum().backward()
        assert params["1.weight"].grad is not None
    assert model[1].weight.grad is None


def test_hook_edit_changes_activations_only_while_active():
    from mke_lightning.editors.applied import HookEdit
    from mke_lightning.models.hooks import has_hooks

    model, x = _model(), torch.ones(1, 3)
    before = model(x)
    edit = HookEdit(model, {"0": lambda module, args, out: out + 1.0})
    assert not has_hooks(model) and torch.equal(model(x), before), "nothing happens before entry"
    with edit:
        assert has_hooks(model) and not torch.equal(model(x), before)
    assert not has_hooks(model) and torch.equal(model(x), before)
    with pytest.raises(AttributeError):
        HookEdit(model, {"no.such.module": lambda *a: None})  # named at construction, not on entry


def test_hooked_removes_its_hooks_when_the_block_raises_and_with_hidden_keeps_tuples():
    from mke_lightning.models.hooks import has_hooks, hidden_of, hooked, with_hidden

    model = _model()
    with pytest.raises(RuntimeError, match="inside"):
        with hooked(model, {"0": lambda m, a, out: out * 2, "1": lambda m, a: None}):
            raise RuntimeError("inside")
    assert not has_hooks(model)
    h = torch.zeros(2)
    assert with_hidden((h, "cache"), h + 1)[1] == "cache" and torch.equal(hidden_of((h + 1, None)), h + 1)
    assert torch.equal(with_hidden(h, h + 1), h + 1)
