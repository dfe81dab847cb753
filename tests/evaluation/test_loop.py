"""``EditLoop``: the evaluation asks the editor's scoring LM while the edit is active, pre-edit answers are computed
once per case before any edit, and each mode applies, stacks and restores edits as documented."""

from __future__ import annotations

import pytest

from mke_lightning.editors.applied import AppliedEdit
from mke_lightning.evaluation.case_scoring import plan_queries
from mke_lightning.evaluation.lm import HFScoringLM
from mke_lightning.evaluation.loop import EditLoop
from mke_lightning.models.loading import load_causal_lm


class _Marker(AppliedEdit):
    def __init__(self, editor, cases):
        self.editor, self.cases = editor, cases

    def apply(self):
        self.editor.active.append(self.cases)

    def restore(self):
        assert self.editor.active.pop() is self.cases


class _RecordingLM(HFScoringLM):
    def __init__(self, editor):
        super().__init__(editor.model, editor.tokenizer)
        self.editor = editor

    def target_logprobs(self, prompts, targets, langs):
        self.editor.calls.append(("score", len(self.editor.active), len(prompts)))
        return super().target_logprobs(prompts, targets, langs)

    def greedy(self, prompts, budgets):
        self.editor.calls.append(("greedy", len(self.editor.active), len(prompts)))
        return super().greedy(prompts, budgets)


class _Editor:
    """The loop's view of an editor: ``edit`` and ``scoring_lm``; it records what it is asked and when."""

    def __init__(self, path):
        self.model, self.tokenizer = load_causal_lm(path)
        self.active, self.calls, self.edits = [], [], []

    def edit(self, cases, src_lang):
        self.edits.append(([c.case_id for c in cases], src_lang))
        return _Marker(self, cases)

    def scoring_lm(self, batch_size=256):
        return _RecordingLM(self)


@pytest.fixture
def editor(tiny_models):
    return _Editor(tiny_models["gpt2"])


def _run(editor, cases, mode, **kw):
    seen = []
    EditLoop(mode, **kw).run(editor, cases, ["en", "zh"], ["en", "de"], lambda src, case, scored: seen.append((src, case.case_id, scored.values)))
    return seen


def test_single_mode_scores_each_case_inside_its_own_edit(editor, small_cases):
    cases = small_cases[:3]
    seen = _run(editor, cases, "single")
    assert editor.edits == [([c.case_id], src) for src in ("en", "zh") for c in cases]
    assert [(s, c) for s, c, _ in seen] == [(src, c.case_id) for src in ("en", "zh") for c in cases]
    neighbours = sum(len(c.views[lang].neighborhood) for c in cases for lang in ("en", "de"))
    pre_edit = [n for kind, depth, n in editor.calls if kind == "greedy" and depth == 0]
    assert pre_edit == [neighbours], "pre-edit answers: once per case, before any edit, in one call"
    assert all(depth == 1 for _, depth, _ in editor.calls[1:]), "scored with exactly the case's edit active"
    assert not editor.active
    assert {"es", "ps", "ns", "loc_f1"} <= set(seen[0][2]) and set(seen[0][2]["es"]) == {"en", "de"}


def test_batch_mode_edits_the_cases_together(editor, small_cases):
    cases = small_cases[:3]
    seen = _run(editor, cases, "batch", metrics=["es", "ps"])
    assert editor.edits == [([c.case_id for c in cases], "en"), ([c.case_id for c in cases], "zh")]
    assert [kind for kind, _, _ in editor.calls] == ["score", "score"] and len(seen) == 6


def test_sequential_mode_stacks_edits_and_scores_each_window(editor, small_cases):
    cases = small_cases[:5]
    _run(editor, cases, "sequential", sequential_every=2, metrics=["es"])
    assert [depth for _, depth, _ in editor.calls] == [2, 4, 5] * 2  # windows of 2, 2, 1 edits, per language
    assert not editor.active


def test_query_plan_is_pure_and_counts_every_query(small_cases):
    case = small_cases[0]
    plan = plan_queries([case], ["en"], ["es", "ps", "ns"])
    view = case.views["en"]
    assert len(plan.contrasts) == 1 + len(view.paraphrases)
    assert len(plan.greedy) == len(view.neighborhood)
    assert plan.ranges[0]["en"] == {"es": (0, 1), "ps": (1, 1 + len(view.paraphrases)),
                                    "nb": (0, len(view.neighborhood))}


@pytest.mark.parametrize(("options", "message"), [({"mode": "serial"}, "mode must be"),
                                                  ({"sequential_every": 0}, "sequential_every"),
                                                  ({"metrics": ["es", "bleu"]}, "unknown metrics")])
def test_bad_options_are_named(options, message):
    with pytest.raises(ValueError, match=message):
        EditLoop(**options)
