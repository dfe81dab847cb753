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
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from mke_lightning.data.languages import target_separator
from mke_lightning.data.schema import QA, EditCase, LangView
from mke_lightning.data.world import lexicon
from mke_lightning.data.world.names import (
    check_unique,
    country_name,
    distinct_roots,
    language_name,
    person_name,
    place_name,
)

#: relation -> (subject type, object type)
RELATIONS: dict[str, tuple[str, str]] = {
    "birthplace": ("person", "city"),
    "citizenship": ("person", "country"),
    "occupation": ("person", "occupation"),
    "employer": ("person", "company"),
    "educated_at": ("person", "university"),
    "instrument": ("person", "instrument"),
    "sport": ("person", "sport"),
    "native_language": ("person", "language"),
    "city_country": ("city", "country"),
    "headquarters": ("company", "city"),
    "capital": ("country", "city"),
    "official_language": ("country", "language"),
    "university_city": ("university", "city"),
}

#: chain -> (first relation, second relation)
CHAINS: dict[str, tuple[str, str]] = {
    "birthplace_country": ("birthplace", "city_country"),
    "employer_headquarters": ("employer", "headquarters"),
    "citizenship_capital": ("citizenship", "capital"),
    "university_city": ("educated_at", "university_city"),
    "citizenship_language": ("citizenship", "official_language"),
}

_END_PUNCT = {"zh": "。", "ja": "。", "th": ""}


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

    def name(self, entity_id: str, lang: str) -> str:
        return self.entities[entity_id].names[lang]

    def of_type(self, etype: str) -> list[str]:
        return [e.id for e in self.entities.values() if e.type == etype]

    # ---- text -----------------------------------------------------------------------------------------------
    def statement(self, template: str, subject_id: str, object_id: str, lang: str, kind: str) -> dict[str, str]:
        """A corpus row: the prompt (template with the subject), the answer (object) and the full sentence."""
        prompt, answer, end = template.format(s=self.name(subject_id, lang)), self.name(object_id, lang), _END_PUNCT.get(lang, ".")
        return {"lang": lang, "kind": kind, "prompt": prompt, "answer": answer, "end": end,
                "text": prompt + target_separator(lang) + answer + end}

    def two_hop(self, person: str, chain: str, first_object: str | None = None) -> str:
        """Answer of ``chain`` for ``person``; ``first_object`` overrides the first hop (the post-edit answer)."""
        r1, r2 = CHAINS[chain]
        mid = first_object if first_object is not None else self.facts[(person, r1)]
        return self.facts[(mid, r2)]

    # ---- exports --------------------------------------------------------------------------------------------
    def corpus(self) -> Iterator[dict[str, str]]:
        """Pretraining rows: every fact x template x language; the first two-hop question of each chain for
        train/val people. Rows keep prompt and answer apart so pretraining tokenizes them as scorers do."""
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
            views = {}
            for lang in self.config.languages:
                templates = lexicon.TEMPLATES[rel][lang]
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
            cases.append(EditCase(case_id=f"world-{subj}-{rel}", views=views,
                                  meta={"relation": rel, "subject_id": subj, "target_true_id": obj,
                                        "target_new_id": new, "split": split}))
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
    return world


__all__ = ["CHAINS", "RELATIONS", "World", "WorldConfig", "build_world"]
