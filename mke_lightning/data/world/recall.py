"""Fact recall of a model on the world: does greedy decoding produce the true object?

Probes are built from the world: for every fact and language, the edit prompt (template 0) and each paraphrase
template with the true object; for every person and chain, the two-hop questions with the pre-edit answer,
grouped by whether that person's two-hop questions were in the pretraining corpus (train/val split) or held out
(test split). On a world v2 the held-out template of each relation is its own kind (``held_out_template``), and a
single-language fact asked in another language is ``other_language`` with the language it was learnt in as
``source`` (held-out-language transfer). A probe counts as recalled when the greedy continuation, cut to the answer's token length and
stripped, equals the answer exactly. :func:`in_context` puts another world sentence of the same language before each
probe, as ROME/MEMIT context templates and in-context demonstrations put text before a prompt.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence
from typing import NamedTuple

from mke_lightning.data.languages import sentence_joiner, target_separator
from mke_lightning.data.world import lexicon
from mke_lightning.data.world.generator import CHAINS, World
from mke_lightning.data.world.wording import relation_templates
from mke_lightning.models.generation import greedy_continuations


class Probe(NamedTuple):
    lang: str
    kind: str  # "prompt", "paraphrase", "held_out_template", "other_language", "two_hop_seen", "two_hop_heldout"
    prompt: str
    answer: str
    source: str = ""  # a single-language fact: the language it was learnt in


def probe_kind(index: int, held_out: int | None, lang: str, source: str = "") -> str:
    """The kind of a probe asking a fact with template ``index`` (0: the edit prompt) in ``lang``: ``other_language``
    when the fact was learnt in ``source`` only and ``lang`` is another, ``held_out_template`` for template index
    ``held_out`` (``None``: none is), else ``prompt`` or ``paraphrase``. World probes and case-file probes both
    classify with it."""
    if source and lang != source:
        return "other_language"
    if index == 0:
        return "prompt"
    return "held_out_template" if index == held_out else "paraphrase"


def world_probes(world: World, languages=None, max_facts: int | None = None) -> list[Probe]:
    languages = languages or world.config.languages
    facts = list(world.facts.items())
    if max_facts is not None:
        facts = facts[:: max(1, len(facts) // max_facts)][:max_facts]
    version = world.config.version
    probes = []
    for (subj, rel), obj in facts:
        seen_in = world.fact_languages(subj, rel)
        for lang in languages:
            templates = relation_templates(rel, lang, version)
            held_out = len(templates) - 1 if version == 2 else None
            source = seen_in[0] if len(seen_in) < len(world.config.languages) else ""
            for i, tpl in enumerate(templates):
                probes.append(Probe(lang, probe_kind(i, held_out, lang, source), tpl.format(s=world.name(subj, lang)),
                                    world.name(obj, lang), source))
    people = world.of_type("person")
    if max_facts is not None:
        people = people[:: max(1, len(people) // max(1, max_facts // 8))]
    for person in people:
        kind = "two_hop_heldout" if world.split_of[person] == "test" else "two_hop_seen"
        for chain in CHAINS:
            answer = world.two_hop(person, chain)
            for lang in languages:
                for tpl in lexicon.TWO_HOP_TEMPLATES[chain][lang]:
                    probes.append(Probe(lang, kind, tpl.format(s=world.name(person, lang)), world.name(answer, lang)))
    return probes


def in_context(probes: list[Probe], corpus_rows: Sequence[dict[str, str]], seed: int = 0) -> list[Probe]:
    """Each probe after one corpus sentence of its language (drawn with ``seed``), joined as in stage-2 pretraining
    (nothing after a full-width stop, a space otherwise)."""
    by_lang: dict[str, list[str]] = defaultdict(list)
    for row in corpus_rows:
        by_lang[row["lang"]].append(row["text"])
    rng = random.Random(seed)
    out = []
    for p in probes:
        if not by_lang.get(p.lang):
            raise ValueError(f"the world corpus has no sentence in {p.lang!r} to put before a probe")
        out.append(p._replace(prompt=rng.choice(by_lang[p.lang]) + sentence_joiner(p.lang) + p.prompt))
    return out


def recalled(model, tokenizer, probes: list[Probe], batch_size: int = 128) -> list[bool]:
    """Whether the greedy continuation of each probe, cut to its answer's token length and stripped, is the answer."""
    budgets = [len(tokenizer(target_separator(p.lang) + p.answer, add_special_tokens=False)["input_ids"])
               for p in probes]
    answers = greedy_continuations(model, tokenizer, [p.prompt for p in probes], budgets, batch_size=batch_size)
    return [answer.strip() == probe.answer for probe, answer in zip(probes, answers)]


def recall_by_kind(probes: Sequence[Probe], hits: Sequence[bool]) -> dict[str, dict[str, float]]:
    """``{kind: {lang: accuracy, "all": accuracy}}`` of probes whose outcomes are ``hits``."""
    counts: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for probe, ok in zip(probes, hits):
        for lang in (probe.lang, "all"):
            counts[probe.kind][lang][0] += int(ok)
            counts[probe.kind][lang][1] += 1
    return {kind: {lang: c / n for lang, (c, n) in sorted(per.items())} for kind, per in counts.items()}


def measure_recall(model, tokenizer, probes: list[Probe], batch_size: int = 128) -> dict[str, dict[str, float]]:
    """Exact-match recall per kind and language: ``{kind: {lang: accuracy, "all": accuracy}}``."""
    return recall_by_kind(probes, recalled(model, tokenizer, probes, batch_size))
