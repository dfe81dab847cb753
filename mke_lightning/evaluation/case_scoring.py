"""Scoring edited cases: everything one applied edit needs, in one teacher-forced pass and one generation.

For a set of cases (one applied edit covers them all) and target languages, :func:`score_cases` gathers every
teacher-forced contrast (ES, PS: a prompt or paraphrase with target_new and target_true) and every greedy prompt (NS, QS,
rel_f1, gen_f1, loc_f1) across cases and languages, runs **one** batched scoring call and **one** batched
generation call, and returns per-case metric values keyed by target language. Pre-edit answers for loc_f1 come
from :func:`pre_edit_answers`, computed once per case (not once per source language).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import torch

from mke_lightning.data.schema import EditCase
from mke_lightning.models.generation import greedy_continuations
from mke_lightning.evaluation.scorer import score_target_groups, score_targets
from mke_lightning.models.encoding import targets_token_ids
from mke_lightning.metrics import functional as F

#: Metrics computed when the views allow them.
ALL_METRICS = ("es", "ps", "ns", "qs", "rel_f1", "gen_f1", "loc_f1")


def _budgets(tokenizer, answers: Sequence[str], langs: Sequence[str], max_new_tokens: int | None) -> list[int]:
    """Greedy answer lengths: each reference's token count (capped by ``max_new_tokens``), one tokenizer call."""
    lengths = [len(ids) for ids in targets_token_ids(tokenizer, answers, langs)]
    return [min(n, max_new_tokens) for n in lengths] if max_new_tokens else lengths


def pre_edit_answers(model, tokenizer, cases: Sequence[EditCase], langs: Sequence[str],
                     max_new_tokens: int | None = None, batch_size: int = 128) -> dict[str, dict[str, list[str]]]:
    """Greedy answers of the unedited model on every neighbourhood prompt: ``{case_id: {lang: [answers]}}``."""
    prompts, references, keys = [], [], []
    for case in cases:
        for lang in langs:
            view = case.views.get(lang)
            for qa in view.neighborhood if view else ():
                prompts.append(qa.prompt)
                references.append(qa.answer)
                keys.append((case.case_id, lang))
    budgets = _budgets(tokenizer, references, [lang for _, lang in keys], max_new_tokens)
    answers = greedy_continuations(model, tokenizer, prompts, budgets, batch_size) if prompts else []
    out: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for (case_id, lang), answer in zip(keys, answers):
        out[case_id][lang].append(answer)
    return {k: dict(v) for k, v in out.items()}


def score_cases(model, tokenizer, cases: Sequence[EditCase], langs: Sequence[str], metrics: Sequence[str],
                pre_edit: dict[str, dict[str, list[str]]] | None = None, max_new_tokens: int | None = None,
                batch_size: int = 128, share_prompts: bool = True) -> list[dict[str, dict[str, float]]]:
    """Per case, ``{metric: {target_lang: value}}`` for the metrics the case's views support.

    ``share_prompts`` runs each ES/PS prompt once for both of its targets (``target_new``, ``target_true``); with
    ``False`` every (prompt, target) pair is its own sequence (same values, the naive way).
    """
    want = set(metrics)
    contrasts: list[tuple[str, str, str, str]] = []  # (prompt, target_new, target_true, lang) for ES / PS
    greedy: list[tuple[str, str, str]] = []  # (prompt, reference answer, lang)
    plan = []  # per case, per lang: index ranges into contrasts / greedy
    for case in cases:
        case_plan = {}
        for lang in langs:
            view = case.views.get(lang)
            if view is None:
                continue
            item: dict[str, tuple[int, int]] = {}

            def add_contrasts(prompts, key):
                start = len(contrasts)
                contrasts.extend((p, view.target_new, view.target_true, lang) for p in prompts)
                item[key] = (start, len(contrasts))

            def add_greedy(prompts, answers, key):
                start = len(greedy)
                greedy.extend((p, a, lang) for p, a in zip(prompts, answers))
                item[key] = (start, len(greedy))

            if view.target_true is not None:
                if "es" in want:
                    add_contrasts([view.prompt], "es")
                if "ps" in want and view.paraphrases:
                    add_contrasts(view.paraphrases, "ps")
            if "rel_f1" in want:
                add_greedy([view.prompt], [view.target_new], "rel_f1")
            if "gen_f1" in want and view.paraphrases:
                add_greedy(view.paraphrases, [view.target_new] * len(view.paraphrases), "gen_f1")
            if view.neighborhood and ({"ns", "loc_f1"} & want):
                add_greedy([qa.prompt for qa in view.neighborhood], [qa.answer for qa in view.neighborhood], "nb")
            if "qs" in want and view.multihop:
                add_greedy([qa.prompt for qa in view.multihop], [qa.answer for qa in view.multihop], "qs")
            case_plan[lang] = item
        plan.append(case_plan)

    logps = None  # (len(contrasts), 2): log P(target_new), log P(target_true)
    if contrasts and share_prompts:
        logps = torch.stack(score_target_groups(model, tokenizer, [c[0] for c in contrasts],
                                                [[c[1], c[2]] for c in contrasts], [c[3] for c in contrasts], batch_size))
    elif contrasts:
        logps = score_targets(model, tokenizer, [c[0] for c in contrasts for _ in range(2)],
                              [t for c in contrasts for t in (c[1], c[2])], [c[3] for c in contrasts for _ in range(2)],
                              batch_size).view(-1, 2)
    budgets = _budgets(tokenizer, [g[1] for g in greedy], [g[2] for g in greedy], max_new_tokens)
    answers = greedy_continuations(model, tokenizer, [g[0] for g in greedy], budgets, batch_size) if greedy else []

    results = []
    for case, case_plan in zip(cases, plan):
        values: dict[str, dict[str, float]] = defaultdict(dict)
        for lang, item in case_plan.items():
            view = case.views[lang]
            for key in ("es", "ps"):
                if key in item:
                    s, e = item[key]
                    new, true = logps[s:e, 0], logps[s:e, 1]
                    values[key][lang] = F.edit_success(new[0], true[0]) if key == "es" else F.paraphrase_score(new, true)
            if "rel_f1" in item:
                s, _ = item["rel_f1"]
                values["rel_f1"][lang] = F.rel_f1(answers[s], view.target_new, lang)
            if "gen_f1" in item:
                s, e = item["gen_f1"]
                values["gen_f1"][lang] = F.gen_f1(answers[s:e], view.target_new, lang)
            if "nb" in item:
                s, e = item["nb"]
                if "ns" in want:
                    values["ns"][lang] = F.neighborhood_score(answers[s:e], [qa.answer for qa in view.neighborhood], lang)
                if "loc_f1" in want:
                    if pre_edit is None or lang not in pre_edit.get(case.case_id, {}):
                        raise ValueError(f"loc_f1 needs pre-edit answers for case {case.case_id} ({lang})")
                    values["loc_f1"][lang] = F.loc_f1(answers[s:e], pre_edit[case.case_id][lang], lang)
            if "qs" in item:
                s, e = item["qs"]
                values["qs"][lang] = F.question_score(answers[s:e], [qa.answer for qa in view.multihop], lang)
        results.append(dict(values))
    return results
