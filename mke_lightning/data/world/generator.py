"""The synthetic multilingual knowledge world: entities, facts, edit requests, and their export.

Everything is deterministic from ``WorldConfig.seed``. Entities of nine types (people, cities, countries,
companies, universities, languages, occupations, instruments, sports) carry a surface form per language; thirteen
relations with typed objects connect them; five two-hop chains (e.g. birthplace -> country of that city) give
multi-hop questions. Every fact becomes an edit request ``(s, r, o_new)`` with ``o_new != o_true`` of the same
type; train/val/test splits are disjoint by subject. Facts are written with the hand-made templates of
``lexicon.py``: the first template of a relation is the edit prompt, the others are paraphrases.

Decisions:
* Neighbourhood prompts use the *edit* template of the same relation with other subjects (drawn from all splits)
  and their true answers, the same subjects in every language.
* Multi-hop questions exist for person facts whose relation starts a chain; their answer is the second hop
  applied to ``o_new`` (the post-edit answer).
* The pretraining corpus states every fact with every template in every language. Two-hop questions (the first
  template of each chain) appear in it only for train/val-split people, so test-split people measure composition rather than memorisation.

``WorldConfig.version`` 2 (world v2, :mod:`.corpus_v2`) keeps entities, facts, splits and edit targets of the same
seed identical and changes the text: seven templates per relation and language with the last held out of
pretraining (:mod:`.wording`), multi-fact passages, entity code-switching, an entity-alignment dictionary, and a
share of person facts stated in one language only (``World.single_language``, drawn per split so every split has
its share; the languages of ``single_languages`` in turn).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from mke_lightning.data.schema import QA, EditCase, LangView
from mke_lightning.data.world import lexicon
from mke_lightning.data.world.corpus_row import corpus_row
from mke_lightning.data.world.corpus_v2 import v2_corpus
from mke_lightning.data.world.names import (
    check_unique,
    country_name,
    distinct_roots,
    language_name,
    person_name,
    place_name,
)
from mke_lightning.data.world.relations import CHAINS, RELATIONS
from mke_lightning.data.world.wording import VERSIONS, max_more_templates, pretraining_templates, relation_templates

#: the WorldConfig fields that only world v2 reads (a v1 world.json leaves them out, as the first world did)
V2_FIELDS = ("version", "passage_share", "subject_switch_share", "object_switch_share", "alignment_share",
             "single_language_share", "single_languages", "more_templates", "templates_per_fact",
             "keep_prompt_template", "mixed_passage_share")


#: per world version, the values the template options of :class:`WorldConfig` take when left at ``None``. v2's are
#: the chosen data recipe ("pool + keep" in docs/world.md): a pool of twelve templates per relation and language,
#: six drawn per fact and language, the edit prompt's always among them. Of the recipes measured, it is the one with
#: the best held-out-template recall (GPT-2 86.8 against 80.6 with every fact stated with the six seen templates)
#: that keeps seen prompt recall >= 99 (GPT-2 99.5, LLaMA 99.3; paraphrases 99.1 / 98.5) and ROME / MEMIT at mono
#: ES >= 0.95 / PS >= 0.85 on both world models.
RECIPES: dict[int, dict[str, int | bool]] = {
    1: {"more_templates": 0, "templates_per_fact": 0, "keep_prompt_template": False},
    2: {"more_templates": 6, "templates_per_fact": 6, "keep_prompt_template": True},
}


@dataclass(frozen=True)
class WorldConfig:
    """Size and seed of the world. The shipped world uses the defaults."""

    seed: int = 0
    """Seed of every random choice."""
    n_people: int = 150
    n_cities: int = 40
    n_countries: int = 12
    n_companies: int = 20
    n_universities: int = 12
    n_neighbors: int = 3
    """Neighbourhood prompts per edit case."""
    split_fractions: tuple[float, float, float] = (0.7, 0.1, 0.2)
    """train/val/test shares of the subjects of each entity type."""
    languages: tuple[str, ...] = lexicon.LANGUAGES
    version: int = 1
    """World text version: 1 (the first shipped world) or 2 (see the module docstring); the options below are
    read by version 2 only."""
    passage_share: float = 0.2
    """v2: share of the corpus's fact lines that are passages stating 2-4 facts of one subject in random order."""
    mixed_passage_share: float = 0.0
    """v2: share of those passages whose sentences each take a random language their fact is stated in (the subject
    named in that language), so that one subject's facts meet across languages."""
    subject_switch_share: float = 0.15
    """v2: share of fact sentences stated once more with the subject in another language's surface form."""
    object_switch_share: float = 0.05
    """v2: share of fact sentences stated once more with the object in another language's surface form."""
    alignment_share: float = 1.0
    """v2: share of (entity, language, other language) triples, names differing, stated as a dictionary sentence."""
    single_language_share: float = 0.1
    """v2: share of each split's person facts stated in pretraining in one language only."""
    single_languages: tuple[str, ...] = ("en", "zh")
    """v2: the languages those facts are stated in, in turn."""
    more_templates: int | None = None
    """v2: further templates per relation and language that the corpus states facts with (``MORE_TEMPLATES`` of
    ``templates/<lang>.py``), beyond the six seen ones; the evaluation cases keep the seven. ``None``: the version's
    recipe (:data:`RECIPES`; v2: 6, or as many as every language has)."""
    templates_per_fact: int | None = None
    """v2: state each fact in each language with this many of its pretraining templates, drawn at random (0: all of
    them), so that more templates need not mean a larger corpus. ``None``: the version's recipe (v2: 6)."""
    keep_prompt_template: bool | None = None
    """v2, with ``templates_per_fact``: always state each fact with its edit-prompt template (the first one), and
    draw the others at random, so that every edit prompt is a sentence the model saw with its fact. ``None``: the
    version's recipe (v2: true)."""

    def __post_init__(self):
        if self.version not in VERSIONS:
            raise ValueError(f"WorldConfig.version must be one of {VERSIONS}, got {self.version!r}")
        for name, value in RECIPES[self.version].items():
            if getattr(self, name) is None:
                if name == "more_templates":  # as many as every language has
                    value = min(value, max_more_templates(self.languages, self.version))
                if name == "keep_prompt_template":  # nothing to keep when every template is stated
                    value = value and bool(self.templates_per_fact)
                object.__setattr__(self, name, value)
        for name in ("passage_share", "mixed_passage_share", "subject_switch_share", "object_switch_share",
                     "alignment_share", "single_language_share"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"WorldConfig.{name} must be in [0, 1], got {value!r}")
        if self.passage_share >= 1.0:
            raise ValueError("WorldConfig.passage_share must be below 1 (a share of the fact lines)")
        if self.version == 1 and (self.more_templates or self.templates_per_fact or self.keep_prompt_template
                                  or self.mixed_passage_share):
            raise ValueError("WorldConfig.more_templates, templates_per_fact, keep_prompt_template and "
                             "mixed_passage_share are read by world version 2 only")
        if self.keep_prompt_template and not self.templates_per_fact:
            raise ValueError("WorldConfig.keep_prompt_template needs templates_per_fact > 0 (with 0 every template "
                             "is stated already)")
        available = max_more_templates(self.languages, self.version)
        if not 0 <= self.more_templates <= available:
            raise ValueError(f"WorldConfig.more_templates must be in [0, {available}] (the further templates every "
                             f"relation has in every language), got {self.more_templates!r}")
        if self.version == 2:
            pool = len(pretraining_templates(next(iter(RELATIONS)), self.languages[0], 2, self.more_templates))
            if not 0 <= self.templates_per_fact <= pool:
                raise ValueError(f"WorldConfig.templates_per_fact must be in [0, {pool}] (0: every pretraining "
                                 f"template), got {self.templates_per_fact!r}")
        unknown = [lang for lang in self.single_languages if lang not in self.languages]
        if unknown or not self.single_languages:
            raise ValueError(f"WorldConfig.single_languages must be non-empty and among languages "
                             f"{list(self.languages)}, got {list(self.single_languages)}")


@dataclass(frozen=True)
class Entity:
    id: str
    type: str
    names: dict[str, str]


@dataclass
class World:
    config: WorldConfig
    entities: dict[str, Entity]
    facts: dict[tuple[str, str], str]  # (subject id, relation) -> object id
    split_of: dict[str, str]  # subject id -> train/val/test
    new_objects: dict[tuple[str, str], str] = field(default_factory=dict)  # edit request targets
    single_language: dict[tuple[str, str], str] = field(default_factory=dict)  # v2: fact -> its only language

    def name(self, entity_id: str, lang: str) -> str:
        return self.entities[entity_id].names[lang]

    def of_type(self, etype: str) -> list[str]:
        return [e.id for e in self.entities.values() if e.type == etype]

    # ---- text -----------------------------------------------------------------------------------------------
    def statement(self, template: str, subject_id: str, object_id: str, lang: str, kind: str) -> dict[str, str]:
        """A corpus row: the prompt (template with the subject), the answer (object) and the full sentence."""
        return corpus_row(template.format(s=self.name(subject_id, lang)), self.name(object_id, lang), lang, kind)

    def fact_languages(self, subject_id: str, relation: str) -> tuple[str, ...]:
        """The languages the corpus states a fact in (v2: one for a single-language fact)."""
        only = self.single_language.get((subject_id, relation))
        return (only,) if only else self.config.languages

    def two_hop(self, person: str, chain: str, first_object: str | None = None) -> str:
        """Answer of ``chain`` for ``person``; ``first_object`` overrides the first hop (the post-edit answer)."""
        r1, r2 = CHAINS[chain]
        mid = first_object if first_object is not None else self.facts[(person, r1)]
        return self.facts[(mid, r2)]

    # ---- exports --------------------------------------------------------------------------------------------
    def corpus(self) -> Iterator[dict[str, str]]:
        """Pretraining rows: every fact x template x language; the first two-hop question of each chain for
        train/val people (v2: :func:`.corpus_v2.v2_corpus`). Rows keep prompt and answer apart so pretraining
        tokenizes them as scorers do."""
        if self.config.version == 2:
            yield from v2_corpus(self)
            return
        for (subj, rel), obj in self.facts.items():
            for lang in self.config.languages:
                for i, tpl in enumerate(lexicon.TEMPLATES[rel][lang]):
                    yield self.statement(tpl, subj, obj, lang, f"fact/{rel}/{i}")
        for person in self.of_type("person"):
            if self.split_of[person] == "test":
                continue
            for chain in CHAINS:
                obj = self.two_hop(person, chain)
                for lang in self.config.languages:
                    # Only the first question template is trained: the others test generalisation.
                    tpl = lexicon.TWO_HOP_TEMPLATES[chain][lang][0]
                    yield self.statement(tpl, person, obj, lang, f"two_hop/{chain}/0")

    def edit_cases(self, split: str) -> list[EditCase]:
        rng = random.Random(f"{self.config.seed}-neighbors-{split}")
        cases = []
        for (subj, rel), obj in self.facts.items():
            if self.split_of[subj] != split:
                continue
            new = self.new_objects[(subj, rel)]
            others = sorted(s for (s, r) in self.facts if r == rel and s != subj)
            neighbors = rng.sample(others, min(self.config.n_neighbors, len(others)))
            chains = [c for c, (r1, _) in CHAINS.items() if r1 == rel]
            version = self.config.version
            views = {}
            for lang in self.config.languages:
                templates = relation_templates(rel, lang, version)
                views[lang] = LangView(
                    subject=self.name(subj, lang),
                    prompt=templates[0].format(s=self.name(subj, lang)),
                    target_new=self.name(new, lang),
                    target_true=self.name(obj, lang),
                    paraphrases=tuple(t.format(s=self.name(subj, lang)) for t in templates[1:]),
                    neighborhood=tuple(QA(templates[0].format(s=self.name(n, lang)),
                                          self.name(self.facts[(n, rel)], lang)) for n in neighbors),
                    multihop=tuple(QA(t.format(s=self.name(subj, lang)), self.name(self.two_hop(subj, c, new), lang))
                                   for c in chains for t in lexicon.TWO_HOP_TEMPLATES[c][lang]),
                )
            meta = {"relation": rel, "subject_id": subj, "target_true_id": obj, "target_new_id": new, "split": split}
            if version == 2:
                # Paraphrase index of the held-out template (the last one) and where the corpus states the fact.
                meta["held_out_paraphrase"] = len(relation_templates(rel, self.config.languages[0], version)) - 2
                meta["pretraining_languages"] = list(self.fact_languages(subj, rel))
                meta["object_type"] = RELATIONS[rel][1]
            cases.append(EditCase(case_id=f"world-{subj}-{rel}", views=views, meta=meta))
        return cases


def build_world(config: WorldConfig | None = None) -> World:
    """Generate the world for ``config`` (deterministic from its seed)."""
    config = config or WorldConfig()
    rng = random.Random(config.seed)
    langs = config.languages
    entities: dict[str, Entity] = {}
    taken: set = set()

    def add(etype: str, idx: int, names: dict[str, str]) -> str:
        eid = f"{etype}{idx:03d}"
        entities[eid] = Entity(eid, etype, names)
        return eid

    for i, (g, f) in enumerate(zip(distinct_roots(rng, config.n_people, 2, 2, taken, 0.2),
                                   distinct_roots(rng, config.n_people, 2, 3, taken, 0.3))):
        add("person", i, {lang: person_name(g, f, lang) for lang in langs})
    for i, root in enumerate(distinct_roots(rng, config.n_cities, 2, 3, taken)):
        add("city", i, {lang: place_name(root, lang) for lang in langs})
    for i, root in enumerate(distinct_roots(rng, config.n_countries, 2, 2, taken, coda_prob=1.0)):
        add("country", i, {lang: country_name(root, lang) for lang in langs})
        add("language", i, {lang: language_name(root, lang) for lang in langs})
    for i, root in enumerate(distinct_roots(rng, config.n_companies, 3, 3, taken, coda_prob=0.5)):
        add("company", i, {lang: place_name(root, lang) for lang in langs})
    for i, root in enumerate(distinct_roots(rng, config.n_universities, 2, 2, taken)):
        add("university", i, {lang: lexicon.UNIVERSITY_FORMAT[lang].format(place_name(root, lang)) for lang in langs})
    for etype, table in (("occupation", lexicon.OCCUPATIONS), ("instrument", lexicon.INSTRUMENTS),
                         ("sport", lexicon.SPORTS)):
        for i, key in enumerate(sorted(table)):
            add(etype, i, {lang: table[key][lang] for lang in langs})
    for lang in langs:
        check_unique([e.names[lang] for e in entities.values()], f"world names ({lang})")

    facts: dict[tuple[str, str], str] = {}
    ids = {etype: [e.id for e in entities.values() if e.type == etype] for etype in {e.type for e in entities.values()}}
    countries, cities = ids["country"], ids["city"]
    # Each country gets cities (round robin after a shuffle, so none is empty); its capital is one of them.
    shuffled = cities[:]
    rng.shuffle(shuffled)
    for i, city in enumerate(shuffled):
        facts[(city, "city_country")] = countries[i % len(countries)]
    for k, country in enumerate(countries):
        facts[(country, "capital")] = rng.choice([c for c in shuffled if facts[(c, "city_country")] == country])
        facts[(country, "official_language")] = ids["language"][k]
    for company in ids["company"]:
        facts[(company, "headquarters")] = rng.choice(cities)
    for uni in ids["university"]:
        facts[(uni, "university_city")] = rng.choice(cities)
    for person in ids["person"]:
        city = rng.choice(cities)
        facts[(person, "birthplace")] = city
        facts[(person, "citizenship")] = facts[(city, "city_country")] if rng.random() < 0.7 else rng.choice(countries)
        lang_of = ids["language"][countries.index(facts[(person, "citizenship")])]
        facts[(person, "native_language")] = lang_of if rng.random() < 0.8 else rng.choice(ids["language"])
        facts[(person, "occupation")] = rng.choice(ids["occupation"])
        facts[(person, "employer")] = rng.choice(ids["company"])
        facts[(person, "educated_at")] = rng.choice(ids["university"])
        facts[(person, "instrument")] = rng.choice(ids["instrument"])
        facts[(person, "sport")] = rng.choice(ids["sport"])
    facts = {key: facts[key] for key in sorted(facts)}

    split_of: dict[str, str] = {}
    for etype in sorted({RELATIONS[r][0] for r in RELATIONS}):
        members = sorted(ids[etype])
        rng.shuffle(members)
        n_train = round(config.split_fractions[0] * len(members))
        n_val = round(config.split_fractions[1] * len(members))
        for j, member in enumerate(members):
            split_of[member] = "train" if j < n_train else "val" if j < n_train + n_val else "test"

    world = World(config, entities, facts, split_of)
    for (subj, rel), obj in facts.items():
        candidates = [e for e in ids[RELATIONS[rel][1]] if e != obj]
        world.new_objects[(subj, rel)] = rng.choice(candidates)
    if config.version == 2:
        world.single_language = _single_language_facts(world)
    return world


def _single_language_facts(world: World) -> dict[tuple[str, str], str]:
    """v2: ``single_language_share`` of each split's person facts, drawn with their own seed, each assigned one of
    ``single_languages`` in turn."""
    config = world.config
    rng = random.Random(f"{config.seed}-single-language")
    chosen: dict[tuple[str, str], str] = {}
    for split in ("train", "val", "test"):
        pool = [key for key in world.facts if RELATIONS[key[1]][0] == "person" and world.split_of[key[0]] == split]
        for key in sorted(rng.sample(pool, round(config.single_language_share * len(pool)))):
            # the turn runs on across splits, so the languages' totals differ by one at most
            chosen[key] = config.single_languages[len(chosen) % len(config.single_languages)]
    return chosen


__all__ = ["CHAINS", "RELATIONS", "V2_FIELDS", "World", "WorldConfig", "build_world"]
