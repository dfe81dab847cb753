"""Scoring edited cases: everything one applied edit needs, in one teacher-forced pass and one generation.

Three steps, so each caller (the evaluation loop, ``mke bench``, ``mke edit``) and each editor's
:class:`~mke_lightning.evaluation.lm.ScoringLM` meet the same contract:

1. :func:`plan_queries` (pure): for a set of cases (one applied edit covers them all) and target languages, every
   teacher-forced contrast (ES, PS: a prompt or paraphrase with ``target_new`` and ``target_true``) and every greedy
   prompt (NS, QS, rel_f1, gen_f1, loc_f1), across cases and languages, with each case's index ranges into them;
2. :func:`run_queries`: **one** batched ``target_logprobs`` call and **one** batched ``greedy`` call on the
   scoring LM;
3. :func:`case_values` (pure): per case, ``{metric: {target_lang: value}}``; :func:`case_outputs` (pure): per
   case and target language, what the model generated and the log-probabilities behind ES/PS (the per-case rows).

:func:`score_cases` chains them into one :class:`CaseScore` per case. Pre-edit answers for loc_f1 come from :func:`pre_edit_answers`, computed once per
case (not once per source language).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import torch

from mke_lightning.data.schema import EditCase
from mke_lightning.evaluation.lm import ScoringLM
from mke_lightning.metrics import functional as F
from mke_lightning.models.encoding import targets_token_ids

#: Metrics computed when the views allow them (also the headline metrics of the logs).
ALL_METRICS = ("es", "ps", "ns", "qs", "rel_f1", "gen_f1", "loc_f1")

#: ``{case_id: {lang: [pre-edit greedy answer of each neighbourhood prompt]}}``
PreEditAnswers = dict[str, dict[str, list[str]]]


@dataclass
class QueryPlan:
    """What one applied edit is asked: ``contrasts`` = ``(prompt, target_new, target_true, lang)``, ``greedy`` =
    ``(prompt, reference answer, lang)``, and per case, per language, the ``(start, end)`` range of each item."""

    cases: list[EditCase]
    metrics: frozenset[str]
    contrasts: list[tuple[str, str, str, str]] = field(default_factory=list)
    greedy: list[tuple[str, str, str]] = field(default_factory=list)
    ranges: list[dict[str, dict[str, tuple[int, int]]]] = field(default_factory=list)


@dataclass
class QueryResults:
    """``logps[i]`` = ``(log P(target_new), log P(target_true))`` of contrast ``i``; ``answers[j]`` the greedy answer
    of greedy prompt ``j``."""

    logps: torch.Tensor
    answers: list[str]


#: What each query kind of a view is called in the per-case rows (teacher-forced contrasts and greedy answers).
_ROW_KEYS = {"es": "prompt", "ps": "paraphrases", "rel_f1": "prompt", "gen_f1": "paraphrases", "nb": "neighborhood",
             "qs": "multihop"}


@dataclass
class CaseScore:
    """One case scored after one applied edit: ``values`` = ``{metric: {target_lang: value}}``; ``outputs`` =
    ``{target_lang: {"generated": {kind: [answer, ...]}, "logp": {kind: [[log P(new), log P(true)], ...]}}}`` with
    kind one of prompt, paraphrases, neighborhood, multihop (only the queries its metrics asked)."""

    values: dict[str, dict[str, float]]
    outputs: dict[str, dict[str, dict[str, list]]]


def plan_queries(cases: Sequence[EditCase], langs: Sequence[str], metrics: Sequence[str]) -> QueryPlan:
    """Every query the metrics of ``cases`` in ``langs`` need (see the module docstring)."""
    plan = QueryPlan(list(cases), frozenset(metrics))
    want = plan.metrics
    for case in cases:
        case_ranges: dict[str, dict[str, tuple[int, int]]] = {}
        for lang in langs:
            view = case.views.get(lang)
            if view is None:
                continue
            item: dict[str, tuple[int, int]] = {}

            def add(kind: str, rows: list, key: str) -> None:
                queue = plan.contrasts if kind == "contrast" else plan.greedy
                start = len(queue)
                queue.extend(rows)
                item[key] = (start, len(queue))

            def contrasts(prompts):
                return [(p, view.target_new, view.target_true, lang) for p in prompts]

            if view.target_true is not None:
                if "es" in want:
                    add("contrast", contrasts([view.prompt]), "es")
                if "ps" in want and view.paraphrases:
                    add("contrast", contrasts(view.paraphrases), "ps")
            if "rel_f1" in want:
                add("greedy", [(view.prompt, view.target_new, lang)], "rel_f1")
            if "gen_f1" in want and view.paraphrases:
                add("greedy", [(p, view.target_new, lang) for p in view.paraphrases], "gen_f1")
            if view.neighborhood and ({"ns", "loc_f1"} & want):
                add("greedy", [(qa.prompt, qa.answer, lang) for qa in view.neighborhood], "nb")
            if "qs" in want and view.multihop:
                add("greedy", [(qa.prompt, qa.answer, lang) for qa in view.multihop], "qs")
            case_ranges[lang] = item
        plan.ranges.append(case_ranges)
    return plan


def answer_budgets(tokenizer, answers: Sequence[str], langs: Sequence[str], max_new_tokens: int | None) -> list[int]:
    """Greedy answer lengths: each reference's token count (capped by ``max_new_tokens``), one tokenizer call."""
    lengths = [len(ids) for ids in targets_token_ids(tokenizer, answers, langs)]
    return [min(n, max_new_tokens) for n in lengths] if max_new_tokens else lengths


def run_queries(plan: QueryPlan, lm: ScoringLM, max_new_tokens: int | None = None,
                route: Callable[[str], None] | None = None) -> QueryResults:
    """One ``target_logprobs`` call for every contrast and one ``greedy`` call for every greedy prompt;
    ``route("contrast")`` / ``route("greedy")`` is called before each (per-row edits map its queries to cases)."""
    logps = torch.empty(0, 2)
    if plan.contrasts:
        if route is not None:
            route("contrast")
        logps = torch.stack(lm.target_logprobs([c[0] for c in plan.contrasts], [[c[1], c[2]] for c in plan.contrasts],
                                               [c[3] for c in plan.contrasts]))
    budgets = answer_budgets(lm.tokenizer, [g[1] for g in plan.greedy], [g[2] for g in plan.greedy], max_new_tokens)
    if route is not None and plan.greedy:
        route("greedy")
    answers = lm.greedy([g[0] for g in plan.greedy], budgets) if plan.greedy else []
    return QueryResults(logps, answers)


def query_cases(plan: QueryPlan) -> tuple[list[int], list[int]]:
    """The case (index into ``plan.cases``) each contrast and each greedy prompt of ``plan`` asks about."""
    contrast, greedy = [0] * len(plan.contrasts), [0] * len(plan.greedy)
    for case, case_ranges in enumerate(plan.ranges):
        for item in case_ranges.values():
            for key, (start, end) in item.items():
                queue = contrast if key in ("es", "ps") else greedy
                queue[start:end] = [case] * (end - start)
    return contrast, greedy


def case_scores(plan: QueryPlan, results: QueryResults, pre_edit: PreEditAnswers | None = None) -> list[CaseScore]:
    """One :class:`CaseScore` per case of ``plan`` from the answers to its queries."""
    return [CaseScore(values, outputs)
            for values, outputs in zip(case_values(plan, results, pre_edit), case_outputs(plan, results))]


def case_values(plan: QueryPlan, results: QueryResults,
                pre_edit: PreEditAnswers | None = None) -> list[dict[str, dict[str, float]]]:
    """Per case of ``plan``, ``{metric: {target_lang: value}}`` from the answers to its queries."""
    want, logps, answers = plan.metrics, results.logps, results.answers
    out = []
    for case, case_ranges in zip(plan.cases, plan.ranges):
        values: dict[str, dict[str, float]] = defaultdict(dict)
        for lang, item in case_ranges.items():
            view = case.views[lang]
            if "es" in item:
                s, _ = item["es"]
                values["es"][lang] = F.edit_success(logps[s, 0], logps[s, 1])
            if "ps" in item:
                s, e = item["ps"]
                values["ps"][lang] = F.paraphrase_score(logps[s:e, 0], logps[s:e, 1])
            if "rel_f1" in item:
                values["rel_f1"][lang] = F.rel_f1(answers[item["rel_f1"][0]], view.target_new, lang)
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
        out.append(dict(values))
    return out


def case_outputs(plan: QueryPlan, results: QueryResults) -> list[dict[str, dict[str, dict[str, list]]]]:
    """Per case of ``plan``, per target language, the greedy answers and the (new, true) log-probabilities of its
    queries (see :class:`CaseScore`)."""
    logps = results.logps.tolist()
    out = []
    for case_ranges in plan.ranges:
        per_lang: dict[str, dict[str, dict[str, list]]] = {}
        for lang, item in case_ranges.items():
            generated: dict[str, list] = {}
            contrast: dict[str, list] = {}
            for key, (s, e) in item.items():
                if key in ("es", "ps"):
                    contrast[_ROW_KEYS[key]] = logps[s:e]
                else:
                    generated[_ROW_KEYS[key]] = results.answers[s:e]
            per_lang[lang] = {"generated": generated, "logp": contrast}
        out.append(per_lang)
    return out


def score_cases(lm: ScoringLM, cases: Sequence[EditCase], langs: Sequence[str], metrics: Sequence[str],
                pre_edit: PreEditAnswers | None = None, max_new_tokens: int | None = None) -> list[CaseScore]:
    """Per case, its :class:`CaseScore` for the metrics its views support, asking ``lm``."""
    plan = plan_queries(cases, langs, metrics)
    return case_scores(plan, run_queries(plan, lm, max_new_tokens), pre_edit)


def pre_edit_answers(lm: ScoringLM, cases: Sequence[EditCase], langs: Sequence[str],
                     max_new_tokens: int | None = None) -> PreEditAnswers:
    """Greedy answers of the unedited model on every neighbourhood prompt: ``{case_id: {lang: [answers]}}``."""
    prompts, references, keys = [], [], []
    for case in cases:
        for lang in langs:
            view = case.views.get(lang)
            for qa in view.neighborhood if view else ():
                prompts.append(qa.prompt)
                references.append(qa.answer)
                keys.append((case.case_id, lang))
    budgets = answer_budgets(lm.tokenizer, references, [lang for _, lang in keys], max_new_tokens)
    answers = lm.greedy(prompts, budgets) if prompts else []
    out: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for (case_id, lang), answer in zip(keys, answers):
        out[case_id][lang].append(answer)
    return {k: dict(v) for k, v in out.items()}
