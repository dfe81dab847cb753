"""The world v2 pretraining corpus: diverse, code-switched, aligned, with facts seen in one language only.

The recipe follows what published work found makes knowledge stored under the entity and shared across languages:

* **diverse statements** (Allen-Zhu & Li, "Physics of Language Models 3.1", 2023): by default (the chosen recipe,
  ``generator.RECIPES``) a pool of twelve templates per relation and language (``more_templates``; a thirteenth,
  :func:`.wording.held_out_template`, is held out for evaluation) of which ``templates_per_fact`` (6) are drawn per
  fact and language, the edit-prompt template always among them (``keep_prompt_template``); with those options at
  0 / 0 / false, every fact with the six seen templates; and
  ``passage_share`` of the fact lines are **passages** stating 2–4 facts of one subject in random order, each
  with a random template (``mixed_passage_share`` of them with each sentence in a random language its fact is
  stated in, so that one subject's facts meet across languages: the mixed-language data with which Chua et al.,
  "Crosslingual Capabilities and Knowledge Barriers in Multilingual LLMs", 2024, lower the crosslingual knowledge
  barrier);
* **entity code-switching** (EntityCS, Whitehouse et al. 2022): ``subject_switch_share`` / ``object_switch_share``
  of the fact sentences are stated once more with the subject / object in another language's surface form;
* **an entity-alignment dictionary** (PreAlign, Li et al. 2024): for every entity and ordered language pair whose
  names differ, the sentence "in <B>, <A's name> is called <B's name>" in language A (``alignment_share`` of them);
* **single-language facts**: the facts of ``World.single_language`` are stated in their one language only and never
  code-switched, so held-out-language transfer (``mke probe``) measures knowledge learnt in one language and
  answered in another.

Decisions: a code-switched subject or object takes the surface form of a language where it differs from the
sentence's own (no row when none does); passages are drawn among the subjects with at least two facts stated in
the passage's language; two-hop questions are written as in v1 (first template of each chain, train/val people).
Every random choice comes from one generator seeded by the world seed, so the corpus is deterministic.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

from mke_lightning.data.languages import sentence_joiner
from mke_lightning.data.world import lexicon
from mke_lightning.data.world.corpus_row import corpus_row
from mke_lightning.data.world.relations import CHAINS
from mke_lightning.data.world.wording import alignment_sentence, pretraining_templates

VERSION = 2


def _other_form(world, entity_id: str, lang: str, rng: random.Random) -> str | None:
    """The entity's surface form in a random other language where it is spelled differently (``None``: none)."""
    own = world.name(entity_id, lang)
    forms = sorted({world.name(entity_id, other) for other in world.config.languages if other != lang} - {own})
    return rng.choice(forms) if forms else None


def _fact_rows(world, rng: random.Random) -> Iterator[dict[str, str]]:
    config = world.config
    for (subj, rel), obj in world.facts.items():
        single = (subj, rel) in world.single_language
        for lang in world.fact_languages(subj, rel):
            templates = list(enumerate(pretraining_templates(rel, lang, VERSION, config.more_templates)))
            if config.templates_per_fact and config.keep_prompt_template:
                templates = templates[:1] + sorted(rng.sample(templates[1:], config.templates_per_fact - 1))
            elif config.templates_per_fact:
                templates = sorted(rng.sample(templates, config.templates_per_fact))
            for i, tpl in templates:
                yield world.statement(tpl, subj, obj, lang, f"fact/{rel}/{i}")
                switch_subject = rng.random() < config.subject_switch_share
                switch_object = rng.random() < config.object_switch_share
                if single or not (switch_subject or switch_object):
                    continue
                subject = (_other_form(world, subj, lang, rng) if switch_subject else None) or world.name(subj, lang)
                answer = (_other_form(world, obj, lang, rng) if switch_object else None) or world.name(obj, lang)
                if subject != world.name(subj, lang) or answer != world.name(obj, lang):
                    yield corpus_row(tpl.format(s=subject), answer, lang, f"switch/{rel}/{i}")


def _passages(world, n_rows: int, rng: random.Random) -> Iterator[dict[str, str]]:
    """``n_rows`` passages of 2–4 facts of one subject in random order: in one language, or, for
    ``mixed_passage_share`` of them, each sentence in a random language its fact is stated in."""
    by_subject: dict[tuple[str, str], list[str]] = {}
    for subj, rel in world.facts:
        for lang in world.fact_languages(subj, rel):
            by_subject.setdefault((subj, lang), []).append(rel)
    pool = sorted(key for key, rels in by_subject.items() if len(rels) >= 2)
    if not pool:
        return
    more = world.config.more_templates
    for _ in range(n_rows):
        subj, lang = rng.choice(pool)
        rels = rng.sample(by_subject[(subj, lang)], rng.randint(2, min(4, len(by_subject[(subj, lang)]))))
        mixed = world.config.mixed_passage_share and rng.random() < world.config.mixed_passage_share
        langs = [rng.choice(world.fact_languages(subj, rel)) if mixed else lang for rel in rels]
        rows = [world.statement(rng.choice(pretraining_templates(rel, lang_, VERSION, more)), subj,
                                world.facts[(subj, rel)], lang_, "") for rel, lang_ in zip(rels, langs)]
        context = rows[0]["text"]
        for row, previous in zip(rows[1:-1], langs):
            context += sentence_joiner(previous) + row["text"]
        last = rows[-1]
        kind = f"mixed_passage/{len(rows)}" if mixed else f"passage/{len(rows)}"
        yield corpus_row(last["prompt"], last["answer"], langs[-1], kind, context=context, context_lang=langs[-2])


def _alignment_rows(world, rng: random.Random) -> Iterator[dict[str, str]]:
    langs = world.config.languages
    for entity in world.entities.values():
        for lang in langs:
            for other in langs:
                if other == lang or entity.names[other] == entity.names[lang]:
                    continue
                if rng.random() >= world.config.alignment_share:
                    continue
                prompt, answer = alignment_sentence(entity.names[lang], entity.names[other], lang, other)
                yield corpus_row(prompt, answer, lang, f"align/{other}")


def v2_corpus(world) -> Iterator[dict[str, str]]:
    """:func:`_v2_rows`, every row with a ``context`` field (empty but in passages), so that the corpus file has one
    schema for readers that infer it (``datasets``' JSON loader, as the covariance corpus reads it)."""
    for row in _v2_rows(world):
        yield {"context": "", **row}


def _v2_rows(world) -> Iterator[dict[str, str]]:
    """Every row of the v2 corpus of ``world`` (a :class:`~mke_lightning.data.world.generator.World`): fact
    sentences (and their code-switched copies), passages, two-hop questions of train/val people, alignment
    sentences."""
    config = world.config
    rng = random.Random(f"{config.seed}-corpus-v2")
    n_fact_rows = 0
    for row in _fact_rows(world, rng):
        n_fact_rows += row["kind"].startswith("fact/")
        yield row
    yield from _passages(world, round(config.passage_share / (1 - config.passage_share) * n_fact_rows), rng)
    for person in world.of_type("person"):
        if world.split_of[person] == "test":
            continue
        for chain in CHAINS:
            obj = world.two_hop(person, chain)
            for lang in config.languages:
                yield world.statement(lexicon.TWO_HOP_TEMPLATES[chain][lang][0], person, obj, lang, f"two_hop/{chain}/0")
    yield from _alignment_rows(world, rng)


__all__ = ["v2_corpus"]
