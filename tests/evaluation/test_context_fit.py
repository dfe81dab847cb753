"""Evaluation texts longer than a GPT-2-family model's positions: a clear error naming case, language and field,
raised before any edit, instead of an index error deep in a forward pass."""

from __future__ import annotations

import dataclasses

import lightning as L
import pytest
from transformers import AutoModelForCausalLM, AutoTokenizer

from mke_lightning.data.datamodule import EditDataModule
from mke_lightning.data.reading import write_edit_cases
from mke_lightning.editors import UneditedEditor
from mke_lightning.evaluation import EditEvaluationCallback
from mke_lightning.evaluation.context_fit import check_fits_context
from mke_lightning.evaluation.lm import HFScoringLM, RewritingLM
from mke_lightning.models.context import absolute_positions


def _with_long_paraphrase(case, lang="en", words=80):
    view = case.views[lang]
    long = dataclasses.replace(view, paraphrases=[" ".join(["word"] * words) + " " + view.paraphrases[0]])
    return dataclasses.replace(case, views={**case.views, lang: long})


class _Limited(HFScoringLM):
    """The default scoring LM with a chosen position limit (``None``: no limit known)."""

    def __init__(self, model, tokenizer, limit):
        super().__init__(model, tokenizer)
        self.limit = limit

    def position_limit(self):
        return self.limit


def test_the_first_text_too_long_is_named(tiny_models, small_cases):
    tok = AutoTokenizer.from_pretrained(tiny_models["gpt2"])
    case = _with_long_paraphrase(small_cases[0])
    check_fits_context(_Limited(None, tok, 10_000), [case], ["en", "zh"])  # fits
    check_fits_context(_Limited(None, tok, None), [case], ["en"])  # no limit known: nothing checked
    with pytest.raises(ValueError, match=rf"case '{case.case_id}', language 'en', field paraphrases\[0\]: .* 64 positions"):
        check_fits_context(_Limited(None, tok, 64), [case], ["zh", "en"])
    with pytest.raises(ValueError, match=r"field prompt"):  # the edit prompt + answer is measured too
        check_fits_context(_Limited(None, tok, 3), [case], ["en"])


def test_the_check_measures_the_prompts_the_scoring_lm_feeds_its_model(tiny_models, small_cases):
    """A prompt that fits on its own but not once an editor puts text before it (IKE's demonstrations) is refused,
    named by the field the user wrote."""
    model = AutoModelForCausalLM.from_pretrained(tiny_models["gpt2"])
    tok = AutoTokenizer.from_pretrained(tiny_models["gpt2"])
    plain = HFScoringLM(model, tok)
    assert plain.position_limit() == 64
    check_fits_context(plain, [small_cases[0]], ["en"])
    rewritten = RewritingLM(plain, lambda prompts: [" ".join(["word"] * 70) + " " + p for p in prompts])
    with pytest.raises(ValueError, match=rf"case '{small_cases[0].case_id}', language 'en', field prompt"):
        check_fits_context(rewritten, [small_cases[0]], ["en"])


def test_only_absolute_position_models_are_checked(tiny_models):
    assert absolute_positions(AutoModelForCausalLM.from_pretrained(tiny_models["gpt2"])) == 64
    assert absolute_positions(AutoModelForCausalLM.from_pretrained(tiny_models["llama"])) is None


def test_the_evaluation_loop_refuses_before_editing(tiny_models, small_cases, tmp_path):
    path = tmp_path / "cases.jsonl"
    write_edit_cases([small_cases[0], _with_long_paraphrase(small_cases[1], "de")], path)
    dm = EditDataModule(test_path=str(path), languages=["en", "de", "zh"], edit_languages=["en"])
    trainer = L.Trainer(accelerator="cpu", devices=1, logger=False, callbacks=[EditEvaluationCallback()],
                        enable_progress_bar=False, enable_model_summary=False)
    with pytest.raises(ValueError, match=rf"case '{small_cases[1].case_id}', language 'de', field paraphrases\[0\]"):
        trainer.test(UneditedEditor(tiny_models["gpt2"]), datamodule=dm)
