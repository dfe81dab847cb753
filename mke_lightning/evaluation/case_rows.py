"""Per-case rows of an evaluation: which case failed, in which language pair, and what the edited model said.

One row per (case, source language, target language), written as JSON Lines next to ``edit_metrics.json``::

    {"stage": "test", "step": 0, "case_id": "w17", "src": "en", "tgt": "zh",
     "prompt": "...", "target_new": "...", "target_true": "...",
     "metrics": {"es": 1.0, "ps": 0.5, "ns": 1.0, ...},
     "generated": {"prompt": ["..."], "paraphrases": [...], "neighborhood": [...], "multihop": [...]},
     "logp": {"prompt": [[-0.3, -4.1]], "paraphrases": [[...], ...]}}

``logp`` holds the mean-token log P(target_new) and log P(target_true) behind ES/PS; ``generated`` the greedy
answers behind NS, QS and the F1 family (only the queries the run's metrics asked for). Under DDP each process
holds the rows of its shard; :func:`gather_rows` collects them on every process (rank order).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence

import torch

from mke_lightning.data.schema import EditCase
from mke_lightning.evaluation.case_scoring import CaseScore


def rows_for_case(stage: str, src: str, case: EditCase, scored: CaseScore) -> Iterator[dict]:
    """The rows of one scored (case, source language), one per target language scored."""
    for tgt, outputs in scored.outputs.items():
        view = case.views[tgt]
        yield {"stage": stage, "case_id": case.case_id, "src": src, "tgt": tgt, "prompt": view.prompt,
               "target_new": view.target_new, "target_true": view.target_true,
               "metrics": {metric: per_lang[tgt] for metric, per_lang in scored.values.items() if tgt in per_lang},
               "generated": outputs["generated"], "logp": outputs["logp"]}


def gather_rows(rows: Sequence[dict], step: int) -> list[dict]:
    """Every process's rows (all processes must call this together under DDP), each stamped with ``step``."""
    gathered = [list(rows)]
    if torch.distributed.is_available() and torch.distributed.is_initialized() \
            and torch.distributed.get_world_size() > 1:
        gathered = [None] * torch.distributed.get_world_size()
        torch.distributed.all_gather_object(gathered, list(rows))
    return [{"stage": row["stage"], "step": step, **row} for part in gathered for row in part]


def write_rows(rows: Sequence[dict], path: str) -> None:
    """Write ``rows`` as JSON Lines to ``path`` (replacing it)."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    tmp = f"{path}.tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    os.replace(tmp, path)

