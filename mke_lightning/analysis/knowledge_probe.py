"""What a model knows, per language, from any file of edit cases: recall, RankC consistency, held-out-language transfer.

Every measure reads only the true facts of the cases (a view's prompt, paraphrases and ``target_true``), so it runs
on the world and on real benchmark data alike:

* **recall**: exact-match greedy recall (:func:`~mke_lightning.data.world.recall.recalled`) of ``target_true`` on
  the edit prompt (kind ``prompt``) and the paraphrases (``paraphrase``), per language. World v2 cases name the
  paraphrase whose template was held out of pretraining (``meta.held_out_paraphrase``: kind
  ``held_out_template``) and the languages the fact was stated in (``meta.pretraining_languages``): a fact asked in
  any other language is kind ``other_language``;
* **held-out-language transfer**: for the facts stated in one language only, recall in each language, rows by
  the language they were learnt in (the diagonal is recall in that language itself);
* **its subject-blind baseline**: what a guesser that ignores the subject scores on the same probes, always
  answering the most frequent true answer of the fact's relation in the asked language among the file's cases
  (ties shared evenly; ``mke probe --single_language_only`` counts them among every case read). No guesser with
  one answer per relation does better, so transfer at or below it shows no knowledge carried across languages;
* **transfer by relation** (:func:`transfer_by_relation`): the same recall outside the source language per
  relation, same-script and cross-script apart, which tells transfer from inference through other facts. This
  table and the baseline group cases by :func:`relation_of` (``meta.relation``, else ``meta.object_type``);
* **subject alignment** (:mod:`.subject_alignment`): per layer, how often a subject's last-token state in one
  language retrieves the same subject's state in another (same-script and cross-script means);
* **RankC** (:mod:`mke_lightning.metrics.rank_consistency`) per language pair: each case with a ``target_true`` in
  every probed language is a query; its candidates are the distinct true answers of the cases of its object type
  (``meta.object_type``, as world v2 cases give it; else ``meta.relation``; all cases when both are absent), aligned across languages by the answer's forms in every language,
  at most ``max_candidates`` (the true answer and a seeded sample of the others), scored on the edit prompt.
  A single-language fact (``meta.pretraining_languages`` short of a probed language) is no RankC query: a model
  that rightly does not know it elsewhere would count as inconsistent; those facts are what the transfer table
  measures.

Decisions: candidates come from the data itself, so the candidate set of a relation is the object type as the file
covers it (on the world's test split, the objects its 261 cases use); a relation with a single distinct answer
gives no query.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import torch

from mke_lightning.analysis.subject_alignment import subject_alignment
from mke_lightning.data.languages import script
from mke_lightning.data.schema import EditCase
from mke_lightning.data.world.recall import Probe, probe_kind, recall_by_kind, recalled
from mke_lightning.evaluation.scorer import score_target_groups
from mke_lightning.metrics.rank_consistency import rank_consistency


def case_probes(cases: Sequence[EditCase], languages: Sequence[str]) -> list[Probe]:
    """Recall probes of every case's views in ``languages`` (kinds as the module docstring says)."""
    probes = []
    for case in cases:
        seen = case.meta.get("pretraining_languages")
        held_out = case.meta.get("held_out_paraphrase")
        for lang in languages:
            view = case.views.get(lang)
            if view is None or not view.target_true:
                continue
            # A fact stated in one language only: every probe names that language, and is other_language elsewhere.
            source = seen[0] if seen and len(seen) == 1 and len(case.views) > 1 else ""
            held_out_index = None if held_out is None else held_out + 1  # paraphrase index -> template index
            for i, text in enumerate([view.prompt, *view.paraphrases]):
                probes.append(Probe(lang, probe_kind(i, held_out_index, lang, source), text, view.target_true, source))
    return probes


def recall_tables(probes: Sequence[Probe], hits: Sequence[bool]) -> tuple[dict, dict]:
    """``({kind: {lang: recall, "all": recall}}, {source: {lang: recall}})``: recall per kind and language, and the
    recall of the single-language facts (probes with a ``source``) per language they were learnt in and asked in;
    the second table's diagonal is their recall where they were learnt."""
    transfer: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for p, ok in zip(probes, hits):
        if p.source:
            transfer[p.source][p.lang][0] += int(ok)
            transfer[p.source][p.lang][1] += 1
    return recall_by_kind(probes, hits), {src: {lang: c / n for lang, (c, n) in sorted(per.items())} for src, per in sorted(transfer.items())}


def transfer_by_relation(probes: Sequence[Probe], hits: Sequence[bool],
                         relations: Sequence[str]) -> dict[str, dict[str, dict[str, float]]]:
    """``{source: {relation: {"same_script": recall, "cross_script": recall}}}``: the single-language facts' recall
    in the languages they were not learnt in, per relation (``relations[i]``: probe ``i``'s), split by whether the
    asked language shares the source's script. A relation whose answer follows from other facts (on the world, a
    citizenship from the birthplace's country, a native language from the citizenship's) is answered there without
    any knowledge crossing languages, so the table shows which relations carry the transfer figures."""
    cells: dict[str, dict[str, dict[str, list[int]]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(
        lambda: [0, 0])))
    for probe, ok, relation in zip(probes, hits, relations, strict=True):
        if probe.source and probe.lang != probe.source:
            group = "same_script" if script(probe.lang) == script(probe.source) else "cross_script"
            cells[probe.source][relation][group][0] += int(ok)
            cells[probe.source][relation][group][1] += 1
    return {src: {rel: {g: c / n for g, (c, n) in sorted(per.items())} for rel, per in sorted(rels.items())}
            for src, rels in sorted(cells.items())}


def subject_blind_transfer(cases: Sequence[EditCase], languages: Sequence[str],
                           population: Sequence[EditCase] | None = None) -> dict[str, dict[str, float]]:
    """``{source: {lang: accuracy}}``: the transfer table's subject-blind baseline (module docstring), over the same
    probes as :func:`recall_tables`' second table (every template of a single-language fact weighs the same); the
    most frequent answers are counted among ``population`` (default ``cases``)."""
    counts: dict[tuple[object, str], Counter] = defaultdict(Counter)
    for case in cases if population is None else population:
        for lang in languages:
            view = case.views.get(lang)
            if view is not None and view.target_true:
                counts[(relation_of(case), lang)][view.target_true] += 1
    credit: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(lambda: [0.0, 0]))
    for case in cases:
        relation = relation_of(case)
        for probe in case_probes([case], languages):
            if probe.source:
                answers = counts[(relation, probe.lang)]
                top = max(answers.values())
                modes = [a for a, c in answers.items() if c == top]
                cell = credit[probe.source][probe.lang]
                cell[0] += (probe.answer in modes) / len(modes)
                cell[1] += 1
    return {src: {lang: c / n for lang, (c, n) in sorted(per.items())} for src, per in sorted(credit.items())}


@dataclass(frozen=True)
class RankQuery:
    """One RankC query: the edit prompt and the candidate answers (same order) in every language."""

    case_id: str
    prompts: dict[str, str]
    candidates: dict[str, list[str]]


def _taught_in(case: EditCase, languages: Sequence[str]) -> bool:
    """Whether the case's fact was stated in every one of ``languages`` (always, without ``pretraining_languages``)."""
    seen = case.meta.get("pretraining_languages")
    return not seen or set(languages) <= set(seen)


def _answer_group(case: EditCase) -> object:
    return case.meta.get("object_type", case.meta.get("relation"))


def relation_of(case: EditCase) -> str:
    """The relation a case is grouped under by the transfer tables and their subject-blind baseline: its
    ``relation``, else its ``object_type`` (real benchmarks often carry only one), else ``""`` (one group)."""
    return str(case.meta.get("relation") or case.meta.get("object_type") or "")


def rank_queries(cases: Sequence[EditCase], languages: Sequence[str], max_candidates: int = 30,
                 seed: int = 0) -> list[RankQuery]:
    """The RankC queries of ``cases`` (see the module docstring)."""
    if max_candidates < 2:
        raise ValueError(f"max_candidates must be at least 2, got {max_candidates}")
    usable = [c for c in cases if all(lang in c.views and c.views[lang].target_true for lang in languages)
              and _taught_in(c, languages)]
    answers: dict[object, list[tuple[str, ...]]] = defaultdict(list)
    for case in usable:
        key = tuple(case.views[lang].target_true for lang in languages)
        group = answers[_answer_group(case)]
        if key not in group:
            group.append(key)
    queries = []
    for case in usable:
        true = tuple(case.views[lang].target_true for lang in languages)
        others = [a for a in answers[_answer_group(case)] if a != true]
        if not others:
            continue
        if len(others) > max_candidates - 1:
            others = random.Random(f"{seed}-{case.case_id}").sample(others, max_candidates - 1)
        chosen = sorted([true, *others])
        queries.append(RankQuery(case.case_id, {lang: case.views[lang].prompt for lang in languages},
                                 {lang: [a[i] for a in chosen] for i, lang in enumerate(languages)}))
    return queries


def candidate_scores(model, tokenizer, queries: Sequence[RankQuery], lang: str,
                     batch_size: int = 64) -> list[torch.Tensor]:
    """Mean-token log P(candidate | prompt) of every query's candidates in ``lang`` (queries grouped by candidate
    count, each prompt run once)."""
    out: list[torch.Tensor | None] = [None] * len(queries)
    by_size: dict[int, list[int]] = defaultdict(list)
    for i, q in enumerate(queries):
        by_size[len(q.candidates[lang])].append(i)
    for idx in by_size.values():
        scores = score_target_groups(model, tokenizer, [queries[i].prompts[lang] for i in idx],
                                     [queries[i].candidates[lang] for i in idx], [lang] * len(idx), batch_size)
        for i, s in zip(idx, scores):
            out[i] = s.float()
    return out


def rankc_matrix(model, tokenizer, queries: Sequence[RankQuery], languages: Sequence[str],
                 batch_size: int = 64) -> dict[str, dict[str, float]]:
    """RankC for every ordered pair of ``languages`` (symmetric; 1 on the diagonal)."""
    scores = {lang: candidate_scores(model, tokenizer, queries, lang, batch_size) for lang in languages}
    return {a: {b: rank_consistency(scores[a], scores[b]) for b in languages} for a in languages}


def cross_script_mean(matrix: dict[str, dict[str, float]]) -> float:
    """Mean of the off-diagonal entries whose two languages are written in different scripts (NaN: none)."""
    values = [v for a, row in matrix.items() for b, v in row.items() if a != b and script(a) != script(b)]
    return sum(values) / len(values) if values else float("nan")


def probe_knowledge(model, tokenizer, cases: Sequence[EditCase], languages: Sequence[str], max_candidates: int = 30,
                    batch_size: int = 128, seed: int = 0, population: Sequence[EditCase] | None = None) -> dict:
    """Recall, held-out-language transfer and RankC of ``model`` on ``cases`` (see the module docstring);
    ``population``: the cases whose answers the subject-blind baseline counts (default ``cases``)."""
    per_case = [case_probes([case], languages) for case in cases]
    probes = [probe for ps in per_case for probe in ps]
    relations = [relation_of(case) for case, ps in zip(cases, per_case) for _ in ps]
    if not probes:
        raise ValueError(f"no case has a view with target_true in any of {list(languages)}: nothing to probe")
    with torch.no_grad():
        hits = recalled(model, tokenizer, probes, batch_size)
        recall, transfer = recall_tables(probes, hits)
        queries = rank_queries(cases, languages, max_candidates, seed)
        rankc = rankc_matrix(model, tokenizer, queries, languages, max(1, batch_size // 2)) if queries else {}
        alignment = subject_alignment(model, tokenizer, cases, languages, batch_size)
    return {"recall": recall, "recall_probes": {k: sum(p.kind == k for p in probes) for k in recall},
            "transfer": transfer, "transfer_subject_blind": subject_blind_transfer(cases, languages, population),
            "transfer_by_relation": transfer_by_relation(probes, hits, relations),
            "rankc": rankc, "rankc_queries": len(queries),
            "rankc_cross_script_mean": cross_script_mean(rankc) if rankc else float("nan"),
            "subject_alignment": alignment}


__all__ = ["RankQuery", "case_probes", "cross_script_mean", "probe_knowledge", "rank_queries", "rankc_matrix",
           "recall_tables", "relation_of", "subject_blind_transfer", "transfer_by_relation"]
