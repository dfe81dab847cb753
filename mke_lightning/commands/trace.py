"""``mke trace``: causal tracing of a model on the facts of an edit-case file in one language; JSON + PNG + table."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path


def trace(model: str = "checkpoints/world-gpt2", data: str = "checkpoints/world-data/test.jsonl", lang: str = "en",
          n_facts: int = 20, kinds: Sequence[str] = ("hidden", "mlp", "attn"), samples: int = 10,
          noise_scale: float = 3.0, window: int = 1, batch_size: int = 128, only_known: bool = True, seed: int = 0,
          device: str = "cpu", out: str = "runs/trace") -> dict:
    """Trace where ``model`` stores the facts of ``data`` (their edit prompts and true answers) in ``lang``.

    Writes ``out/trace.json`` (settings, per-fact grids, averages of p(answer) and of the indirect effect
    p(answer) − p_corrupted(answer), the suggested edit layer = the largest MLP effect at the last subject token),
    ``out/trace.png``
    (averages) and ``out/trace_fact0.png`` (the first traced fact), and prints the averages as a table.

    Args:
        model: a local HF directory or hub id.
        data: a unified-schema JSON/JSONL file of edit cases (the fact = a view's prompt, subject and target_true).
        lang: the language whose views are traced.
        n_facts: number of facts to trace (the first ones with a view in ``lang`` that has ``target_true``).
        kinds: restored states: any of ``hidden``, ``mlp``, ``attn``.
        samples: noise draws per restoration.
        noise_scale: noise std as a multiple of the subject-token embeddings' std (ROME: 3).
        window: consecutive layers restored at once for ``mlp``/``attn`` (ROME: 10 of 48 layers).
        batch_size: corrupted runs per forward pass.
        only_known: trace only facts the clean model answers right (greedy, every answer token); others are skipped
            and counted.
        seed: seed of the noise.
        device: ``cpu``, ``cuda`` or ``cuda:N``.
        out: output directory.
    """
    import torch

    from mke_lightning.analysis.causal_trace import (
        TraceSettings,
        average_traces,
        best_layer,
        subject_embedding_std,
        trace_fact,
    )
    from mke_lightning.analysis.trace_plot import plot_average, plot_fact
    from mke_lightning.data.languages import normalize_lang
    from mke_lightning.data.reading import read_edit_cases
    from mke_lightning.models.loading import load_causal_lm

    if n_facts < 1:
        raise ValueError(f"n_facts must be positive, got {n_facts}")
    settings = TraceSettings(tuple(kinds), samples, window, batch_size)
    lang = normalize_lang(lang)
    lm, tokenizer = load_causal_lm(model)
    lm.to(device)
    cases, _ = read_edit_cases(data)
    views = [c.views[lang] for c in cases if lang in c.views]
    facts = [(v.prompt, v.subject, v.target_true, lang) for v in views if v.target_true]
    skipped = {"no_view_in_lang": len(cases) - len(views), "no_target_true": len(views) - len(facts), "unknown": 0}
    if not facts:
        raise ValueError(f"{data}: no case has a {lang!r} view with target_true")
    noise_std = noise_scale * subject_embedding_std(lm, tokenizer, facts[: max(n_facts, 100)])
    generator = torch.Generator().manual_seed(seed)
    traces = []
    for fact in facts:
        if len(traces) == n_facts:
            break
        traced = trace_fact(lm, tokenizer, *fact, noise_std=noise_std, settings=settings, generator=generator,
                            only_known=only_known)
        if traced is None:
            skipped["unknown"] += 1
        else:
            traces.append(traced)
    if not traces:
        raise ValueError(f"{data}: the model answers none of the {lang!r} facts tried; use only_known=false")
    average, effect = average_traces(traces), average_traces(traces, effect=True)
    main_kind = "mlp" if "mlp" in average else kinds[0]
    result = {"model": model, "data": data, "lang": lang, "facts": len(traces), "skipped": skipped,
              "settings": {**settings.__dict__, "kinds": list(settings.kinds), "noise_scale": noise_scale,
                           "noise_std": noise_std, "seed": seed, "only_known": only_known},
              "clean_p": sum(t.clean for t in traces) / len(traces),
              "corrupted_p": sum(t.corrupted for t in traces) / len(traces),
              "average": average, "average_effect": effect,
              "suggested_layer": {"kind": main_kind, "category": "last subject token",
                                  "layer": best_layer(effect, main_kind)},
              "traces": [t.__dict__ for t in traces]}
    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "trace.json").write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    name = Path(model.rstrip("/")).name
    plot_average(average, f"causal trace of {name}, {len(traces)} {lang} facts (avg p clean "
                          f"{result['clean_p']:.2f}, corrupted {result['corrupted_p']:.2f})", out_dir / "trace.png")
    plot_fact(traces[0], out_dir / "trace_fact0.png")
    _print_table(result)
    return result


def _print_table(result: dict) -> None:
    layers = len(next(iter(next(iter(result["average"].values())).values())))
    print(f"{result['model']} · {result['lang']} · {result['facts']} facts · p(answer) clean {result['clean_p']:.3f}"
          f", corrupted {result['corrupted_p']:.3f} · skipped {result['skipped']}")
    print("p(answer) restored [indirect effect = restored − corrupted, per fact]:")
    print("| restored | token | " + " | ".join(f"L{i}" for i in range(layers)) + " |")
    print("|---|---|" + "---|" * layers)
    for kind, per_cat in result["average"].items():
        for cat, values in per_cat.items():
            effects = result["average_effect"][kind][cat]
            print(f"| {kind} | {cat} | " + " | ".join(f"{v:.3f} [{e:+.3f}]" for v, e in zip(values, effects)) + " |")
    s = result["suggested_layer"]
    print(f"suggested edit layer ({s['kind']} at the {s['category']}): {s['layer']}")
