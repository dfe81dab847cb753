"""The editor contract, for every registered editor and the two seam editors: inside the edit the system scores the
new target differently, and after it the weights, the hooks, the editor's memory and the prompts the model reads are
exactly what they were (asked through ``scoring_lm()``, as the evaluation asks).

A new editor joins by registering; ``fast_test_options`` on its class makes its edit quick on the tiny models.
"""

from __future__ import annotations

import pytest
import torch
from seam_editors import SEAM_EDITORS

from mke_lightning.editors import EDITORS
from mke_lightning.models.hooks import has_hooks

ALL_EDITORS = {**EDITORS, **SEAM_EDITORS}


def _state(model):
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def _answers(editor, view):
    """What the evaluation would read: log P(target_new), log P(target_true), a greedy answer, the prompt seen."""
    lm = editor.scoring_lm()
    new, true = lm.target_logprobs([view.prompt], [[view.target_new, view.target_true]], ["en"])[0].tolist()
    return new, true, lm.greedy([view.prompt], [3])[0], lm.seen_prompts([view.prompt])[0]


@pytest.mark.parametrize("arch", ["gpt2", "llama"])
@pytest.mark.parametrize("name", sorted(ALL_EDITORS))
def test_edit_moves_the_score_inside_and_restores_everything_after(name, arch, tiny_models, small_cases):
    cls = ALL_EDITORS[name]
    editor = cls(model_name_or_path=tiny_models[arch], **cls.fast_test_options)
    editor.configure_model()
    model, view = editor.base_model, small_cases[0].views["en"]
    before, state = _answers(editor, view), _state(model)
    edit = editor.edit(small_cases[:2], "en")
    assert all(torch.equal(state[k], v) for k, v in model.state_dict().items()), "edit() must not leave changes"
    assert not has_hooks(model) and _answers(editor, view) == before, "an edit is applied only on entry"
    with edit:
        inside = _answers(editor, view)
    if name == "unedited":
        assert inside == before
    else:
        assert inside[0] != before[0], "the edit prompt's score for target_new must move inside the edit"
    after = _state(model)
    assert after.keys() == state.keys()
    assert all(torch.equal(state[k], after[k]) for k in state), "weights are not restored bit for bit"
    assert not has_hooks(model), "a hook outlived the edit"
    assert all(not p.requires_grad and p.grad is None for p in model.parameters())
    assert _answers(editor, view) == before, "scores, answers or prompts differ after the edit"


def test_nested_edits_restore_in_order(tiny_models, small_cases):
    editor = EDITORS["ft_m"](model_name_or_path=tiny_models["gpt2"], **EDITORS["ft_m"].fast_test_options)
    editor.configure_model()
    before = _state(editor.base_model)
    with editor.edit(small_cases[:1], "en"):
        middle = _state(editor.base_model)
        with editor.edit(small_cases[1:2], "zh"):
            pass
        assert all(torch.equal(middle[k], v) for k, v in editor.base_model.state_dict().items())
    assert all(torch.equal(before[k], v) for k, v in editor.base_model.state_dict().items())


def test_leaving_nested_edits_out_of_order_is_an_error(tiny_models, small_cases):
    editor = EDITORS["ft_m"](model_name_or_path=tiny_models["gpt2"], **EDITORS["ft_m"].fast_test_options)
    editor.configure_model()
    before = _state(editor.base_model)
    outer, inner = editor.edit(small_cases[:1], "en"), editor.edit(small_cases[1:2], "en")
    outer.__enter__()
    inner.__enter__()
    with pytest.raises(RuntimeError, match="innermost first"):
        outer.__exit__(None, None, None)
    inner.__exit__(None, None, None)
    outer.__exit__(None, None, None)
    assert all(torch.equal(before[k], v) for k, v in editor.base_model.state_dict().items())
