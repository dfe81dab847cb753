"""The figures of ``mke compare``: each metric's src×tgt heatmap per configuration, and a bar chart across runs.

Every heatmap has the same edit and evaluation languages in the same order (:func:`~mke_lightning.analysis.runs.
language_order`); a pair a configuration did not score is blank. A configuration with several seeds shows the mean
of its seeds per cell; the bars show the mean with the sample standard deviation as error bar.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

from mke_lightning.analysis.run_table import RunGroup


def _mean(group: RunGroup, key: str) -> float:
    mean, _ = group.mean_std(key)
    return math.nan if mean is None else mean


def _label(group: RunGroup) -> str:
    run = group.first
    seeds = f" seeds {group.seeds}" if len(group.runs) > 1 else (f" seed {group.seeds}" if run.seed else "")
    return f"{group.name}\n{run.editor}, {run.model}{seeds}"


def write_heatmaps(groups: Sequence[RunGroup], metrics: Sequence[str], src: Sequence[str], tgt: Sequence[str],
                   output_dir: str) -> list[str]:
    """``heatmap_{metric}.png`` per metric any group reports; returns the paths written."""
    from mke_lightning.evaluation.heatmap import matrix_panels, pyplot

    plt = pyplot()
    written = []
    for metric in metrics:
        shown = [g for g in groups if any(f"{metric}/{s}-{t}" in r.values for r in g.runs for s in src for t in tgt)]
        if not shown:
            continue
        matrices = [[[_mean(g, f"{metric}/{s}-{t}") for t in tgt] for s in src] for g in shown]
        fig = matrix_panels(matrices, [_label(g) for g in shown], src, tgt, f"{metric} (edited in → evaluated in)")
        path = str(Path(output_dir) / f"heatmap_{metric}.png")
        fig.savefig(path, dpi=110, bbox_inches="tight")
        plt.close(fig)
        written.append(path)
    return written


def write_bars(groups: Sequence[RunGroup], metrics: Sequence[str], output_dir: str) -> str:
    """``bars.png``: per metric, the mono and cross value of every configuration (mean ± std over seeds)."""
    from mke_lightning.evaluation.heatmap import pyplot

    plt = pyplot()
    fig, axes = plt.subplots(1, len(metrics), figsize=(max(4.0, 0.5 * len(groups) + 2) * len(metrics), 4.2),
                             squeeze=False)
    width = 0.38
    names = [g.name for g in groups]
    for ax, metric in zip(axes.flat, metrics):
        for offset, kind, colour in ((-width / 2, "mono", "#3b6ea8"), (width / 2, "cross", "#e0933a")):
            stats = [g.mean_std(f"{metric}/{kind}") for g in groups]
            means = [m if m is not None else 0.0 for m, _ in stats]
            errors = [s or 0.0 for _, s in stats]
            ax.bar([i + offset for i in range(len(groups))], means, width, yerr=errors, capsize=3, label=kind,
                   color=colour)
        ax.set_title(metric)
        ax.set_ylim(0, 1.05)
        ax.set_xticks(range(len(groups)), names, rotation=35, ha="right", fontsize=8)
        ax.grid(axis="y", alpha=0.3)
    axes.flat[0].legend(loc="upper right", fontsize=8)
    fig.tight_layout()
    path = str(Path(output_dir) / "bars.png")
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)
    return path
