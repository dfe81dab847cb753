"""The src×tgt matrix of a metric as a matplotlib heatmap (for TensorBoard, the run folder and `mke compare`).

Every heatmap shares one colour scale (0 to 1, viridis) and writes each cell's value; NaN cells (a pair with no
case) stay blank.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch


def pyplot():
    """matplotlib.pyplot on the Agg backend (files only, no display)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def draw_matrix(ax, values, src: Sequence[str], tgt: Sequence[str], title: str, xlabel: str = "evaluated in",
                ylabel: str = "edited in"):
    """Draw one matrix (rows: edit languages, columns: evaluation languages, unless the labels say otherwise) on
    ``ax``; returns the image."""
    image = ax.imshow(values, vmin=0.0, vmax=1.0, cmap="viridis")
    ax.set_xticks(range(len(tgt)), list(tgt))
    ax.set_yticks(range(len(src)), list(src))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    for i in range(len(src)):
        for j in range(len(tgt)):
            if values[i][j] == values[i][j]:  # not NaN
                ax.text(j, i, f"{values[i][j]:.2f}", ha="center", va="center", fontsize=7,
                        color="white" if values[i][j] < 0.6 else "black")
    ax.set_title(title, fontsize=9)
    return image


def matrix_figure(matrix: torch.Tensor, src: Sequence[str], tgt: Sequence[str], title: str,
                  xlabel: str = "evaluated in", ylabel: str = "edited in"):
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(1.6 + 0.6 * len(tgt), 1.2 + 0.5 * len(src)))
    image = draw_matrix(ax, matrix.numpy(), src, tgt, title, xlabel, ylabel)
    fig.colorbar(image, ax=ax, fraction=0.04)
    fig.tight_layout()
    return fig


def matrix_panels(matrices: Sequence, titles: Sequence[str], src: Sequence[str], tgt: Sequence[str],
                  suptitle: str, columns: int = 3):
    """One panel per matrix (same languages, same order, same colour scale), ``columns`` panels per row."""
    plt = pyplot()
    columns = max(1, min(columns, len(matrices)))
    rows = -(-len(matrices) // columns)
    width, height = 1.2 + 0.55 * len(tgt), 1.3 + 0.45 * len(src)
    fig, axes = plt.subplots(rows, columns, figsize=(width * columns, height * rows), squeeze=False)
    image = None
    for ax, values, title in zip(axes.flat, matrices, titles):
        image = draw_matrix(ax, values, src, tgt, title)
    for ax in list(axes.flat)[len(matrices):]:
        ax.axis("off")
    fig.suptitle(suptitle)
    fig.tight_layout()
    if image is not None:
        fig.colorbar(image, ax=list(axes.flat), fraction=0.02)
    return fig
