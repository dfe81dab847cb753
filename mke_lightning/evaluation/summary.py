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
