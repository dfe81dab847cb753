"""``mke reach --config X.yaml``: edit reach (:mod:`.edit_reach`) of a locate-then-edit editor on the cases of an
experiment config, per language and per text kind (edit prompt, paraphrase with the subject first, paraphrase with
the subject after other words); JSON + table."""

from __future__ import annotations

from collections import defaultdict

from mke_lightning.commands.output import write_json

SPLIT_STAGES = {"val": "validate", "test": "test"}


def reach(config: list[str], overrides: list[str], split: str = "test", cases: int = 30,
          langs: list[str] | None = None, layer: int | None = None, output: str | None = "runs/reach.json") -> dict:
    """Edit each of the first ``cases`` cases of ``split`` in each of ``langs`` and measure every paraphrase's reach.

    Args:
        config: experiment config file(s) (``--config``, as for ``mke test``); the editor must edit weights or hooks
            that change a decoder block's output at the subject.
        overrides: experiment options applied after the configs, as on the ``mke test`` command line (e.g.
            ``--model.init_args.model_name_or_path runs/my-model``).
        split: ``val`` or ``test`` (the data module's paths).
        cases: number of cases (the first ones of the split).
        langs: edit languages (``None``: the data module's edit languages).
        layer: the block whose output is compared (``None``: the editor's last edited layer, ``layers[-1]`` or
            ``layer``).
        output: JSON file for the per-text rows and the summary (``None``: print only).
    """
    import torch

    from mke_lightning.analysis.edit_reach import edit_reach, subject_leads
    from mke_lightning.evaluation.scorer import score_targets
    from mke_lightning.experiment import experiment_cli
    from mke_lightning.models.adapter import ArchitectureAdapter

    if split not in SPLIT_STAGES:
        raise ValueError(f"split must be one of {sorted(SPLIT_STAGES)}, got {split!r}")
    if cases < 1:
        raise ValueError(f"cases must be positive, got {cases}")
    cli = experiment_cli(config, overrides or [])
    editor, dm = cli.model, cli.datamodule
    dm.setup(SPLIT_STAGES[split])
    if split not in dm.splits:
        raise ValueError(f"the config has no {split} data: set data.{split}_path")
    if layer is None:
        layer = editor.layers[-1] if hasattr(editor, "layers") else getattr(editor, "layer", None)
        if layer is None:
            raise ValueError(f"{type(editor).__name__} names no edited layer: pass --layer")
    editor.configure_model()
    editor.eval()
    model, tok = editor.base_model, editor.tokenizer
    adapter = ArchitectureAdapter(model)
    site = adapter.block_name(layer % adapter.num_layers)
    rows = []
    for lang in langs or dm.edit_languages:
        for case in dm.splits[split][:cases]:
            if lang not in case.views:
                continue
            view = case.views[lang]
            texts = [view.prompt, *view.paraphrases]
            applied = editor.edit([case], lang)  # computed once, entered twice
            values = edit_reach(model, tok, applied, site, texts, [view.subject] * len(texts))
            with applied, torch.no_grad():
                new = score_targets(model, tok, texts, [view.target_new] * len(texts), [lang] * len(texts))
                true = score_targets(model, tok, texts, [view.target_true] * len(texts), [lang] * len(texts))
            for i, text in enumerate(texts):
                kind = "prompt" if i == 0 else ("paraphrase, subject first" if subject_leads(text, view.subject)
                                                else "paraphrase, subject later")
                rows.append({"case_id": case.case_id, "lang": lang, "kind": kind, "text": text,
                             "reach": float(values[i]), "new_wins": bool(new[i] > true[i])})
    groups = defaultdict(list)
    for row in rows:
        groups[(row["lang"], row["kind"])].append(row)
    summary = [{"lang": lang, "kind": kind, "texts": len(g), "mean_reach": sum(r["reach"] for r in g) / len(g),
                "new_wins": sum(r["new_wins"] for r in g) / len(g)} for (lang, kind), g in groups.items()]
    result = {"editor": type(editor).__name__, "config": config, "overrides": list(overrides or []), "split": split,
              "site": site, "summary": summary, "rows": rows}
    print(f"{result['editor']} · reach at the output of {site} · {split} split")
    print("| lang | text | texts | mean reach | new > true |")
    print("|---|---|---|---|---|")
    for s in summary:
        print(f"| {s['lang']} | {s['kind']} | {s['texts']} | {s['mean_reach']:.2f} | {s['new_wins']:.3f} |")
    write_json(output, result)
    return result
