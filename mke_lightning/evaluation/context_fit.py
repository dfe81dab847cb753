"""Do the evaluation texts fit the model's positions?

A model with learned absolute positions and a short context (the GPT-2 world model has 64; real benchmark prompts
can be longer) would otherwise fail deep inside a forward pass with an index error that names nothing. Before an
applied edit is scored, every text the scoring LM feeds its model, the prompt as the model really reads it
(``ScoringLM.seen_prompts``: an editor may put demonstrations or the new fact before it) followed by one of its
scored or generated answers (with the language's separator, tokenized apart as the scorers do), is measured
against ``ScoringLM.position_limit()``, and the first one too long is reported with its case, language and field.

Decisions: an error, not a silent truncation (cutting the prompt's start changes the question) nor a skip (cases
would be lost unseen); only models with ``config.n_positions`` (GPT-2 family) have a limit
(:func:`~mke_lightning.models.context.absolute_positions`): rotary and ALiBi models (LLaMA, Qwen, BLOOM, ...) run
past their nominal length, so nothing stops them there.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from mke_lightning.data.languages import target_separator
from mke_lightning.data.schema import EditCase
from mke_lightning.evaluation.lm import ScoringLM


def _scored_texts(case: EditCase, lang: str) -> Iterator[tuple[str, str, str]]:
    """``(field, prompt, answer)`` of every text the evaluation feeds the model for one language view."""
    view = case.views[lang]
    answers = [view.target_new] + ([view.target_true] if view.target_true is not None else [])
    for answer in answers:
        yield "prompt", view.prompt, answer
        for i, text in enumerate(view.paraphrases):
            yield f"paraphrases[{i}]", text, answer
    for i, qa in enumerate(view.neighborhood):
        yield f"neighborhood[{i}]", qa.prompt, qa.answer
    for i, qa in enumerate(view.multihop):
        yield f"multihop[{i}]", qa.prompt, qa.answer


def check_fits_context(lm: ScoringLM, cases: Sequence[EditCase], langs: Sequence[str]) -> None:
    """Raise ``ValueError`` naming the case, language and field of the first prompt + answer, as ``lm`` feeds them
    to its model, longer than ``lm.position_limit()`` tokens (``None``: no limit known, nothing checked)."""
    limit = lm.position_limit()
    if limit is None:
        return
    rows = [(case.case_id, lang, field, prompt, answer)
            for case in cases for lang in langs if lang in case.views
            for field, prompt, answer in _scored_texts(case, lang)]
    if not rows:
        return
    tokenizer = lm.tokenizer
    prompts = tokenizer(lm.seen_prompts([r[3] for r in rows]))["input_ids"]
    answers = tokenizer([target_separator(r[1]) + r[4] for r in rows], add_special_tokens=False)["input_ids"]
    for (case_id, lang, field, _, _), p, a in zip(rows, prompts, answers):
        if len(p) + len(a) > limit:
            raise ValueError(
                f"case {case_id!r}, language {lang!r}, field {field}: prompt + answer take {len(p) + len(a)} tokens, "
                f"more than the model's {limit} positions; use a model with a longer context or leave such cases out")
