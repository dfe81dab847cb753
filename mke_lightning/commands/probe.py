"""``mke probe``: what a model knows per language (recall, RankC, held-out-language transfer, edit reach); JSON + PNG.

The measures are :mod:`mke_lightning.analysis.knowledge_probe`'s; ``--reach_config`` adds the subject-keyed reach
summary of a locate-then-edit editor (:mod:`.reach`) on the same model.
"""

from __future__ import annotations

from pathlib import Path


def _matrix_png(rows: dict[str, dict[str, float]], row_langs: list[str], col_langs: list[str], title: str,
                xlabel: str, ylabel: str, path: Path) -> None:
    import torch

    from mke_lightning.evaluation.heatmap import matrix_figure, pyplot

    values = torch.tensor([[rows.get(r, {}).get(c, float("nan")) for c in col_langs] for r in row_langs])
    fig = matrix_figure(values, row_langs, col_langs, title, xlabel=xlabel, ylabel=ylabel)
    fig.savefig(path, dpi=110)
    pyplot().close(fig)


def _print_table(title: str, rows: dict[str, dict[str, float]], cols: list[str]) -> None:
    print(f"\n{title}")
    print("| | " + " | ".join(cols) + " |")
    print("|---" * (len(cols) + 1) + "|")
    for name, per in rows.items():
        print(f"| {name} | " + " | ".join(f"{100 * per[c]:.1f}" if c in per else "–" for c in cols) + " |")


def probe(model: str = "checkpoints/world-gpt2", data: str | list[str] = "checkpoints/world-data/test.jsonl",
          languages: list[str] | None = None, max_cases: int | None = None, single_language_only: bool = False,
          max_candidates: int = 30,
          batch_size: int = 128, reach_config: str | None = None, reach_cases: int = 10, seed: int = 0,
          device: str = "cpu", out: str = "runs/probe") -> dict:
    """Probe what ``model`` knows of the facts of ``data``, per language and language pair.

    Writes ``out/probe.json`` and the heatmaps ``out/recall.png`` (kind x language), ``out/rankc.png`` (language x
    language) and, when the data has single-language facts (world v2), ``out/transfer.png`` (learnt in x asked in);
    prints the tables (percent).

    Args:
        model: a local HF directory or hub id of a causal LM.
        data: a unified-schema JSON/JSONL file of edit cases (recall and RankC need a view's prompt, paraphrases
            and target_true; world v2 cases also mark held-out templates and single-language facts), or a list of
            such files, probed as one.
        single_language_only: probe only the facts stated in one language (``meta.pretraining_languages``): the
            held-out-language transfer table and its baseline (whose most frequent answers are still counted among
            every case read), fast enough to run on every split of the world.
        languages: languages probed (``None``: every language of the data).
        max_cases: probe only the first this many cases (``None``: all).
        max_candidates: RankC candidates per query at most (the true answer and a seeded sample of the others).
        batch_size: prompts per forward.
        reach_config: an experiment config file of a locate-then-edit editor (as for ``mke reach``); when given, the
            reach summary of ``reach_cases`` edits of its test cases on this model is added (the config's model is
            replaced by ``model``).
        reach_cases: cases edited for the reach summary.
        seed: seed of the candidate samples.
        device: ``cpu``, ``cuda`` or ``cuda:N``.
        out: output directory.
    """
    import math

    from mke_lightning.analysis.knowledge_probe import probe_knowledge
    from mke_lightning.commands.output import write_json
    from mke_lightning.data.languages import normalize_lang
    from mke_lightning.data.reading import read_edit_cases
    from mke_lightning.models.loading import load_causal_lm

    if max_cases is not None and max_cases < 1:
        raise ValueError(f"max_cases must be positive, got {max_cases}")
    files = [data] if isinstance(data, str) else list(data)
    if not files:
        raise ValueError("data names no file of edit cases")
    cases = population = [case for path in files for case in read_edit_cases(path)[0]]
    if single_language_only:
        cases = [c for c in cases if len(c.meta.get("pretraining_languages") or ()) == 1]
        if not cases:
            raise ValueError(f"single_language_only: no case of {files} has meta.pretraining_languages of one "
                             f"language (world v2 data has them)")
    cases = cases[:max_cases] if max_cases else cases
    present = list(dict.fromkeys(lang for case in cases for lang in case.views))
    langs = [normalize_lang(x) for x in languages] if languages else present
    missing = [x for x in langs if x not in present]
    if missing:
        raise ValueError(f"{data}: no case has a view in {missing} (languages present: {present})")
    lm, tokenizer = load_causal_lm(model)
    lm.to(device)
    result = {"model": model, "data": data, "languages": langs, "cases": len(cases),
              **probe_knowledge(lm, tokenizer, cases, langs, max_candidates, batch_size, seed, population)}
    if reach_config:
        from mke_lightning.commands.reach import reach

        result["reach"] = reach([reach_config], ["--model.init_args.model_name_or_path", model], cases=reach_cases,
                                langs=langs, output=None)["summary"]

    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    kinds = list(result["recall"])
    _print_table(f"recall (%) · {model} on {data}", result["recall"], langs + ["all"])
    _matrix_png(result["recall"], kinds, langs, "exact-match recall", "asked in", "probe kind", out_dir / "recall.png")
    if result["transfer"]:
        _print_table("held-out-language transfer (%): learnt in (row), asked in (column)", result["transfer"], langs)
        _print_table("its subject-blind baseline (%): each relation's most frequent answer",
                     result["transfer_subject_blind"], langs)
        by_relation = {f"{src} {rel}": cells for src, rels in result["transfer_by_relation"].items()
                       for rel, cells in rels.items()}
        _print_table("outside the language learnt in, per relation (%)", by_relation, ["same_script", "cross_script"])
        _matrix_png(result["transfer"], list(result["transfer"]), langs, "single-language facts: recall",
                    "asked in", "learnt in", out_dir / "transfer.png")
    if result["rankc"]:
        _print_table(f"RankC (%) over {result['rankc_queries']} queries", result["rankc"], langs)
        _matrix_png(result["rankc"], langs, langs, "RankC", "language", "language", out_dir / "rankc.png")
        mean = result["rankc_cross_script_mean"]
        print(f"mean RankC over cross-script pairs: {'n/a' if math.isnan(mean) else f'{100 * mean:.1f}'}")
    alignment = result["subject_alignment"]
    if alignment:
        print(f"\nsubject alignment (%): a subject's last-token state retrieves its own in another language "
              f"({alignment['subjects']} subjects, chance {100 * alignment['chance']:.1f})")
        print("| layer | same script | cross script |\n|---|---|---|")
        for layer, (same, cross) in enumerate(zip(alignment["same_script_mean"], alignment["cross_script_mean"])):
            print(f"| {'embeddings' if layer == 0 else layer} | {100 * same:.1f} | {100 * cross:.1f} |")
    write_json(str(out_dir / "probe.json"), result)
    print(f"wrote {out_dir / 'probe.json'}")
    return result
