"""The synthetic world: determinism, shape (languages, relations, templates), edit requests and splits."""

from __future__ import annotations

import gzip
import hashlib
import json
from collections import Counter
from pathlib import Path

import pytest

from mke_lightning.data.languages import target_separator
from mke_lightning.data.reading import read_edit_cases
from mke_lightning.data.world import lexicon
from mke_lightning.data.world.export import export_world, read_corpus
from mke_lightning.data.world.generator import CHAINS, RELATIONS, WorldConfig, build_world

REPO = Path(__file__).resolve().parents[3]
SHIPPED = REPO / "checkpoints" / "world-data"
SMALL = WorldConfig(seed=3, n_people=30, n_cities=10, n_countries=4, n_companies=5, n_universities=4)


@pytest.fixture(scope="module")
def world():
    return build_world(SMALL)


def test_same_seed_same_world_other_seed_other_world():
    a, b, c = build_world(SMALL), build_world(SMALL), build_world(WorldConfig(**{**SMALL.__dict__, "seed": 4}))
    assert a.facts == b.facts and a.new_objects == b.new_objects
    assert {e.id: e.names for e in a.entities.values()} == {e.id: e.names for e in b.entities.values()}
    assert a.facts != c.facts


def test_languages_relations_templates():
    required = {"en", "de", "fr", "es", "ru", "zh", "ja", "th"}
    assert required <= set(WorldConfig().languages)
    assert len(RELATIONS) >= 10
    for rel in RELATIONS:
        for lang in WorldConfig().languages:
            templates = lexicon.TEMPLATES[rel][lang]
            assert len(templates) >= 3, (rel, lang)
            assert all(t.count("{s}") == 1 for t in templates)
    for chain, (r1, r2) in CHAINS.items():
        assert RELATIONS[r1][1] == RELATIONS[r2][0], chain  # the first hop's object is the second hop's subject


def test_surface_forms_distinct_per_language_and_scripts_differ(world):
    for lang in world.config.languages:
        names = [e.names[lang] for e in world.entities.values()]
        assert len(names) == len(set(names)), lang
    person = world.of_type("person")[0]
    names = world.entities[person].names
    assert names["en"] == names["de"] == names["fr"] == names["es"]  # Latin scripts share person names
    assert len({names["en"], names["ru"], names["zh"], names["ja"], names["th"]}) == 5


def test_edit_requests_change_object_within_type(world):
    for (subj, rel), obj in world.facts.items():
        new = world.new_objects[(subj, rel)]
        assert new != obj
        assert world.entities[new].type == world.entities[obj].type == RELATIONS[rel][1]
        assert world.entities[subj].type == RELATIONS[rel][0]


def test_splits_disjoint_by_subject_and_cases_consistent(world):
    subjects = {split: {c.meta["subject_id"] for c in world.edit_cases(split)} for split in ("train", "val", "test")}
    assert not subjects["train"] & subjects["test"] and not subjects["train"] & subjects["val"]
    assert not subjects["val"] & subjects["test"]
    all_cases = [c for split in ("train", "val", "test") for c in world.edit_cases(split)]
    assert len(all_cases) == len(world.facts)
    for case in all_cases:
        subj, rel = case.meta["subject_id"], case.meta["relation"]
        for lang, view in case.views.items():
            assert view.subject in view.prompt and all(view.subject in p for p in view.paraphrases)
            assert view.target_true == world.name(world.facts[(subj, rel)], lang)
            assert view.target_new == world.name(world.new_objects[(subj, rel)], lang)
            assert len(view.neighborhood) == world.config.n_neighbors
            assert all(view.subject not in qa.prompt for qa in view.neighborhood)
        if RELATIONS[rel][0] == "person" and any(r1 == rel for r1, _ in CHAINS.values()):
            assert case.views["en"].multihop
        # Multi-hop answers are the second hop applied to the NEW object (the post-edit answer).
        for chain, (r1, r2) in CHAINS.items():
            if r1 == rel:
                expected = world.name(world.facts[(world.new_objects[(subj, rel)], r2)], "de")
                assert expected in {qa.answer for qa in case.views["de"].multihop}


def test_neighbourhood_answers_are_true_objects(world):
    case = world.edit_cases("test")[0]
    rel = case.meta["relation"]
    by_prompt = {lexicon.TEMPLATES[rel]["fr"][0].format(s=world.name(s, "fr")): world.name(o, "fr")
                 for (s, r), o in world.facts.items() if r == rel}
    for qa in case.views["fr"].neighborhood:
        assert by_prompt[qa.prompt] == qa.answer


def test_corpus_rows_and_heldout_two_hop(world):
    rows = list(world.corpus())
    kinds = Counter(r["kind"].split("/")[0] for r in rows)
    assert kinds["fact"] == sum(len(lexicon.TEMPLATES[r][lang]) for (_, r) in world.facts for lang in world.config.languages)
    for row in rows[:: max(1, len(rows) // 200)]:
        assert row["text"] == row["prompt"] + target_separator(row["lang"]) + row["answer"] + row["end"]
    test_people = [world.name(p, "en") for p in world.of_type("person") if world.split_of[p] == "test"]
    two_hop_en = [r["prompt"] for r in rows if r["kind"].startswith("two_hop") and r["lang"] == "en"]
    assert test_people and not any(name in prompt for name in test_people for prompt in two_hop_en)


def test_export_reads_back_in_unified_schema(tmp_path):
    counts = export_world(tmp_path, SMALL)
    cases, report = read_edit_cases(tmp_path / "test.jsonl")
    assert len(cases) == counts["test"] and not report.subject_missing
    assert set(cases[0].views) == set(SMALL.languages)
    assert len(read_corpus(tmp_path)) == counts["corpus"]


def test_corpus_is_compressed_reproducibly_and_an_unpacked_one_is_read_too(tmp_path):
    export_world(tmp_path / "a", SMALL)
    export_world(tmp_path / "b", SMALL)
    packed = (tmp_path / "a" / "corpus.jsonl.gz").read_bytes()
    assert packed == (tmp_path / "b" / "corpus.jsonl.gz").read_bytes()  # no file name, no time in the header
    assert packed[3] == 0 and packed[4:8] == b"\0\0\0\0"  # gzip FLG (no name) and MTIME fields
    assert not (tmp_path / "a" / "corpus.jsonl").exists()
    rows = read_corpus(tmp_path / "a")
    (tmp_path / "a" / "corpus.jsonl").write_bytes(gzip.decompress(packed))
    (tmp_path / "a" / "corpus.jsonl.gz").unlink()
    assert read_corpus(tmp_path / "a") == rows
    (tmp_path / "a" / "corpus.jsonl").unlink()
    with pytest.raises(FileNotFoundError, match="corpus.jsonl.gz .nor corpus.jsonl"):
        read_corpus(tmp_path / "a")
    (tmp_path / "b" / "corpus.jsonl").write_text("stale")  # an earlier world's corpus: regenerating removes it
    export_world(tmp_path / "b", SMALL)
    assert not (tmp_path / "b" / "corpus.jsonl").exists()


def _content(path: Path) -> bytes:
    """A world file's bytes, the corpus decompressed (its compressed bytes may differ across zlib builds)."""
    return gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()


@pytest.mark.skipif(not SHIPPED.is_dir(), reason="shipped world data not present")
def test_shipped_world_is_regenerated_exactly(tmp_path):
    """The committed data is what `mke world generate --version 2` (seed 0, the v2 recipe) writes: the shipped
    models were trained on it."""
    config = json.loads((SHIPPED / "world.json").read_text(encoding="utf-8"))["config"]
    assert config["seed"] == 0 and config["version"] == 2
    export_world(tmp_path, WorldConfig(version=2))
    for name in ("world.json", "train.jsonl", "val.jsonl", "test.jsonl", "corpus.jsonl.gz"):
        assert _content(tmp_path / name) == _content(SHIPPED / name), name


#: SHA-256 of the world v1 files (seed 0) as shipped until world v2 replaced them (git history of
#: checkpoints/world-data; the corpus was shipped uncompressed, so its digest is of the decompressed file): the v1
#: world stays reproducible behind ``version=1``.
V1_SHA256 = {
    "world.json": "b0aa846eb406afa3e7536de6fe4843aff4c75feb4be5515f7f8abf518477461f",
    "train.jsonl": "32d19a92c9534adee82c2a39f1b908955adf16d3d64bb0afb9c477e07aa64e21",
    "val.jsonl": "ce523ab15231f371e65caa190a5409045e0474c31f57396115862e2c430a8139",
    "test.jsonl": "9615e506d6f66c7688fb5310fe2de370c587667eb030b7adea0d1297116ddd9d",
    "corpus.jsonl.gz": "bcb0a66c80d68acd39d02ce2440b8c1b5eaa8d9858e09a5a39bb51ae4d4431f8",
}


def test_world_v1_is_regenerated_exactly(tmp_path):
    export_world(tmp_path, WorldConfig(version=1))
    digests = {name: hashlib.sha256(_content(tmp_path / name)).hexdigest() for name in V1_SHA256}
    assert digests == V1_SHA256


@pytest.mark.skipif(not SHIPPED.is_dir(), reason="shipped world data not present")
def test_shipped_world_has_enough_test_cases():
    cases, _ = read_edit_cases(SHIPPED / "test.jsonl")
    assert len(cases) >= 200


def test_no_template_is_a_prefix_of_another():
    """A prompt that is a prefix of another template has two continuations in the corpus (" Paris" and " the city
    of Paris"), so a model cannot know which to produce: every template of a language must be prefix-free."""
    for lang in WorldConfig().languages:
        templates = [t for d in lexicon.TEMPLATES.values() for t in d[lang]]
        templates += [t for d in lexicon.TWO_HOP_TEMPLATES.values() for t in d[lang]]
        assert len(templates) == len(set(templates)), lang
        clashes = [(a, b) for a in templates for b in templates if a != b and b.startswith(a)]
        assert not clashes, (lang, clashes)
