"""The src×tgt matrix of a metric as a matplotlib heatmap (for TensorBoard and `mke compare`)."""

from __future__ import annotations

from collections.abc import Sequence

import torch


def matrix_figure(matrix: torch.Tensor, src: Sequence[str], tgt: Sequence[str], title: str):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(1 + 0.6 * len(tgt), 1 + 0.5 * len(src)))
    values = matrix.numpy()
    image = ax.imshow(values, vmin=0.0, vmax=1.0, cmap="viridis")
    ax.set_xticks(range(len(tgt)), list(tgt))
    ax.set_yticks(range(len(src)), list(src))
    ax.set_xlabel("evaluated in")
    ax.set_ylabel("edited in")
    for i in range(len(src)):
        for j in range(len(tgt)):
            if values[i, j] == values[i, j]:  # not NaN
                ax.text(j, i, f"{values[i, j]:.2f}", ha="center", va="center", fontsize=7,
                        color="white" if values[i, j] < 0.6 else "black")
    ax.set_title(title)
    fig.colorbar(image, ax=ax, fraction=0.04)
    fig.tight_layout()
    return fig
