"""mke probe: recall kinds from case metadata, transfer and RankC tables, candidate sets, the verb's files."""

from __future__ import annotations

import json

import pytest
import torch

from mke_lightning.analysis.knowledge_probe import (
    case_probes,
    cross_script_mean,
    probe_knowledge,
    rank_queries,
    recall_tables,
    relation_of,
    subject_blind_transfer,
    transfer_by_relation,
)
from mke_lightning.cli import cli_main
from mke_lightning.data.reading import write_edit_cases
from mke_lightning.data.schema import EditCase, LangView
from mke_lightning.models.loading import load_causal_lm


def _case(cid, rel, answers, meta=None, paraphrases=2):
    views = {lang: LangView(subject=f"S{cid}", prompt=f"S{cid} {rel} {lang}", target_new="N", target_true=answer,
                            paraphrases=tuple(f"S{cid} {rel} {lang} p{i}" for i in range(paraphrases)))
             for lang, answer in answers.items()}
    return EditCase(case_id=cid, views=views, meta={"relation": rel, **(meta or {})})


def test_probe_kinds_follow_the_held_out_template_and_single_language_metadata():
    cases = [_case("a", "r", {"en": "X", "zh": "甲"}, {"held_out_paraphrase": 1, "pretraining_languages": ["en", "zh"]}),
             _case("b", "r", {"en": "Y", "zh": "乙"}, {"held_out_paraphrase": 1, "pretraining_languages": ["zh"]})]
    probes = case_probes(cases, ["en", "zh"])
    kinds = {(p.prompt, p.kind, p.source) for p in probes}
    assert ("Sa r en", "prompt", "") in kinds and ("Sa r en p0", "paraphrase", "") in kinds
    assert ("Sa r zh p1", "held_out_template", "") in kinds
    # b was learnt in zh only: its zh probes name the source, its en probes are other_language
    assert {k for (t, k, s) in kinds if t.startswith("Sb r en")} == {"other_language"}
    assert {s for (t, k, s) in kinds if t.startswith("Sb")} == {"zh"}
    assert ("Sb r zh p1", "held_out_template", "zh") in kinds
    hits = [p.answer in ("X", "甲", "乙") for p in probes]  # a known everywhere, b only in zh
    recall, transfer = recall_tables(probes, hits)
    assert recall["other_language"] == {"en": 0.0, "all": 0.0}
    assert recall["prompt"]["all"] == pytest.approx(3 / 3)
    assert transfer == {"zh": {"en": 0.0, "zh": 1.0}}


def test_transfer_by_relation_keeps_relations_and_scripts_apart():
    cases = [_case("b", "r", {"en": "Y", "de": "Y", "zh": "乙"}, {"pretraining_languages": ["zh"]}),
             _case("c", "q", {"en": "W", "de": "W", "zh": "丁"}, {"pretraining_languages": ["en"]}),
             _case("d", "q", {"en": "V", "de": "V", "zh": "丙"})]
    probes = case_probes(cases, ["en", "de", "zh"])
    relations = [c.meta["relation"] for c in cases for _ in case_probes([c], ["en", "de", "zh"])]
    hits = [p.answer in ("W", "乙") for p in probes]  # c known in en and de, not in zh; b only in zh
    table = transfer_by_relation(probes, hits, relations)
    assert table == {"en": {"q": {"same_script": 1.0, "cross_script": 0.0}}, "zh": {"r": {"cross_script": 0.0}}}
    with pytest.raises(ValueError):
        transfer_by_relation(probes, hits, relations[:-1])


def test_the_subject_blind_baseline_always_answers_each_relations_most_frequent_answer():
    known = [_case(f"k{i}", "r", {"en": a, "zh": z}) for i, (a, z) in enumerate([("X", "甲"), ("X", "甲"), ("Y", "乙")])]
    known.append(_case("q0", "q", {"en": "U", "zh": "丙"}))
    known += [_case("q1", "q", {"en": "V", "zh": "丁"}), _case("q2", "q", {"en": "V", "zh": "丁"})]
    single = [_case("s0", "r", {"en": "X", "zh": "甲"}, {"pretraining_languages": ["zh"]}),
              _case("s1", "r", {"en": "Y", "zh": "乙"}, {"pretraining_languages": ["zh"]}),
              _case("s2", "q", {"en": "U", "zh": "丙"}, {"pretraining_languages": ["en"]})]
    baseline = subject_blind_transfer(known + single, ["en", "zh"])
    # relation r: X (3 of 5 cases) is the mode, so s0 scores and s1 does not; relation q: U and V tie, 2 each (half)
    assert baseline == {"zh": {"en": 0.5, "zh": 0.5}, "en": {"en": 0.5, "zh": 0.5}}
    three = [_case("t", "r", {"en": "X", "zh": "甲"}, {"pretraining_languages": ["zh"]}, paraphrases=5)]
    # every template weighs the same: t asked 6 ways (mode), s1 3 ways (not)
    assert subject_blind_transfer(known + three + single[1:2], ["en", "zh"])["zh"]["en"] == pytest.approx(6 / 9)
    assert subject_blind_transfer(known, ["en", "zh"]) == {}  # no single-language fact: no table


def test_cases_without_a_relation_are_grouped_by_object_type_in_both_transfer_tables():
    def typed(cid, answers, object_type, seen=None):
        case = _case(cid, "", answers, {"pretraining_languages": seen} if seen else None)
        return EditCase(case_id=cid, views=case.views, meta={**{k: v for k, v in case.meta.items() if k != "relation"},
                                                             "object_type": object_type})

    cases = [typed("a", {"en": "X", "zh": "甲"}, "city"), typed("b", {"en": "X", "zh": "甲"}, "city"),
             typed("c", {"en": "P", "zh": "丙"}, "person"),
             typed("s", {"en": "X", "zh": "甲"}, "city", ["zh"]), typed("t", {"en": "Q", "zh": "丁"}, "person", ["zh"])]
    assert [relation_of(c) for c in cases] == ["city", "city", "person", "city", "person"]
    assert relation_of(_case("u", "r", {"en": "X"})) == "r" and relation_of(EditCase("v", cases[0].views)) == ""
    # per object type, the baseline's mode is X for cities (s scores) and a tie P/Q for people (t scores half)
    assert subject_blind_transfer(cases, ["en", "zh"])["zh"]["en"] == pytest.approx((3 * 1 + 3 * 0.5) / 6)
    probes = case_probes(cases, ["en", "zh"])
    relations = [relation_of(c) for c in cases for _ in case_probes([c], ["en", "zh"])]
    table = transfer_by_relation(probes, [p.answer == "X" for p in probes], relations)
    assert table == {"zh": {"city": {"cross_script": 1.0}, "person": {"cross_script": 0.0}}}


def test_rank_queries_align_candidates_across_languages_and_keep_the_true_one():
    cases = [_case(str(i), "r", {"en": f"E{i % 5}", "zh": f"Z{i % 5}"}) for i in range(12)]
    cases.append(_case("lonely", "q", {"en": "E", "zh": "Z"}))  # the only answer of its relation: no query
    cases.append(_case("no-zh", "r", {"en": "E1"}))  # not asked in every language: no query
    cases.append(_case("en-only", "r", {"en": "E1", "zh": "Z1"}, {"pretraining_languages": ["en"]}))  # taught in en
    queries = rank_queries(cases, ["en", "zh"], max_candidates=3, seed=1)
    typed = [_case(str(i), f"r{i % 2}", {"en": f"E{i}", "zh": f"Z{i}"}, {"object_type": "city"}) for i in range(4)]
    assert all(len(q.candidates["en"]) == 3 for q in rank_queries(typed, ["en", "zh"], 3))  # one type, two relations
    assert [q.case_id for q in queries] == [str(i) for i in range(12)]
    for q, case in zip(queries, cases):
        assert len(q.candidates["en"]) == 3
        assert [c[1:] for c in q.candidates["en"]] == [c[1:] for c in q.candidates["zh"]]  # E3 <-> Z3
        assert case.views["en"].target_true in q.candidates["en"]
    assert rank_queries(cases, ["en", "zh"], 3, 1) == queries  # seeded
    with pytest.raises(ValueError, match="max_candidates must be at least 2"):
        rank_queries(cases, ["en"], max_candidates=1)


def test_cross_script_mean_uses_pairs_in_different_scripts_only():
    m = {"en": {"en": 1.0, "de": 0.9, "zh": 0.2}, "de": {"en": 0.9, "de": 1.0, "zh": 0.4},
         "zh": {"en": 0.2, "de": 0.4, "zh": 1.0}}
    assert cross_script_mean(m) == pytest.approx(0.3)


def test_probe_knowledge_on_a_tiny_model_is_symmetric_with_unit_diagonal(tiny_models, small_cases):
    model, tok = load_causal_lm(tiny_models["llama"])  # rotary: no position limit for long byte-level prompts
    result = probe_knowledge(model, tok, small_cases, ["en", "ru", "zh"], max_candidates=4, batch_size=16)
    rankc = result["rankc"]
    assert result["rankc_queries"] > 0
    for a in rankc:
        assert rankc[a][a] == pytest.approx(1.0)
        for b in rankc:
            assert rankc[a][b] == pytest.approx(rankc[b][a])
            assert 0.0 <= rankc[a][b] <= 1.0 + 1e-9
    assert set(result["recall"]) == {"prompt", "paraphrase"}
    assert result["recall_probes"]["prompt"] == 3 * len(small_cases)
    # a random model disagrees with itself somewhere across languages
    assert min(v for a in rankc for b, v in rankc[a].items() if a != b) < 1.0
    with pytest.raises(ValueError, match="nothing to probe"):
        probe_knowledge(model, tok, small_cases[:2], ["xx"])
    assert torch.is_grad_enabled()


def test_probe_command_writes_json_and_heatmaps(tmp_path, tiny_models, small_cases, capsys):
    data = tmp_path / "cases.jsonl"
    write_edit_cases(small_cases, data)
    out = tmp_path / "probe"
    cli_main(["probe", "--model", tiny_models["llama"], "--data", str(data), "--languages", "[en, th]",
              "--max_cases", "14", "--max_candidates", "3", "--out", str(out)])
    result = json.loads((out / "probe.json").read_text(encoding="utf-8"))
    assert result["languages"] == ["en", "th"] and result["cases"] == 14
    assert set(result["rankc"]) == {"en", "th"}
    assert (out / "recall.png").stat().st_size > 0 and (out / "rankc.png").stat().st_size > 0
    assert not (out / "transfer.png").exists()  # no single-language facts in this world
    printed = capsys.readouterr().out
    assert "| prompt |" in printed and "mean RankC over cross-script pairs" in printed
    with pytest.raises(SystemExit):
        cli_main(["probe", "--model", tiny_models["llama"], "--data", str(data), "--languages", "[en, ko]",
                  "--out", str(out)])
    assert "no case has a view in ['ko']" in capsys.readouterr().err


def test_probe_reads_several_files_and_can_keep_only_the_single_language_facts(tmp_path, tiny_models, capsys):
    from mke_lightning.data.world.generator import WorldConfig, build_world

    small = {"seed": 2, "n_people": 10, "n_cities": 6, "n_countries": 3, "n_companies": 3, "n_universities": 3}
    world = build_world(WorldConfig(**small, version=2, single_language_share=0.3))
    splits = {split: world.edit_cases(split) for split in ("train", "test")}
    for split, cases in splits.items():
        write_edit_cases(cases, tmp_path / f"{split}.jsonl")
    single = [c for cases in splits.values() for c in cases if len(c.meta["pretraining_languages"]) == 1]
    assert {c.meta["split"] for c in single} == {"train", "test"}
    out = tmp_path / "probe"
    cli_main(["probe", "--model", tiny_models["llama"], "--data", f"[{tmp_path}/train.jsonl, {tmp_path}/test.jsonl]",
              "--single_language_only", "true", "--max_candidates", "3", "--out", str(out)])
    result = json.loads((out / "probe.json").read_text(encoding="utf-8"))
    assert result["cases"] == len(single)
    assert set(result["transfer"]) == set(result["transfer_subject_blind"]) == {"en", "zh"}
    everything = [c for cases in splits.values() for c in cases]
    assert result["transfer_subject_blind"] == subject_blind_transfer(single, result["languages"], everything)
    assert subject_blind_transfer(single, ["en"], everything) != subject_blind_transfer(single, ["en"])
    printed = capsys.readouterr().out
    assert "its subject-blind baseline" in printed and (out / "transfer.png").stat().st_size > 0
    assert "| zh " in printed.split("outside the language learnt in, per relation (%)")[1]
    relations = {rel for rels in result["transfer_by_relation"].values() for rel in rels}
    assert relations <= {c.meta["relation"] for c in single} and relations
    v1 = tmp_path / "v1.jsonl"
    write_edit_cases(build_world(WorldConfig(**small)).edit_cases("test"), v1)
    with pytest.raises(SystemExit):
        cli_main(["probe", "--model", tiny_models["gpt2"], "--data", str(v1), "--single_language_only", "true",
                  "--out", str(out)])
    assert "single_language_only: no case of" in capsys.readouterr().err


def test_probe_adds_the_reach_summary_of_an_editor_on_the_probed_model(tmp_path, tiny_models, small_cases):
    import yaml

    data = tmp_path / "cases.jsonl"
    write_edit_cases(small_cases, data)
    config = {
        "trainer": {"accelerator": "cpu", "logger": False},
        "model": {"class_path": "mke_lightning.editors.RomeEditor",
                  "init_args": {"model_name_or_path": "not-this-one", "layer": 1,
                                "optimization": {"v_num_grad_steps": 2}, "mom2_adjustment": False,
                                "templates": {"n_per_seed": 0}}},
        "data": {"class_path": "mke_lightning.data.EditDataModule",
                 "init_args": {"test_path": str(data), "languages": ["en", "zh"], "edit_languages": ["en", "zh"]}},
    }
    path = tmp_path / "rome.yaml"
    path.write_text(yaml.safe_dump(config))
    out = tmp_path / "probe"
    cli_main(["probe", "--model", tiny_models["llama"], "--data", str(data), "--languages", "[zh]",
              "--max_cases", "14", "--reach_config", str(path), "--reach_cases", "1", "--out", str(out)])
    reach = json.loads((out / "probe.json").read_text(encoding="utf-8"))["reach"]
    assert {row["lang"] for row in reach} == {"zh"}
    assert sum(row["texts"] for row in reach) == 1 + len(small_cases[0].views["zh"].paraphrases)
