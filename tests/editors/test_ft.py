"""FT-L / FT-M: options are read (layers, norm constraint, steps, objective, SSS) and the edit learns the target."""

from __future__ import annotations

import pytest
import torch

from mke_lightning.editors import FTLEditor, FTMEditor
from mke_lightning.evaluation.scorer import score_targets


def _editor(cls, path, **kw):
    editor = cls(model_name_or_path=path, **kw)
    editor.configure_model()
    return editor


def test_only_the_configured_layers_change(tiny_models, small_cases):
    editor = _editor(FTMEditor, tiny_models["llama"], layers=[0, 2], num_steps=2)
    edit = editor.edit(small_cases[:1], "en")
    assert set(edit.new_values) == {"model.layers.0.mlp.down_proj.weight", "model.layers.2.mlp.down_proj.weight"}


def test_norm_constraint_bounds_the_change(tiny_models, small_cases):
    eps = 1e-3
    editor = _editor(FTLEditor, tiny_models["gpt2"], layers=[1], num_steps=5, lr=1e-2, norm_constraint=eps)
    name = "transformer.h.1.mlp.c_proj.weight"
    w0 = dict(editor.base_model.named_parameters())[name].detach().clone()
    delta = (editor.edit(small_cases[:1], "en").new_values[name] - w0).abs().max()
    assert 0 < float(delta) <= eps + 1e-7
    free = _editor(FTLEditor, tiny_models["gpt2"], layers=[1], num_steps=5, lr=1e-2, norm_constraint=None)
    assert float((free.edit(small_cases[:1], "en").new_values[name] - w0).abs().max()) > 2 * eps


def test_ft_m_raises_target_probability_and_num_steps_is_read(tiny_models, small_cases):
    view = small_cases[0].views["de"]
    editor = _editor(FTMEditor, tiny_models["gpt2"], layers=[1], num_steps=20, lr=5e-3, early_stop_loss=0.0)
    model, tok = editor.base_model, editor.tokenizer
    before = score_targets(model, tok, [view.prompt], [view.target_new], ["de"])
    with editor.edit(small_cases[:1], "de"):
        after = score_targets(model, tok, [view.prompt], [view.target_new], ["de"])
    assert len(editor.last_losses) == 20 and editor.last_losses[-1] < editor.last_losses[0]
    assert float(after) > float(before) + 0.5


def test_objectives_differ_and_sss_changes_the_update(tiny_models, small_cases):
    path = tiny_models["gpt2"]
    name = "transformer.h.1.mlp.c_proj.weight"
    results = {}
    for label, kw in {"target_new": {}, "prompt_last": {"objective": "prompt_last"}, "sss": {"sss_weight": 0.9}}.items():
        editor = _editor(FTMEditor, path, layers=[1], num_steps=2, early_stop_loss=0.0, **kw)
        results[label] = editor.edit(small_cases[:1], "en").new_values[name]
    assert not torch.equal(results["target_new"], results["prompt_last"])
    assert not torch.equal(results["target_new"], results["sss"])


def test_bad_options_are_named():
    with pytest.raises(ValueError, match="model.objective"):
        FTMEditor(objective="nope")
    with pytest.raises(ValueError, match="model.num_steps"):
        FTMEditor(num_steps=0)
