"""Figures of causal traces (matplotlib, Agg backend): the average over facts (token category × layer, one panel per
kind of restored state) and one fact's token × layer grid."""

from __future__ import annotations

from pathlib import Path

from mke_lightning.analysis.causal_trace import FactTrace

CMAPS = {"hidden": "Purples", "mlp": "Greens", "attn": "Reds"}
LABELS = {"hidden": "hidden state (block output)", "mlp": "MLP output", "attn": "attention output"}


def _heatmaps(panels: list[tuple[str, list[str], list[list[float]]]], title: str, path: str | Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(panels), figsize=(3.2 * len(panels) + 1.5, 0.45 * len(panels[0][1]) + 1.8),
                             squeeze=False, constrained_layout=True)
    for ax, (kind, rows, grid) in zip(axes[0], panels):
        image = ax.imshow(grid, cmap=CMAPS[kind], vmin=0.0, aspect="auto")
        ax.set_xticks(range(len(grid[0])))
        ax.set_xlabel("layer")
        ax.set_yticks(range(len(rows)), rows if ax is axes[0][0] else [""] * len(rows))
        ax.set_title(f"restored: {LABELS[kind]}", fontsize=9)
        fig.colorbar(image, ax=ax, label="p(answer)", shrink=0.8)
    fig.suptitle(title, fontsize=10)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)


def plot_average(average: dict[str, dict[str, list[float]]], title: str, path: str | Path) -> None:
    """Heatmaps of :func:`~mke_lightning.analysis.causal_trace.average_traces`' result."""
    panels = [(kind, list(per_cat), list(per_cat.values())) for kind, per_cat in average.items()]
    _heatmaps(panels, title, path)


def plot_fact(trace: FactTrace, path: str | Path) -> None:
    """Heatmaps of one fact (rows: prompt tokens, subject tokens starred)."""
    rows = [repr(tok) + ("*" if trace.subject_first <= i <= trace.subject_last else "")
            for i, tok in enumerate(trace.tokens)]
    panels = [(kind, rows, grid) for kind, grid in trace.scores.items()]
    _heatmaps(panels, f"{trace.prompt!r} → {trace.answer!r}  (clean p={trace.clean:.2f}, "
                      f"corrupted p={trace.corrupted:.2f})", path)
