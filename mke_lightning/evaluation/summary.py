"""The compact line an evaluation ends with: each metric's mono / cross value, the number of edits behind them and
where the run's results are."""

from __future__ import annotations

from collections.abc import Sequence


def headline_summary(values: dict[str, float], stage: str, metrics: Sequence[str], edits: int,
                     results_dir: str | None, step: int | None = None) -> str:
    """``val @ step 9 (16 edits): es 1.000 / 0.116 · ps 0.865 / 0.100 (mono / cross) → runs/x/version_0``."""
    parts = []
    for metric in metrics:
        mono, cross = values.get(f"{stage}/{metric}/mono"), values.get(f"{stage}/{metric}/cross")
        if mono is None and cross is None:
            continue
        shown = [f"{v:.3f}" if v is not None else "–" for v in (mono, cross)]
        parts.append(f"{metric} {shown[0]} / {shown[1]}")
    where = f" @ step {step}" if step is not None else ""
    text = f"{stage}{where} ({edits} edits): {' · '.join(parts) or 'no metric'} (mono / cross)"
    return text + (f" → {results_dir}" if results_dir else "")


def summary_table(values: dict[str, float], stage: str, metrics: Sequence[str], counts: dict[str, dict[str, int]],
                  results_dir: str | None) -> str:
    """What ``mke test`` / ``mke validate`` end with: one row per metric, mono and cross, the edits per source
    language, and where the results are (the per-pair values are in ``edit_metrics.json`` and the heatmaps)::

        test: 40 edits (en 20, zh 20), scored in 8 languages
          metric   mono    cross
          es       0.950   0.123
          ...
        results: runs/rome/version_3 (edit_metrics.json, edit_cases_test.jsonl, heatmaps/)
    """
    edited = counts.get("edited", {})
    targets = sorted({pair.split("-", 1)[1] for pair in counts.get("scored", {})})
    per_src = ", ".join(f"{lang} {n}" for lang, n in edited.items())
    lines = [f"{stage}: {sum(edited.values())} edits ({per_src}), scored in {len(targets)} languages",
             f"  {'metric':<8} {'mono':>6}  {'cross':>6}"]
    for metric in metrics:
        mono, cross = values.get(f"{stage}/{metric}/mono"), values.get(f"{stage}/{metric}/cross")
        if mono is None and cross is None:
            continue
        shown = [f"{v:.3f}" if v is not None and v == v else "–" for v in (mono, cross)]
        lines.append(f"  {metric:<8} {shown[0]:>6}  {shown[1]:>6}")
    if results_dir:
        lines.append(f"results: {results_dir} (edit_metrics.json, edit_cases_{stage}.jsonl, heatmaps/)")
    return "\n".join(lines)
