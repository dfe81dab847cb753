"""``mke edit --config X.yaml``: edit one fact and show what the model answers before and after, in every language.

The case is given as flags (``--subject --prompt --target_new [--target_true] --lang``) or as a unified-schema
JSON/JSONL record (``--case FILE [--index N]``, which may carry paraphrases, neighbours and multi-hop questions in
several languages). For each language view, the edit prompt, the paraphrases, the neighbourhood prompts and the
multi-hop questions are asked before and inside ``editor.edit([case], lang)`` through the editor's ``scoring_lm``
(the scoring seam the evaluation uses, so an editor that rewrites or routes prompts answers as it is scored):
the greedy answer, and on the edit prompt and paraphrases the mean-token log P(target_new) and log P(target_true).
The model is restored when the edit is left. A trained editor loads its checkpoint with ``--ckpt_path``.

Decision: greedy answers get ``max_new_tokens`` tokens (default: the reference's token length plus 4, so a
longer answer shows), not the evaluation's exact reference budget: this view is for reading, not for scoring.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

from mke_lightning.commands.output import write_json


@dataclass
class Row:
    """One question of the edit, before and after."""

    lang: str
    kind: str  # prompt, paraphrase, neighbor, multihop
    prompt: str
    reference: str | None
    before: str
    after: str
    logp_new: tuple[float, float] | None = None  # (before, after)
    logp_true: tuple[float, float] | None = None


def _case_from(case: str | None, index: int, subject, prompt, target_new, target_true, lang):
    from mke_lightning.data.reading import cases_from_records, load_records

    if case is not None:
        cases, _ = cases_from_records(load_records(case), source=case)
        if not 0 <= index < len(cases):
            raise ValueError(f"--index {index}: {case} has {len(cases)} cases")
        return cases[index]
    missing = [name for name, value in (("--subject", subject), ("--prompt", prompt), ("--target_new", target_new))
               if not value]
    if missing:
        raise ValueError(f"give the case as --case FILE, or as flags: missing {', '.join(missing)}")
    view = {"subject": subject, "prompt": prompt, "target_new": target_new, "target_true": target_true}
    cases, _ = cases_from_records([{"case_id": "cli", "views": {lang: view}}], source="the command line")
    return cases[0]


def _questions(view) -> list[tuple[str, str, str | None, bool]]:
    """``(kind, prompt, reference, contrast)`` of a view: contrast rows get log P(new) / log P(true)."""
    rows = [("prompt", view.prompt, view.target_new, True)]
    rows += [("paraphrase", p, view.target_new, True) for p in view.paraphrases]
    rows += [("neighbor", qa.prompt, qa.answer, False) for qa in view.neighborhood]
    rows += [("multihop", qa.prompt, qa.answer, False) for qa in view.multihop]
    return rows


def _ask(lm, view, lang: str, max_new_tokens: int | None):
    """Greedy answers and (log P(new), log P(true)) of a view's questions from ``lm``."""
    from mke_lightning.evaluation.case_scoring import answer_budgets

    questions = _questions(view)
    prompts = [q[1] for q in questions]
    if max_new_tokens:
        budgets = [max_new_tokens] * len(prompts)
    else:
        budgets = [n + 4 for n in answer_budgets(lm.tokenizer, [q[2] or "" for q in questions], [lang] * len(prompts),
                                                 None)]
    answers = lm.greedy(prompts, budgets)
    targets = [view.target_new] + ([view.target_true] if view.target_true else [])
    contrast = [q[1] for q in questions if q[3]]
    logps = lm.target_logprobs(contrast, [targets] * len(contrast), [lang] * len(contrast))
    return questions, answers, [[float(x) for x in lp] for lp in logps]


def edit_one(editor, case, src: str, max_new_tokens: int | None = None, batch_size: int = 64) -> list[Row]:
    """The rows of ``case`` edited in ``src``: every language view, before and inside the edit."""
    import torch

    rows = []
    with torch.inference_mode(False), torch.no_grad():
        lm = editor.scoring_lm(batch_size)
        before = {lang: _ask(lm, view, lang, max_new_tokens) for lang, view in case.views.items()}
        with editor.edit([case], src):
            lm = editor.scoring_lm(batch_size)
            after = {lang: _ask(lm, view, lang, max_new_tokens) for lang, view in case.views.items()}
    for lang, (questions, answers, logps) in before.items():
        _, answers_after, logps_after = after[lang]
        k = 0
        for (kind, prompt, reference, contrast), a0, a1 in zip(questions, answers, answers_after):
            row = Row(lang, kind, prompt, reference, a0, a1)
            if contrast:
                row.logp_new = (logps[k][0], logps_after[k][0])
                if len(logps[k]) > 1:
                    row.logp_true = (logps[k][1], logps_after[k][1])
                k += 1
            rows.append(row)
    return rows


def _cut(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def format_rows(rows: Sequence[Row]) -> str:
    """A compact markdown table: language, kind, prompt, answer before → after, log P(new) − log P(true)."""
    lines = ["| lang | kind | prompt | before | after | logP new−true before → after |", "|---|---|---|---|---|---|"]
    for r in rows:
        margin = ""
        if r.logp_new and r.logp_true:
            margin = f"{r.logp_new[0] - r.logp_true[0]:+.2f} → {r.logp_new[1] - r.logp_true[1]:+.2f}"
        elif r.logp_new:
            margin = f"logP new {r.logp_new[0]:.2f} → {r.logp_new[1]:.2f}"
        lines.append(f"| {r.lang} | {r.kind} | {_cut(r.prompt, 48)} | {_cut(r.before, 24)} | {_cut(r.after, 24)} "
                     f"| {margin} |")
    return "\n".join(lines)


def edit(config: list[str], overrides: list[str], subject: str | None = None, prompt: str | None = None,
         target_new: str | None = None, target_true: str | None = None, lang: str = "en", case: str | None = None,
         index: int = 0, edit_lang: str | None = None, ckpt_path: str | None = None,
         max_new_tokens: int | None = None, output: str | None = None) -> dict:
    """Edit one fact with the experiment's editor and print the model's answers before and after.

    Args:
        config: experiment config file(s) (``--config``, as for ``mke test``).
        overrides: experiment options applied after the configs (``--model.*``, ...).
        subject: the subject, as it occurs in the prompt (flags form).
        prompt: the edit prompt (flags form).
        target_new: the new object (flags form).
        target_true: the current object, for log P(new) vs log P(true) (flags form; optional).
        lang: language of the flags-form case.
        case: a unified-schema JSON/JSONL file holding the case instead (``--index`` picks the record).
        index: which case of ``--case``.
        edit_lang: the language the edit is made in (``None``: ``lang`` for flags, the case's first language).
        ckpt_path: checkpoint of a trained editor (MEND, ...), as for ``mke test --ckpt_path``.
        max_new_tokens: greedy answer length (``None``: each reference's token length + 4).
        output: also write the rows as JSON here.
    """
    from mke_lightning.data.languages import normalize_lang
    from mke_lightning.experiment import experiment_cli, load_editor_checkpoint

    the_case = _case_from(case, index, subject, prompt, target_new, target_true, normalize_lang(lang))
    src = normalize_lang(edit_lang) if edit_lang else next(iter(the_case.views))
    if src not in the_case.views:
        raise ValueError(f"--edit_lang {src}: the case has no {src!r} view (it has {sorted(the_case.views)})")
    editor = experiment_cli(config, overrides).model
    editor.configure_model()
    if ckpt_path:
        load_editor_checkpoint(editor, ckpt_path)
    rows = edit_one(editor.eval(), the_case, src, max_new_tokens)
    print(f"{type(editor).__name__}: edit of case {the_case.case_id!r} in {src}")
    print(format_rows(rows))
    result = {"editor": type(editor).__name__, "case_id": the_case.case_id, "edit_lang": src,
              "rows": [asdict(r) for r in rows]}
    write_json(output, result)
    return result
