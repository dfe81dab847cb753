"""MEMIT / PMET: the layer-spread solve, the one-layer least-squares case, PMET's differences, M-variants."""

from __future__ import annotations

from dataclasses import replace

import pytest
import torch

from mke_lightning.editors import MemitEditor, MMemitEditor, PmetEditor
from mke_lightning.editors.memit import spread_update
from mke_lightning.editors.pmet.editor import PMET_OPTIMIZATION
from mke_lightning.editors.shared.context_templates import ContextTemplateOptions
from mke_lightning.editors.shared.covariance import CovarianceOptions
from mke_lightning.editors.shared.keys import io_at_subject
from mke_lightning.editors.shared.target_optimization import TargetOptimization
from mke_lightning.models.adapter import ArchitectureAdapter


def _editor(cls, path, tmp_path, **kw):
    fast = {"optimization": TargetOptimization(v_num_grad_steps=4),
            "templates": ContextTemplateOptions(n_per_seed=1, lengths=(3,)),
            "covariance": CovarianceOptions(n_samples=64, cache_dir=str(tmp_path))}
    editor = cls(model_name_or_path=path, **{**fast, **kw})
    editor.configure_model()
    return editor


def test_spread_update_without_covariance_is_least_squares():
    g = torch.Generator().manual_seed(0)
    keys, residuals = torch.randn(5, 12, generator=g, dtype=torch.float64), torch.randn(5, 7, generator=g,
                                                                                        dtype=torch.float64)
    delta = spread_update(keys, residuals, None, 0.0)
    lstsq = torch.linalg.lstsq(keys, residuals, driver="gelsd").solution.T  # min-norm solution of K Δᵀ = R
    assert torch.allclose(delta, lstsq, atol=1e-10)
    assert torch.allclose(delta @ keys.T, residuals.T, atol=1e-10)


def test_spread_update_with_covariance_solves_the_normal_equations():
    g = torch.Generator().manual_seed(1)
    keys, residuals = torch.randn(3, 6, generator=g, dtype=torch.float64), torch.randn(3, 4, generator=g,
                                                                                       dtype=torch.float64)
    a = torch.randn(6, 6, generator=g, dtype=torch.float64)
    cov = a @ a.T / 6 + torch.eye(6, dtype=torch.float64)
    delta = spread_update(keys, residuals, cov, 2.0)
    # ΔW (λC + KᵀK) = R K  (keys as rows here)
    assert torch.allclose(delta @ (2.0 * cov + keys.T @ keys), residuals.T @ keys, atol=1e-10)


@pytest.mark.parametrize("arch", ["gpt2", "llama"])
def test_one_layer_without_covariance_reaches_the_target_residual(arch, tiny_models, small_cases, tmp_path):
    editor = _editor(MemitEditor, tiny_models[arch], tmp_path, layers=[1], mom2_adjustment=False,
                     templates=ContextTemplateOptions(n_per_seed=0))  # only "{}": the key is the plain prompt's key
    requests = editor.requests(small_cases[:3], "en")
    new = editor.compute_new_weights(requests)
    adapter = ArchitectureAdapter(editor.base_model)
    assert list(new) == [adapter.ffn_out_name(1) + ".weight"]
    site = adapter.block_name(1)
    from mke_lightning.editors.shared.target_optimization import optimize_targets

    z = optimize_targets(editor.base_model, editor.tokenizer, requests, editor.template_groups(requests),
                         editor.kl_prompts(requests), [site], editor.optimization).target(site)
    from mke_lightning.editors.applied import WeightEdit

    with WeightEdit(editor.base_model, new):
        reached = io_at_subject(editor.base_model, editor.tokenizer, [site], [r.prompt for r in requests],
                                [r.subject for r in requests])[site][1]
    assert torch.allclose(reached, z, rtol=1e-4, atol=1e-3)


def test_mom2_adjustment_and_weight_are_honoured(tiny_models, small_cases, tmp_path):
    results = {}
    for key, kw in {"off": {"mom2_adjustment": False}, "on": {}, "on_heavy": {"mom2_update_weight": 1e6}}.items():
        editor = _editor(MemitEditor, tiny_models["gpt2"], tmp_path, layers=[0, 1], **kw)
        new = editor.compute_new_weights(editor.requests(small_cases[:2], "en"))
        params = dict(editor.base_model.named_parameters())
        results[key] = {n: (v - params[n]).norm().item() for n, v in new.items()}
    assert results["off"] != results["on"]
    # a larger λ keeps the update closer to the original weights
    assert all(results["on_heavy"][n] < results["on"][n] for n in results["on"])


def test_pmet_optimises_attention_and_ffn_but_updates_ffn_only(tiny_models, small_cases, tmp_path):
    editor = _editor(PmetEditor, tiny_models["llama"], tmp_path, layers=[0, 1],
                     optimization=replace(PMET_OPTIMIZATION, v_num_grad_steps=4))
    adapter = ArchitectureAdapter(editor.base_model)
    assert editor.optimization_sites(adapter, 1) == [adapter.attn_out_name(1), adapter.ffn_out_name(1)]
    assert editor.adaptive_nll and not MemitEditor.adaptive_nll
    assert editor.spread(4) == 2.0 and MemitEditor.spread(editor, 4) == 4.0
    new = editor.compute_new_weights(editor.requests(small_cases[:2], "en"))
    assert sorted(new) == sorted(adapter.ffn_out_name(layer) + ".weight" for layer in (0, 1))


def test_m_memit_batches_every_language(tiny_models, small_cases, tmp_path):
    editor = _editor(MMemitEditor, tiny_models["gpt2"], tmp_path, layers=[1], mom2_adjustment=False)
    cases = small_cases[:2]
    requests = editor.requests(cases, "zh")
    assert len(requests) == sum(len(c.views) for c in cases)
    assert {(r.lang, r.target) for r in requests} == {(lang, v.target_new) for c in cases for lang, v in c.views.items()}


def test_layers_must_not_be_empty(tiny_models):
    with pytest.raises(ValueError, match="layers"):
        MemitEditor(model_name_or_path=tiny_models["gpt2"], layers=[])


def test_pmet_changes_only_the_optimisation_defaults():
    pmet, memit = PmetEditor(), MemitEditor()
    assert pmet.optimization == TargetOptimization(v_num_grad_steps=30, v_lr=0.2, kl_factor=1.0)
    assert memit.optimization == TargetOptimization()
    assert pmet.templates.options == memit.templates.options and pmet.covariance.options == memit.covariance.options
    assert pmet.layers == memit.layers and pmet.mom2_update_weight == memit.mom2_update_weight


def _parsed_model(tmp_path, *args):
    from mke_lightning.experiment import MkeCLI

    cases = tmp_path / "cases.jsonl"
    cases.write_text("")
    cli = MkeCLI(args=["--model", "mke_lightning.editors.PmetEditor", *args,
                       "--data", "mke_lightning.data.EditDataModule", "--data.init_args.test_path", str(cases),
                       "--trainer.logger", "false"], run=False)
    return cli.config["model"]["init_args"], cli.model


def test_a_partial_group_override_keeps_pmets_other_defaults(tmp_path):
    init_args, model = _parsed_model(tmp_path, "--model.init_args.optimization.v_lr", "2")
    assert init_args["optimization"]["v_lr"] == 2.0
    assert model.optimization == TargetOptimization(v_num_grad_steps=30, v_lr=2.0, kl_factor=1.0)
    config = tmp_path / "pmet.yaml"
    config.write_text("model:\n  class_path: mke_lightning.editors.PmetEditor\n  init_args:\n"
                      "    optimization: {v_lr: 2.0}\n    covariance: {n_samples: 7}\n")
    _, model = _parsed_model(tmp_path, "--config", str(config))
    assert model.optimization == TargetOptimization(v_num_grad_steps=30, v_lr=2.0, kl_factor=1.0)
    assert model.covariance.options == CovarianceOptions(n_samples=7)
