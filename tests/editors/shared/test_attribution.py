"""Integrated-gradients attribution over FFN neurons: completeness (Σ attr = F(a) − F(0)) on GPT-2 and LLaMA,
batching invariance, no side effect on the model (weights, hooks, .grad), a dead neuron gets zero, and the on-disk
cache (hit, miss on other settings or inputs)."""

from __future__ import annotations

import copy

import pytest
import torch

from mke_lightning.editors.shared.attribution import AttributionCache, attribution_items, integrated_gradients
from mke_lightning.models.adapter import ArchitectureAdapter, as_out_in
from mke_lightning.models.hooks import has_hooks, hooked
from mke_lightning.models.loading import load_causal_lm

PROMPTS = ["Keba is a city in", "Die Stadt Keba liegt in", "克巴这座城市位于"]
TARGETS = ["Gedonia", "Gedonien", "格多恩尼亚"]
LANGS = ["en", "de", "zh"]
SUBJECTS = ["Keba", "Keba", "克巴"]


@pytest.fixture(autouse=True, scope="module")
def _one_thread():
    """Tiny models: one intra-op thread is faster, and much faster on a loaded machine (spinning threads)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module", params=["gpt2", "llama"])
def lm64(request, tiny_models):
    """float64, so the completeness check measures the Riemann sum, not round-off."""
    return load_causal_lm(tiny_models[request.param], dtype="float64")


@pytest.fixture(scope="module")
def gpt2(tiny_models):
    return load_causal_lm(tiny_models["gpt2"])


def reference_score(model, item, layer, replace_with_zero: bool, score: str, value=None) -> float:
    """F of one item, one unpadded forward; the activation at its position zeroed, set to ``value`` or left real."""
    module_name = ArchitectureAdapter(model).ffn_out_name(layer)

    def hook(_module, args):
        h = args[0].clone()
        if replace_with_zero:
            h[0, item.position] = 0
        if value is not None:
            h[0, item.position] = value
        return (h, *args[1:])

    with torch.no_grad(), hooked(model, {module_name: hook}, "pre"):
        logits = model(input_ids=torch.tensor([item.ids])).logits[0, -1]
    logp = torch.log_softmax(logits.double(), -1)[item.target]
    return float(logp.exp() if score == "prob" else logp)


@pytest.mark.parametrize("score", ["prob", "logprob"])
def test_completeness(lm64, score):
    """Σ_i attr_i = F(a) − F(0) up to the Riemann-sum error. With the right sum R and the left sum L,
    R − L = (g(1) − g(0))/m exactly (g(α) = dF/dα along the path), and R's error is about (R − L)/2: the trapezoid
    (R + L)/2 is second order, so it must match to ~1e-4 of |R − L| and better than R itself; the midpoint
    rule is second order too (float64 throughout, so round-off is ~1e-15)."""
    model, tok = lm64
    layers, m, prompts, targets, langs = [0, 2], 32, PROMPTS[:2], TARGETS[:2], LANGS[:2]
    items = attribution_items(tok, prompts, targets, langs, tokens="first")
    common = dict(steps=m, batch_size=512, tokens="first", score=score)
    right = integrated_gradients(model, tok, prompts, targets, langs, layers, grid="right", **common)
    left = integrated_gradients(model, tok, prompts, targets, langs, layers, grid="left", **common)
    mid = integrated_gradients(model, tok, prompts, targets, langs, layers, grid="midpoint", **common)
    for layer in layers:
        assert right[layer].shape == (len(prompts), ArchitectureAdapter(model).ffn_dims()[1])
        assert right[layer].dtype == torch.float64
        for i, item in enumerate(items):
            delta = reference_score(model, item, layer, False, score) - reference_score(model, item, layer, True, score)
            r, lt, md = (float(x[layer][i].sum()) for x in (right, left, mid))
            scale = abs(delta) + 1e-30
            assert abs(delta) > 1e-7  # the test is not vacuous
            assert abs(r - delta) <= 0.6 * abs(r - lt) + 1e-12 * scale  # first-order error of the right sum
            assert abs((r + lt) / 2 - delta) <= 1e-3 * scale
            assert abs(md - delta) <= 1e-3 * scale
            assert abs(r - delta) <= 2e-2 * scale  # and m = 32 is already close


def test_each_token_and_sig_baseline_completeness(lm64):
    """``tokens="each"``: the mean over target tokens of F_j(a_j) − F_j(0); ``baseline="sig"``: the mean over
    baselines b_j of F(a) − F(b_j) (checked on the first prompt only, it is len(prefix) times dearer)."""
    model, tok = lm64
    items = attribution_items(tok, PROMPTS, TARGETS, LANGS, tokens="each")
    attr = integrated_gradients(model, tok, PROMPTS, TARGETS, LANGS, [1], steps=32, batch_size=512,
                                tokens="each", grid="midpoint", score="logprob")[1]
    for i in range(len(PROMPTS)):
        mine = [it for it in items if it.prompt == i]
        assert len(mine) > 1  # multi-token targets
        delta = sum(reference_score(model, it, 1, False, "logprob") - reference_score(model, it, 1, True, "logprob")
                    for it in mine) / len(mine)
        assert float(attr[i].sum()) == pytest.approx(delta, rel=1e-3)
    sig = integrated_gradients(model, tok, PROMPTS[:1], TARGETS[:1], LANGS[:1], [1], steps=32, batch_size=512,
                               tokens="first", grid="midpoint", score="logprob", baseline="sig")[1]
    item = attribution_items(tok, PROMPTS[:1], TARGETS[:1], LANGS[:1], tokens="first")[0]
    real = reference_score(model, item, 1, False, "logprob")
    deltas = []
    for j in range(len(item.ids)):
        ids = list(item.ids)
        ids[j] = tok.eos_token_id
        seen = []
        with torch.no_grad(), hooked(model, {ArchitectureAdapter(model).ffn_out_name(1):
                                             lambda _m, args: seen.append(args[0][0, item.position].clone())}, "pre"):
            model(input_ids=torch.tensor([ids]))
        assert len(seen) == 1
        deltas.append(real - reference_score(model, item, 1, False, "logprob", value=seen[0]))
    assert float(sig[0].sum()) == pytest.approx(sum(deltas) / len(deltas), rel=1e-3)


def test_batching_invariance_and_no_side_effects(gpt2):
    model, tok = gpt2
    model.train()  # the call must put it back
    before = {k: v.clone() for k, v in model.state_dict().items()}
    kwargs = dict(steps=4, position="subject_last", subjects=SUBJECTS)
    one = integrated_gradients(model, tok, PROMPTS, TARGETS, LANGS, [0, 1], batch_size=1, **kwargs)
    big = integrated_gradients(model, tok, PROMPTS, TARGETS, LANGS, [0, 1], batch_size=1000, **kwargs)
    odd = integrated_gradients(model, tok, PROMPTS, TARGETS, LANGS, [0, 1], batch_size=7, **kwargs)
    for layer in (0, 1):
        assert one[layer].dtype == torch.float32
        torch.testing.assert_close(one[layer], big[layer], rtol=1e-5, atol=1e-6 * float(big[layer].abs().max()))
        torch.testing.assert_close(odd[layer], big[layer], rtol=1e-5, atol=1e-6 * float(big[layer].abs().max()))
        assert big[layer].abs().sum() > 0
    assert model.training
    model.eval()
    assert not has_hooks(model)
    assert all(p.grad is None and not p.requires_grad for p in model.parameters())
    after = model.state_dict()
    assert before.keys() == after.keys() and all(torch.equal(before[k], after[k]) for k in before)


def test_dead_neuron_gets_zero(tiny_models):
    model, tok = load_causal_lm(tiny_models["llama"])
    dead = copy.deepcopy(model)
    layer, neuron = 1, 5
    module = ArchitectureAdapter(dead).ffn_out(layer)
    with torch.no_grad():
        as_out_in(module, module.weight)[:, neuron] = 0  # its value vector: it cannot affect the output
    attr = integrated_gradients(dead, tok, PROMPTS, TARGETS, LANGS, [layer], steps=8)[layer]
    assert torch.all(attr[:, neuron] == 0)
    assert attr.abs().sum() > 0


def test_cache_hit_and_misses(gpt2, tmp_path):
    model, tok = gpt2
    cache = AttributionCache(cache_dir=str(tmp_path), steps=4)
    first = cache.get(model, tok, PROMPTS[:2], TARGETS[:2], LANGS[:2], [0, -1])
    assert sorted(first) == [0, 2]
    assert cache.last_report["computed"] == [0, 2] and cache.last_report["loaded"] == []
    fresh = AttributionCache(cache_dir=str(tmp_path), steps=4, batch_size=3)  # batch size is not in the key
    second = fresh.get(model, tok, PROMPTS[:2], TARGETS[:2], LANGS[:2], [0, 2])
    assert fresh.last_report["loaded"] == [0, 2] and fresh.last_report["computed"] == []
    assert all(torch.equal(first[k], second[k]) for k in first)
    partial = fresh.get(model, tok, PROMPTS[:2], TARGETS[:2], LANGS[:2], [1, 2])
    assert fresh.last_report["loaded"] == [2] and fresh.last_report["computed"] == [1]
    assert partial[1].shape == first[0].shape
    other_steps = AttributionCache(cache_dir=str(tmp_path), steps=5)
    other_steps.get(model, tok, PROMPTS[:2], TARGETS[:2], LANGS[:2], [0])
    assert other_steps.last_report["computed"] == [0]
    fresh.get(model, tok, PROMPTS[:2], ["Gedonien", "Gedonia"], LANGS[:2], [0])  # other inputs
    assert fresh.last_report["computed"] == [0]
    assert not list(tmp_path.rglob("*.tmp"))  # atomic writes leave no temporary file
