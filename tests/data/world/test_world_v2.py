"""World v2: the same facts as v1 with diverse text: held-out templates, passages, code-switching, an alignment
dictionary and single-language facts."""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest

from mke_lightning.data.languages import is_spaceless
from mke_lightning.data.world import generator
from mke_lightning.data.world.export import export_world, load_world_config
from mke_lightning.data.world.generator import RELATIONS, V2_FIELDS, WorldConfig, build_world
from mke_lightning.data.world.recall import world_probes
from mke_lightning.data.world.wording import held_out_template, pretraining_templates, relation_templates

V2 = WorldConfig(seed=5, n_people=40, n_cities=10, n_countries=4, n_companies=5, n_universities=4, version=2)
#: the same world with every fact stated with the six seen templates (v2 before the template-pool recipe)
PLAIN_V2 = WorldConfig(**{**V2.__dict__, "more_templates": 0, "templates_per_fact": 0, "keep_prompt_template": False})


@pytest.fixture(scope="module")
def world():
    return build_world(V2)


@pytest.fixture(scope="module")
def corpus(world):
    return list(world.corpus())


def _subject_first(template: str, lang: str) -> bool:
    """The subject opens the sentence (after at most an article in the spaced languages: "Die {s}", "L'{s}")."""
    before = template.split("{s}")[0]
    return before == "" or (not is_spaceless(lang) and len(before.split()) == 1 and len(before) <= 4)


def test_v2_keeps_the_facts_of_v1_and_changes_only_the_text():
    v1 = build_world(WorldConfig(**{**PLAIN_V2.__dict__, "version": 1}))
    v2 = build_world(V2)
    assert v1.facts == v2.facts and v1.new_objects == v2.new_objects and v1.split_of == v2.split_of
    assert {e.id: e.names for e in v1.entities.values()} == {e.id: e.names for e in v2.entities.values()}
    assert not v1.single_language
    assert relation_templates("birthplace", "en", 2)[:4] == relation_templates("birthplace", "en", 1)


def test_seven_distinct_templates_per_relation_and_language_in_both_word_orders():
    for rel in RELATIONS:
        for lang in V2.languages:
            templates = relation_templates(rel, lang, 2)
            assert len(templates) == 7 and len(set(templates)) == 7, (rel, lang)
            assert all(t.count("{s}") == 1 and t.count("{") == 1 and "}" not in t.replace("{s}", "")
                       for t in templates), (rel, lang)
            first = sum(_subject_first(t, lang) for t in templates)
            assert first >= 2 and len(templates) - first >= 2, (rel, lang, templates)
            assert pretraining_templates(rel, lang, 2) == templates[:6]
            assert held_out_template(rel, lang, 2) == templates[6]
    assert held_out_template("birthplace", "en", 1) is None
    with pytest.raises(ValueError, match="world version must be one of"):
        relation_templates("birthplace", "en", 3)


def _words(template: str, lang: str) -> list[str]:
    """The words of a template without its subject slot (and an English possessive on it, which every relation
    teaches): characters in the spaceless languages (zh, ja, th)."""
    text = template.replace("{s}'s", " ").replace("{s}", " ").lower()
    if is_spaceless(lang):
        return [c for c in text if c.isalnum()]
    return re.findall(r"\w+", text)


def _ending(template: str, lang: str) -> str:
    """The last word of a template (its last two characters in the spaceless languages)."""
    text = template.rstrip()
    return text[-2:] if is_spaceless(lang) else text.split()[-1].lower()


def test_a_held_out_template_is_a_new_sentence_of_words_its_relation_s_seen_templates_teach():
    """The held-out template is a new sentence made of words the corpus teaches for that relation, ending on a word
    that ends a seen template of the relation (the cue before the object): a synthetic world cannot teach what a
    word it never shows means, so a held-out word would measure guessing, not generalisation to a new wording."""
    for rel in RELATIONS:
        for lang in V2.languages:
            seen = {w for t in pretraining_templates(rel, lang, 2) for w in _words(t, lang)}
            held_out = held_out_template(rel, lang, 2)
            untaught = [w for w in _words(held_out, lang) if w not in seen]
            assert not untaught, (rel, lang, held_out, untaught)
            # and it ends as a seen template of the relation does: the word before the object cues the answer
            endings = {_ending(t, lang) for t in pretraining_templates(rel, lang, 2)}
            assert _ending(held_out, lang) in endings, (rel, lang, held_out, sorted(endings))


def _held_out_frames_found(texts: dict[str, list[str]]) -> list[tuple[str, str]]:
    """(relation, language) of every held-out frame that occurs in the corpus texts of its language."""
    found = []
    for lang, lines in texts.items():
        blob = "\n".join(lines)
        for rel in RELATIONS:
            before, after = held_out_template(rel, lang, 2).split("{s}")
            # the frame around any subject, within one line
            pattern = re.escape(before) + r"[^\n]+?" + re.escape(after) if before else re.escape(after)
            if re.search(pattern, blob):
                found.append((rel, lang))
    return found


def _texts(corpus) -> dict[str, list[str]]:
    texts: dict[str, list[str]] = {}
    for row in corpus:
        texts.setdefault(row["lang"], []).append(row["text"])
    return texts


def test_no_held_out_template_text_occurs_in_the_corpus(world, corpus):
    texts = _texts(corpus)
    assert not _held_out_frames_found(texts)
    assert _held_out_frames_found({"en": ["The city of birth of Biba Vivi is Kosu."]}) == [("birthplace", "en")]
    # while every pretraining template does occur
    subj, rel = next(iter(world.facts))
    line = pretraining_templates(rel, "ja", 2)[5].format(s=world.name(subj, "ja"))
    assert any(line in t for t in texts["ja"])


def test_passages_state_two_to_four_facts_of_one_subject_in_varying_order(world, corpus):
    kinds = Counter(r["kind"].split("/")[0] for r in corpus)
    assert kinds["passage"] / (kinds["passage"] + kinds["fact"]) == pytest.approx(V2.passage_share, abs=0.01)
    joiner = {"en": ". ", "zh": "。"}
    orders = set()
    for row in corpus:
        if not row["kind"].startswith("passage/") or row["lang"] not in joiner:
            continue
        n = int(row["kind"].split("/")[1])
        assert 2 <= n <= 4
        assert row["context"].count(joiner[row["lang"]]) == n - 2 + (row["lang"] == "zh")
        assert row["text"].startswith(row["context"]) and row["text"].endswith(row["answer"] + row["end"])
        if row["lang"] == "en":
            orders.add(row["context"].split(" ")[0])
    people = {world.name(p, "en").split(" ")[0] for p in world.of_type("person")}
    assert len(orders - people) > 1  # passages do not always open with the subject-first template of one relation


def test_code_switched_sentences_carry_another_languages_surface_form(world, corpus):
    forms = {lang: {e.names[lang] for e in world.entities.values()} for lang in V2.languages}
    switched = [r for r in corpus if r["kind"].startswith("switch/")]
    facts = sum(r["kind"].startswith("fact/") for r in corpus)
    share = V2.subject_switch_share + V2.object_switch_share
    assert len(switched) / facts == pytest.approx(share, rel=0.25)
    foreign_answers = 0
    for row in switched:
        own_answer = row["answer"] in forms[row["lang"]]
        foreign_answers += not own_answer
        if own_answer:  # then the subject is foreign: no own-language name occurs in the prompt as the subject
            assert any(name in row["prompt"] for lang, names in forms.items() if lang != row["lang"]
                       for name in names - forms[row["lang"]]), row
    assert 0 < foreign_answers < len(switched)


def test_alignment_dictionary_covers_every_entity_and_language_pair_whose_names_differ(world, corpus):
    aligned = {(r["lang"], r["kind"].split("/")[1], r["answer"]) for r in corpus if r["kind"].startswith("align/")}
    expected = {(a, b, e.names[b]) for e in world.entities.values() for a in V2.languages for b in V2.languages
                if a != b and e.names[a] != e.names[b]}
    assert aligned == expected
    row = next(r for r in corpus if r["kind"] == "align/zh" and r["lang"] == "en")
    assert row["prompt"].startswith("In Chinese, ")


def test_single_language_facts_are_stated_in_their_language_only(world, corpus, tmp_path):
    by_split = Counter(world.split_of[s] for s, _ in world.single_language)
    for split in ("train", "val", "test"):
        pool = sum(1 for s, r in world.facts if RELATIONS[r][0] == "person" and world.split_of[s] == split)
        assert by_split[split] == round(V2.single_language_share * pool)
    per_lang = Counter(world.single_language.values())
    assert set(per_lang) == {"en", "zh"} and abs(per_lang["en"] - per_lang["zh"]) <= 1  # half each
    (subj, rel), lang = next(iter(world.single_language.items()))
    obj = world.facts[(subj, rel)]
    for row in corpus:
        for other in V2.languages:
            said = world.name(subj, other) in row["text"] and world.name(obj, other) in row["text"]
            if said and row["kind"].split("/")[0] in ("fact", "switch") and row["kind"].split("/")[1] == rel:
                assert row["lang"] == lang and row["kind"].startswith("fact/"), row
    export_world(tmp_path, V2)
    assert load_world_config(tmp_path) == V2
    raw = json.loads((tmp_path / "world.json").read_text(encoding="utf-8"))
    assert len(raw["single_language_facts"]) == len(world.single_language) == sum(by_split.values())
    case = next(json.loads(line) for line in (tmp_path / f"{world.split_of[subj]}.jsonl").open(encoding="utf-8")
                if json.loads(line)["case_id"] == f"world-{subj}-{rel}")
    assert case["meta"]["pretraining_languages"] == [lang] and case["meta"]["held_out_paraphrase"] == 5
    assert case["meta"]["object_type"] == RELATIONS[rel][1]
    assert case["views"]["en"]["paraphrases"][5] == held_out_template(rel, "en", 2).format(s=world.name(subj, "en"))


def test_mixed_passages_state_one_subjects_facts_across_languages_and_keep_single_language_facts_apart(corpus):
    mixed_world = build_world(WorldConfig(**{**V2.__dict__, "mixed_passage_share": 1.0}))
    rows = list(mixed_world.corpus())
    kinds = Counter(r["kind"].split("/")[0] for r in rows)
    assert kinds["mixed_passage"] == Counter(r["kind"].split("/")[0] for r in corpus)["passage"] and not kinds["passage"]
    passages = [r for r in rows if r["kind"].startswith("mixed_passage/")]
    names = {e.id: set(e.names.values()) for e in mixed_world.entities.values()}
    subjects = [next(i for i in names if mixed_world.name(i, r["lang"]) in r["prompt"]) for r in passages[:200]]
    forms = [sum(name in row["text"] for name in names[subj]) for row, subj in zip(passages, subjects)]
    assert sum(f >= 2 for f in forms) > 0.5 * len(forms)  # most passages name their subject in several languages
    assert not any("。 " in r["text"] for r in passages)  # no space after a full-width stop
    assert any(r["lang"] == "en" and "。" in r["context"] and r["text"].startswith(r["context"] + r["prompt"])
               for r in passages)  # a Chinese or Japanese sentence runs on into an English one
    in_own_language = 0
    for (subj, rel), lang in mixed_world.single_language.items():
        for other in V2.languages:
            stated = [t.format(s=mixed_world.name(subj, other)) for t in pretraining_templates(rel, other, 2)]
            found = [r for r in passages for line in stated if line in r["text"]]
            if other == lang:
                in_own_language += len(found)
            else:
                assert not found, (subj, rel, other, found[:1])
    assert in_own_language  # the check above would see a single-language fact in a passage
    half = Counter(r["kind"].split("/")[0] for r in build_world(WorldConfig(**{**V2.__dict__,
                                                                              "mixed_passage_share": 0.5})).corpus())
    assert half["mixed_passage"] / (half["mixed_passage"] + half["passage"]) == pytest.approx(0.5, abs=0.05)


def test_v1_world_json_keeps_the_first_worlds_fields(tmp_path):
    export_world(tmp_path, WorldConfig(seed=5, n_people=8, n_cities=4, n_countries=2, n_companies=2,
                                       n_universities=2))
    config = json.loads((tmp_path / "world.json").read_text(encoding="utf-8"))["config"]
    assert not set(V2_FIELDS) & set(config)
    assert load_world_config(tmp_path).version == 1


def test_recall_probes_of_a_v2_world_name_held_out_templates_and_other_languages(world):
    kinds = Counter(p.kind for p in world_probes(world))
    n_single = len(world.single_language)
    assert kinds["held_out_template"] == (len(world.facts) * 8 - n_single * 7)
    assert kinds["other_language"] == n_single * 7 * 7
    assert {p.source for p in world_probes(world) if p.kind == "other_language"} == {"en", "zh"}


def test_a_larger_template_pool_varies_the_text_and_keeps_the_corpus_size_and_the_evaluation_cases():
    world = build_world(PLAIN_V2)
    corpus = list(world.corpus())
    pooled = build_world(WorldConfig(**{**PLAIN_V2.__dict__, "more_templates": 6, "templates_per_fact": 6}))
    rows = list(pooled.corpus())
    facts = Counter(r["kind"].split("/")[0] for r in rows)
    assert facts["fact"] == sum(r["kind"].startswith("fact/") for r in corpus)  # six statements per fact and language
    used = Counter(int(r["kind"].split("/")[2]) for r in rows if r["kind"].startswith("fact/"))
    assert set(used) == set(range(12)) and min(used.values()) > 0.3 * max(used.values())
    per_fact = Counter((r["lang"], r["prompt"]) for r in rows if r["kind"].startswith("fact/birthplace/"))
    assert max(per_fact.values()) == 1  # a fact is never stated twice with one template
    assert not _held_out_frames_found(_texts(rows))
    assert pooled.edit_cases("test") == world.edit_cases("test")
    extra = pretraining_templates("birthplace", "en", 2, more=6)[6:]
    assert any(t.format(s=pooled.name(s, "en")) in r["prompt"] for t in extra for r in rows
               for s, rel in pooled.facts if rel == "birthplace") and len(extra) == 6


def test_keep_prompt_template_states_every_fact_with_its_edit_prompt_and_draws_the_rest():
    options = {**PLAIN_V2.__dict__, "more_templates": 6, "templates_per_fact": 6}
    drawn = list(build_world(WorldConfig(**options)).corpus())
    kept_world = build_world(WorldConfig(**{**options, "keep_prompt_template": True}))
    kept = list(kept_world.corpus())
    fact_langs = Counter((r["lang"], r["kind"].split("/")[1], r["prompt"]) for r in kept
                         if r["kind"].startswith("fact/") and r["kind"].endswith("/0"))
    n_fact_langs = sum(len(kept_world.fact_languages(s, rel)) for s, rel in kept_world.facts)
    assert len(fact_langs) == n_fact_langs and max(fact_langs.values()) == 1
    assert sum(r["kind"].startswith("fact/") for r in kept) == sum(r["kind"].startswith("fact/") for r in drawn)
    edit_prompts = [(lang, case.views[lang].prompt) for case in kept_world.edit_cases("test")
                    for lang in case.meta["pretraining_languages"]]
    for rows in (drawn, kept):
        stated = {(r["lang"], r["prompt"]) for r in rows if r["kind"].startswith("fact/")}
        unstated = sum(p not in stated for p in edit_prompts)
        assert (unstated > 0.3 * len(edit_prompts)) if rows is drawn else unstated == 0
    used = Counter(int(r["kind"].split("/")[2]) for r in kept if r["kind"].startswith("fact/"))
    assert used[0] == n_fact_langs and set(used) == set(range(12))
    assert min(v for k, v in used.items() if k) > 0.3 * max(v for k, v in used.items() if k)


def test_template_options_left_unset_take_the_versions_recipe():
    assert (V2.more_templates, V2.templates_per_fact, V2.keep_prompt_template) == (6, 6, True)
    v1 = WorldConfig()
    assert (v1.more_templates, v1.templates_per_fact, v1.keep_prompt_template) == (0, 0, False)
    recipe = list(build_world(V2).corpus())
    assert recipe == list(build_world(WorldConfig(**{**PLAIN_V2.__dict__, "more_templates": 6, "templates_per_fact": 6,
                                                     "keep_prompt_template": True})).corpus())
    assert recipe != list(build_world(PLAIN_V2).corpus())
    every_template = WorldConfig(version=2, templates_per_fact=0)  # nothing left to keep
    assert (every_template.more_templates, every_template.keep_prompt_template) == (6, False)
    with pytest.raises(ValueError, match="keep_prompt_template needs templates_per_fact > 0"):
        WorldConfig(version=2, templates_per_fact=0, keep_prompt_template=True)


def test_the_recipes_template_pool_is_capped_at_what_every_language_has(monkeypatch):
    monkeypatch.setattr(generator, "max_more_templates", lambda languages, version: 2)
    assert WorldConfig(version=2).more_templates == 2
    with pytest.raises(ValueError, match=r"more_templates must be in \[0, 2\]"):
        WorldConfig(version=2, more_templates=6)


@pytest.mark.parametrize("option, value, message", [
    ("version", 3, "version must be one of"), ("passage_share", 1.0, "passage_share must be below 1"),
    ("more_templates", 7, r"more_templates must be in \[0, 6\]"), ("templates_per_fact", 13, "templates_per_fact must"),
    ("mixed_passage_share", 1.5, "mixed_passage_share must be in"),
    ("subject_switch_share", -0.1, "subject_switch_share must be in"),
    ("single_languages", ("ko",), "single_languages must be non-empty and among"),
])
def test_bad_v2_options_are_refused_by_name(option, value, message):
    with pytest.raises(ValueError, match=message):
        WorldConfig(**{"version": 2, option: value})
    with pytest.raises(ValueError, match="read by world version 2 only"):
        WorldConfig(more_templates=2)
    with pytest.raises(ValueError, match="mixed_passage_share are read by world version 2 only"):
        WorldConfig(mixed_passage_share=0.5)
