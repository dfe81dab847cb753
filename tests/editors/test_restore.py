"""Every registered editor: the edit is really applied inside the context and really gone after it, bit for bit.

New editors join this test by registering; an editor that needs training first provides ``prepare_for_test``.
"""

from __future__ import annotations

import pytest
import torch

from mke_lightning.editors import EDITORS

_LOCATE = {"v_num_grad_steps": 3, "context_templates_per_seed": 0, "mom2_adjustment": False}
FAST_OPTIONS = {"ft_l": {"num_steps": 3, "layers": [1]}, "ft_m": {"num_steps": 3, "layers": [1]},
                **{name: {**_LOCATE, "layers": [0, 1]} for name in ("memit", "m_memit", "pmet", "m_pmet")},
                **{name: {**_LOCATE, "layer": 1} for name in ("rome", "m_rome")}}


def _state(model):
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


@pytest.mark.parametrize("arch", ["gpt2", "llama"])
@pytest.mark.parametrize("name", sorted(EDITORS))
def test_edit_applies_then_restores_bit_for_bit(name, arch, tiny_models, small_cases):
    editor = EDITORS[name](model_name_or_path=tiny_models[arch], **FAST_OPTIONS.get(name, {}))
    editor.configure_model()
    model, tok = editor.base_model, editor.tokenizer
    before = _state(model)
    ids = tok([small_cases[0].views["en"].prompt], return_tensors="pt")
    logits_before = model(**ids).logits
    edit = editor.edit(small_cases[:2], "en")
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items()), "edit() must not leave changes"
    with edit:
        changed = [k for k, v in model.state_dict().items() if not torch.equal(before[k], v)]
        logits_inside = model(**ids).logits
    if name == "unedited":
        assert not changed and torch.equal(logits_inside, logits_before)
    else:
        assert changed and not torch.equal(logits_inside, logits_before)
    after = _state(model)
    assert after.keys() == before.keys()
    assert all(torch.equal(before[k], after[k]) for k in before), "restore is not bit-exact"
    assert all(not p.requires_grad for p in model.parameters())
    assert torch.equal(model(**ids).logits, logits_before)


def test_nested_edits_restore_in_order(tiny_models, small_cases):
    editor = EDITORS["ft_m"](model_name_or_path=tiny_models["gpt2"], num_steps=2)
    editor.configure_model()
    before = _state(editor.base_model)
    with editor.edit(small_cases[:1], "en"):
        middle = _state(editor.base_model)
        with editor.edit(small_cases[1:2], "zh"):
            pass
        assert all(torch.equal(middle[k], v) for k, v in editor.base_model.state_dict().items())
    assert all(torch.equal(before[k], v) for k, v in editor.base_model.state_dict().items())
