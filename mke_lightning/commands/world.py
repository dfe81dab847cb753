"""``mke world generate`` and ``mke world recall``."""

from __future__ import annotations

import json

from mke_lightning.commands.output import write_json


def generate(out: str = "checkpoints/world-data", seed: int = 0, version: int = 2, passage_share: float = 0.2,
             mixed_passage_share: float = 0.0,
             subject_switch_share: float = 0.15, object_switch_share: float = 0.05, alignment_share: float = 1.0,
             single_language_share: float = 0.1, more_templates: int | None = None,
             templates_per_fact: int | None = None, keep_prompt_template: bool | None = None) -> None:
    """Generate the synthetic world and export it (unified-schema JSONL edit splits, corpus, world.json).

    Args:
        out: output directory.
        seed: world seed (the shipped world uses 0).
        version: 2 (the shipped world: seven templates per relation and language with one held out, multi-fact
            passages, code-switching, an alignment dictionary, single-language facts; the options below) or 1 (the
            first world, one sentence per fact and template).
        passage_share: v2: share of the corpus's fact lines that are multi-fact passages.
        mixed_passage_share: v2: share of the passages with each sentence in a random language of its fact.
        subject_switch_share: v2: share of fact sentences stated once more with the subject in another language.
        object_switch_share: v2: share of fact sentences stated once more with the object in another language.
        alignment_share: v2: share of (entity, language, other language) dictionary sentences written.
        single_language_share: v2: share of each split's person facts stated in one language only (en, zh in turn).
        more_templates: v2: further templates per relation and language in the corpus (evaluation keeps seven);
            unset: the version's recipe (v2: 6).
        templates_per_fact: v2: templates each fact is stated with per language, drawn at random (0: all); unset:
            the version's recipe (v2: 6).
        keep_prompt_template: v2, with templates_per_fact: the edit-prompt template is always among them; unset:
            the version's recipe (v2: true). ``--more_templates 0 --templates_per_fact 0 --keep_prompt_template
            false`` gives the v2 world that states every fact with its six seen templates.
    """
    from mke_lightning.data.world.export import export_world
    from mke_lightning.data.world.generator import WorldConfig

    config = WorldConfig(seed=seed, version=version, passage_share=passage_share,
                         mixed_passage_share=mixed_passage_share,
                         subject_switch_share=subject_switch_share, object_switch_share=object_switch_share,
                         alignment_share=alignment_share, single_language_share=single_language_share,
                         more_templates=more_templates, templates_per_fact=templates_per_fact,
                         keep_prompt_template=keep_prompt_template)
    counts = export_world(out, config)
    print(json.dumps({"out": out, "version": version, **counts}))


def recall(model: str = "checkpoints/world-gpt2", world_dir: str = "checkpoints/world-data",
           output: str | None = None, batch_size: int = 256, after_sentence: bool = False) -> dict:
    """Exact-match fact recall of a model on the world, per language: edit prompts, paraphrases, two-hop questions.

    Args:
        model: a directory (or hub id) loadable with ``AutoModelForCausalLM.from_pretrained``.
        world_dir: the exported world.
        output: also write the figures as JSON here.
        batch_size: prompts per generation batch.
        after_sentence: put one other world sentence of the language before every probe (recall in context, as
            context templates and in-context demonstrations need it).
    """
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from mke_lightning.data.world.export import load_world_config, read_corpus
    from mke_lightning.data.world.generator import build_world
    from mke_lightning.data.world.recall import in_context, measure_recall, world_probes

    torch.manual_seed(0)
    tok = AutoTokenizer.from_pretrained(model)
    lm = AutoModelForCausalLM.from_pretrained(model, dtype=torch.float32).eval()
    world = build_world(load_world_config(world_dir))
    probes = world_probes(world)
    if after_sentence:
        probes = in_context(probes, read_corpus(world_dir))
    result = measure_recall(lm, tok, probes, batch_size=batch_size)
    langs = [x for x in next(iter(result.values())) if x != "all"] + ["all"]
    print("| kind | " + " | ".join(langs) + " |")
    print("|---" * (len(langs) + 1) + "|")
    for kind, per in result.items():
        print(f"| {kind} | " + " | ".join(f"{100 * per.get(x, float('nan')):.1f}" for x in langs) + " |")
    write_json(output, {"model": model, "after_sentence": after_sentence, "recall": result})
    return result
