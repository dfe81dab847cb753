"""What the target optimisation computes once — the blocks below the optimised sites and the tokens before each
row's subject — changes no target: the same targets as computing every block of every whole row at every step,
for FFN-output (ROME), block-output (MEMIT) and attention + FFN (PMET) sites."""

from __future__ import annotations

import pytest
import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

from mke_lightning.editors.shared import target_optimization as target_opt
from mke_lightning.editors.shared.cached_trunk import TrunkPlan, trunk_plan
from mke_lightning.editors.shared.keys import Request
from mke_lightning.editors.shared.target_optimization import TargetOptimization, optimize_targets
from mke_lightning.models.adapter import ArchitectureAdapter

GROUPS, KL = {"en": [["{}"], ["Yes. {}", "So, {}"]]}, {"en": "{} is a"}


def _sites(model, kind: str) -> list[str]:
    adapter = ArchitectureAdapter(model)
    return {"ffn": [adapter.ffn_out_name(1)], "block": [adapter.block_name(1)],
            "attn_ffn": [adapter.attn_out_name(1), adapter.ffn_out_name(1)]}[kind]


@pytest.mark.parametrize("arch", ["gpt2", "llama"])
@pytest.mark.parametrize(("kind", "replay", "additive"), [("ffn", 2, True), ("block", 2, True),
                                                          ("attn_ffn", 1, False)])
def test_replayed_blocks_change_no_target(arch, kind, replay, additive, tiny_models, small_cases, monkeypatch):
    model = AutoModelForCausalLM.from_pretrained(tiny_models[arch]).eval()
    tok = AutoTokenizer.from_pretrained(tiny_models[arch])
    sites = _sites(model, kind)
    plan = trunk_plan(model, sites)
    assert (plan.replay, plan.add_at_last) == (replay, additive)
    requests = [Request(c.views["en"].prompt, c.views["en"].subject, c.views["en"].target_new, "en")
                for c in small_cases[:3]]
    cfg = TargetOptimization(v_num_grad_steps=6, v_lr=0.5, early_stop_loss=0.0)
    cached = optimize_targets(model, tok, requests, GROUPS, KL, sites, cfg, adaptive_nll=kind == "attn_ffn")
    monkeypatch.setattr(target_opt, "trunk_plan", lambda model, sites: TrunkPlan())
    monkeypatch.setattr(target_opt, "split_at_subject", lambda *args: None)
    full = optimize_targets(model, tok, requests, GROUPS, KL, sites, cfg, adaptive_nll=kind == "attn_ffn")
    for site in sites:
        assert cached.delta[site].abs().max() > 0
        torch.testing.assert_close(cached.delta[site], full.delta[site], rtol=1e-4, atol=1e-5)
        torch.testing.assert_close(cached.init[site], full.init[site])
    assert [x for h in cached.losses for x in h] == pytest.approx([x for h in full.losses for x in h], rel=1e-4, abs=1e-5)
    blocks = model.get_submodule(ArchitectureAdapter(model).spec.blocks)
    assert all(type(b).__name__.endswith(("Block", "Layer")) for b in blocks)  # the real blocks are back


def test_rows_are_cut_at_the_subject_and_long_rows_stay_in_the_positions(tiny_models, small_cases):
    from mke_lightning.editors.shared.subject_prefix import split_at_subject
    from mke_lightning.models.padding import pad_batch

    model = AutoModelForCausalLM.from_pretrained(tiny_models["gpt2"]).eval()
    rows = [[1, 5, 6, 7, 8], [1] + list(range(10, 10 + 63))]  # the second row fills all 64 positions
    ids, mask = pad_batch(rows, 0, "right")
    labels = torch.full_like(ids, -100)
    split = split_at_subject(model, ids, mask, labels, torch.tensor([2, 3]), 0)
    assert split.ids[0, :3].tolist() == [6, 7, 8] and split.prefix_mask.sum(-1).tolist() == [2, 3]
    inputs = split.trunk_inputs(model, torch.tensor([0, 1]), split.ids.shape[1])
    assert int(inputs["position_ids"].max()) == 63  # padding columns repeat the last position
    with torch.no_grad():
        cut = model.base_model(**inputs).last_hidden_state[1]
        whole = model.base_model(input_ids=ids[1:]).last_hidden_state[0, 3:]
    torch.testing.assert_close(cut, whole, rtol=1e-4, atol=1e-4)
    assert split_at_subject(model, ids, mask, labels, torch.tensor([0, 3]), 0) is None  # nothing before a subject


def test_nothing_is_replayed_in_training_mode_or_for_unknown_sites(tiny_models):
    model = AutoModelForCausalLM.from_pretrained(tiny_models["gpt2"])
    site = ArchitectureAdapter(model).ffn_out_name(1)
    assert trunk_plan(model.train(), [site]).replay == 0
    assert trunk_plan(model.eval(), ["lm_head"]).replay == 0
    assert trunk_plan(model.eval(), [site]).replay == 2
