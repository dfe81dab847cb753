"""The batched single mode (``edit_batch_size`` > 1): every editor gives each case the values it gets when its edit
is computed alone (B = 1), the model is restored, and the editors that batch really compute the edits together."""

from __future__ import annotations

from dataclasses import replace

import pytest
import torch

from mke_lightning.editors import EDITORS
from mke_lightning.editors.ft.per_row import per_row_parameters
from mke_lightning.evaluation.loop import EditLoop

SRC, TGT = ["en", "zh"], ["en", "de", "zh"]


def _values(editor, cases, edit_batch_size: int) -> dict[tuple, float]:
    seen = {}

    def record(src, case, scored):
        for metric, per_lang in scored.values.items():
            for tgt, value in per_lang.items():
                seen[(src, case.case_id, metric, tgt)] = value

    EditLoop("single", edit_batch_size=edit_batch_size).run(editor, cases, SRC, TGT, record)
    return seen


def _editor(name, model_path, **options):
    cls = EDITORS[name]
    editor = cls(model_name_or_path=model_path, **{**cls.fast_test_options, **options})
    editor.configure_model()
    return editor


def _assert_same(alone: dict, together: dict) -> None:
    assert alone.keys() == together.keys() and alone
    worst = max(abs(alone[k] - together[k]) for k in alone)
    assert worst <= 1e-5, f"largest difference {worst}"
    decisions = [k for k in alone if k[2] in ("es", "ps")]
    assert decisions and all(alone[k] == together[k] for k in decisions)


@pytest.mark.parametrize("name", sorted(EDITORS))
def test_every_editor_gives_each_case_its_values_alone(name, tiny_models, small_cases):
    editor = _editor(name, tiny_models["gpt2"])
    before = {k: v.clone() for k, v in editor.base_model.state_dict().items()}
    cases = small_cases[:4]
    _assert_same(_values(editor, cases, 1), _values(editor, cases, 3))  # groups of 3 and 1: both paths
    assert all(torch.equal(before[k], v) for k, v in editor.base_model.state_dict().items())


@pytest.mark.parametrize(("name", "options"), [
    ("rome", {}), ("memit", {}), ("pmet", {}),
    ("ft_m", {"num_steps": 12, "lr": 0.3, "early_stop_loss": 5.6}),  # some cases stop early, others run on
    ("ft_l", {"num_steps": 6}),
])
def test_longer_edits_on_the_llama_model(name, options, tiny_models, small_cases):
    if name in ("rome", "memit", "pmet"):
        base = EDITORS[name].fast_test_options["optimization"]
        options = {"optimization": replace(base, v_num_grad_steps=10, early_stop_loss=1.0)}
    editor = _editor(name, tiny_models["llama"], **options)
    _assert_same(_values(editor, small_cases[:5], 1), _values(editor, small_cases[:5], 5))
    if name == "ft_m":  # the early stop really splits the batch: cases alone take different numbers of steps
        steps = set()
        for case in small_cases[:5]:
            editor.edit([case], "en")
            steps.add(len(editor.last_losses))
        assert len(steps) > 1


def test_batching_editors_compute_the_edits_in_one_call(tiny_models, small_cases, monkeypatch):
    """ROME's batch optimises every case's v* in one call (the speed-up), not once per case."""
    import mke_lightning.editors.rome.editor as rome_module

    calls = []
    original = rome_module.optimize_targets

    def counting(*args, **kwargs):
        calls.append(len(args[2]))
        return original(*args, **kwargs)

    monkeypatch.setattr(rome_module, "optimize_targets", counting)
    editor = _editor("rome", tiny_models["gpt2"])
    edits = editor.edit_each(small_cases[:4], "en")
    assert len(edits) == 4 and calls == [4]


@pytest.mark.parametrize("arch", ["gpt2", "llama"])
def test_per_row_parameters_give_each_row_its_copy(arch, tiny_models):
    from transformers import AutoModelForCausalLM

    from mke_lightning.models.adapter import ArchitectureAdapter

    model = AutoModelForCausalLM.from_pretrained(tiny_models[arch])
    name = ArchitectureAdapter(model).ffn_out_name(1)
    names = [f"{name}.weight"] + ([f"{name}.bias"] if model.get_submodule(name).bias is not None else [])
    ids = torch.randint(3, 100, (3, 7))
    with torch.no_grad():
        plain = model(input_ids=ids).logits
        with per_row_parameters(model, names, 3) as copies:
            same = model(input_ids=ids).logits
            copies[names[0]][1].mul_(1.5)  # only row 1 changes
            changed = model(input_ids=ids).logits
    torch.testing.assert_close(same, plain, rtol=1e-5, atol=1e-5)
    torch.testing.assert_close(changed[[0, 2]], plain[[0, 2]], rtol=1e-5, atol=1e-5)
    assert not torch.allclose(changed[1], plain[1])
    with torch.no_grad():
        torch.testing.assert_close(model(input_ids=ids).logits, plain)  # hooks gone


def test_edit_batch_size_is_checked():
    from mke_lightning.evaluation import EditEvaluationCallback

    with pytest.raises(ValueError, match="edit_batch_size must be >= 1"):
        EditLoop("single", edit_batch_size=0)
    with pytest.raises(ValueError, match="applies to mode single"):
        EditEvaluationCallback(mode="batch", edit_batch_size=4)


def test_rows_of_one_forward_each_get_their_own_cases_edit(tiny_models, small_cases):
    """RowWeightEdit: one batched scoring call answers as each case's own WeightEdit does, and a forward whose rows
    were not reported is refused."""
    from mke_lightning.editors.row_weights import RowWeightEdit

    editor = _editor("ft_m", tiny_models["gpt2"], num_steps=5, lr=5e-2)
    cases = small_cases[:3]
    edits = editor.edit_each(cases, "en")
    views = [c.views["en"] for c in cases]
    alone = []
    for view, applied in zip(views, edits):
        with applied:
            lm = editor.scoring_lm()
            alone.append(lm.target_logprobs([view.prompt], [[view.target_new, view.target_true]], ["en"])[0])
            alone[-1] = (alone[-1], lm.greedy([view.prompt], [3])[0])
    combined = editor.scored_together(edits)
    assert isinstance(combined, RowWeightEdit)
    with combined:
        lm = combined.scoring_lm()
        combined.use([2, 1, 0])  # queries in reverse case order
        scores = lm.target_logprobs([v.prompt for v in views[::-1]],
                                    [[v.target_new, v.target_true] for v in views[::-1]], ["en"] * 3)
        answers = lm.greedy([v.prompt for v in views[::-1]], [3] * 3)
        with pytest.raises(RuntimeError, match="batch rows"):
            combined.rows = torch.zeros(0, dtype=torch.long)
            editor.base_model(input_ids=torch.tensor([[1, 5, 6]]))
    for (logps, answer), got, got_answer in zip(alone, scores[::-1], answers[::-1]):
        torch.testing.assert_close(got, logps, rtol=1e-5, atol=1e-5)
        assert got_answer == answer
    assert not (alone[0][0] == alone[1][0]).all()  # the cases' edits differ


def test_rows_of_a_case_need_not_be_next_to_each_other(tiny_models, small_cases):
    """RowWeightEdit groups the rows of one forward by case (weight and bias deltas): rows routed to cases 0, 2, 1,
    0, 2 each get the logits their case's own weight edit gives."""
    from mke_lightning.editors.row_weights import RowWeightEdit

    editor = _editor("ft_m", tiny_models["gpt2"], num_steps=5, lr=5e-2, train_bias=True)
    edits = editor.edit_each(small_cases[:3], "en")
    assert any(name.endswith(".bias") for name in edits[0].new_values)
    ids = torch.randint(3, 100, (5, 6))
    route = [0, 2, 1, 0, 2]
    alone = []
    for row, case in enumerate(route):
        with edits[case], torch.no_grad():
            alone.append(editor.base_model(input_ids=ids[row:row + 1]).logits[0])
    combined = RowWeightEdit(editor.base_model, editor.tokenizer, edits)
    with combined, torch.no_grad():
        combined.use(route)
        combined._on_rows(range(5))
        together = editor.base_model(input_ids=ids).logits
    torch.testing.assert_close(together, torch.stack(alone), rtol=1e-5, atol=1e-5)
    assert not torch.allclose(alone[0], alone[1], atol=1e-4)  # the cases' edits differ
