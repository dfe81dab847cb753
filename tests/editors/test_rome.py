"""ROME / M-ROME: the edited layer maps k* to v*, the covariance option is honoured, M-ROME writes every language."""

from __future__ import annotations

import pytest
import torch

from mke_lightning.editors import MRomeEditor, RomeEditor
from mke_lightning.editors.shared.context_templates import ContextTemplateOptions
from mke_lightning.editors.shared.covariance import CovarianceOptions
from mke_lightning.editors.shared.target_optimization import TargetOptimization
from mke_lightning.models.adapter import ArchitectureAdapter


def _editor(cls, path, tmp_path, **kw):
    fast = {"optimization": TargetOptimization(v_num_grad_steps=4),
            "templates": ContextTemplateOptions(n_per_seed=1, lengths=(3,)),
            "covariance": CovarianceOptions(n_samples=64, cache_dir=str(tmp_path))}
    editor = cls(model_name_or_path=path, layer=1, **{**fast, **kw})
    editor.configure_model()
    return editor


@pytest.mark.parametrize("arch", ["gpt2", "llama"])
@pytest.mark.parametrize("mom2", [True, False])
def test_edited_layer_maps_key_to_value(arch, mom2, tiny_models, small_cases, tmp_path):
    editor = _editor(RomeEditor, tiny_models[arch], tmp_path, mom2_adjustment=mom2)
    edit = editor.edit(small_cases[:1], "en")
    update = editor.last_updates[0]
    module = ArchitectureAdapter(editor.base_model).ffn_out(1)
    with edit, torch.no_grad():
        out = module(update.key.float().unsqueeze(0))[0].double()
    rel = (out - update.value).norm() / update.value.norm()
    assert rel <= 1e-4
    # and the unedited layer does not already do so (the test would pass vacuously otherwise)
    with torch.no_grad():
        before = module(update.key.float().unsqueeze(0))[0].double()
    assert (before - update.value).norm() / update.value.norm() > 1e-3


def test_mom2_adjustment_changes_the_update(tiny_models, small_cases, tmp_path):
    on = _editor(RomeEditor, tiny_models["gpt2"], tmp_path, mom2_adjustment=True)
    off = _editor(RomeEditor, tiny_models["gpt2"], tmp_path, mom2_adjustment=False)
    request = on.requests(small_cases[:1], "en")[0]
    d_on, d_off = on.compute_update(request).delta, off.compute_update(request).delta
    assert not torch.allclose(d_on, d_off, rtol=1e-3)
    # without the adjustment the update is rank one along k̄ itself: its rows are parallel to the key direction
    assert torch.linalg.matrix_rank(d_off) == 1 and torch.linalg.matrix_rank(d_on) == 1
    assert on.covariance.last_report["computed"] == [1]  # statistics really were read for the on-editor


def test_m_rome_writes_every_language(tiny_models, small_cases, tmp_path):
    editor = _editor(MRomeEditor, tiny_models["gpt2"], tmp_path, mom2_adjustment=False)
    assert MRomeEditor.uses_parallel_views and not RomeEditor.uses_parallel_views
    case = small_cases[0]
    editor.edit([case], "en")
    assert [u.value.shape for u in editor.last_updates] and len(editor.last_updates) == len(case.views)
    assert sorted(r.lang for r in editor.requests([case], "en")) == sorted(case.views)


def test_rome_option_validation(tiny_models, tmp_path):
    with pytest.raises(ValueError, match=r"option model\.optimization\.v_num_grad_steps: must be >= 1, got 0"):
        RomeEditor(model_name_or_path=tiny_models["gpt2"], optimization={"v_num_grad_steps": 0})


def test_groups_given_as_dicts_equal_the_dataclasses(tiny_models):
    """Checkpoint hyperparameters come back as plain dicts: they build the same groups, and are saved as dicts."""
    editor = RomeEditor(model_name_or_path=tiny_models["gpt2"], optimization={"v_lr": 2.0},
                        templates={"n_per_seed": 1, "lengths": [10]}, covariance={"n_samples": 5})
    assert editor.optimization == TargetOptimization(v_lr=2.0)
    assert editor.templates.options == ContextTemplateOptions(n_per_seed=1, lengths=(10,))
    assert editor.covariance.options == CovarianceOptions(n_samples=5)
    again = RomeEditor(**editor.hparams)
    assert again.optimization == editor.optimization and again.templates.options == editor.templates.options
    assert editor.hparams["templates"] == {"n_per_seed": 1, "lengths": [10], "seeds": None}


def test_old_flat_hparams_are_upgraded_into_groups():
    old = {"model_name_or_path": "m", "layer": 0, "v_lr": 2.0, "v_num_grad_steps": 100, "mom2_n_samples": 10,
           "context_templates_per_seed": 1, "context_template_lengths": None, "cache_dir": "/c"}
    assert RomeEditor.upgrade_hparams(old) == {
        "model_name_or_path": "m", "layer": 0, "optimization": {"v_lr": 2.0, "v_num_grad_steps": 100},
        "covariance": {"n_samples": 10, "cache_dir": "/c"}, "templates": {"n_per_seed": 1}}
