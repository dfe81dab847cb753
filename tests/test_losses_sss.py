"""SSS: the autograd value equals the closed form, and the regulariser's gradient reaches the trained weights."""

from __future__ import annotations

import pytest
import torch

from mke_lightning.editors.ft.objectives import target_new_loss
from mke_lightning.losses import SSSRegularizer, sss_autograd, sss_closed_form
from mke_lightning.models.world_model import build_world_model


@pytest.fixture
def model_and_batch():
    torch.manual_seed(0)
    model = build_world_model("gpt2", 50, {}, 16, 2, 2, 1, None, 32)
    input_ids = torch.randint(0, 50, (3, 7))
    labels = torch.full_like(input_ids, -100)
    labels[:, 4:] = input_ids[:, 4:]
    labels[1, 6] = -100  # rows with different numbers of target tokens
    return model, input_ids, labels


def test_autograd_equals_closed_form(model_and_batch):
    model, input_ids, labels = model_and_batch
    out = model(input_ids=input_ids, output_hidden_states=True)
    loss = target_new_loss(out.logits, labels)
    auto = sss_autograd(loss, out.hidden_states[-1])
    shifted = torch.full_like(labels, -100)
    shifted[:, :-1] = labels[:, 1:]  # the label each logit position predicts
    n = (shifted != -100).sum(-1, keepdim=True).float()
    weights = (shifted != -100).float() / n / labels.shape[0]  # per-row mean, then batch mean
    closed = sss_closed_form(out.logits, shifted, weights, model.lm_head.weight)
    torch.testing.assert_close(auto, closed, rtol=1e-4, atol=1e-9)
    assert float(auto) > 0


def test_differentiable_sss_has_its_own_gradient(model_and_batch):
    model, input_ids, labels = model_and_batch
    weight = model.transformer.h[1].mlp.c_proj.weight

    def grad_of(reg):
        out = model(input_ids=input_ids, output_hidden_states=True)
        total, _ = reg(target_new_loss(out.logits, labels), out.hidden_states[-1])
        (g,) = torch.autograd.grad(total, weight)
        return g

    with_sss, constant_sss = grad_of(SSSRegularizer(0.9)), grad_of(SSSRegularizer(0.9, differentiable=False))
    assert not torch.allclose(with_sss, constant_sss)
    # With SSS constant, the gradient is exactly (1 - C) times the plain loss gradient.
    out = model(input_ids=input_ids)
    (plain,) = torch.autograd.grad(target_new_loss(out.logits, labels), weight)
    torch.testing.assert_close(constant_sss, 0.1 * plain, rtol=1e-4, atol=1e-8)


def test_weight_range_checked():
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        SSSRegularizer(1.5)
