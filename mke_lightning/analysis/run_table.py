"""The table of ``mke compare``: one row per configuration, its seeds as mean ± std, as markdown or CSV.

Decisions: the spread is the sample standard deviation over seeds (n − 1; one seed shows no ± part); a metric a run
did not report is left empty for that run and averaged over the runs that did; the default columns are ES, PS, NS,
QS (mono and cross), or the F1 family when no run has those.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass

from mke_lightning.analysis.runs import RunResult

HEADLINE = ("es", "ps", "ns", "qs")
F1_FAMILY = ("rel_f1", "gen_f1", "loc_f1")


@dataclass
class RunGroup:
    """The runs of one configuration (its seeds), in the order they were given."""

    runs: list[RunResult]

    @property
    def first(self) -> RunResult:
        return self.runs[0]

    @property
    def seeds(self) -> str:
        return ",".join(run.seed or "?" for run in self.runs)

    @property
    def name(self) -> str:
        return self.first.name + (f" (+{len(self.runs) - 1})" if len(self.runs) > 1 else "")

    def values(self, key: str) -> list[float]:
        return [run.values[key] for run in self.runs if key in run.values and not math.isnan(run.values[key])]

    def mean_std(self, key: str) -> tuple[float | None, float | None]:
        """Mean and sample standard deviation of ``key`` over the seeds that report it."""
        values = self.values(key)
        if not values:
            return None, None
        mean = sum(values) / len(values)
        if len(values) < 2:
            return mean, None
        return mean, math.sqrt(sum((v - mean) ** 2 for v in values) / (len(values) - 1))


def group_runs(runs: Sequence[RunResult], by_seed: bool = True) -> list[RunGroup]:
    """Runs of one configuration together (first-seen order); ``by_seed=False``: one group per run."""
    if not by_seed:
        return [RunGroup([run]) for run in runs]
    groups: dict[str, RunGroup] = {}
    for run in runs:
        groups.setdefault(run.configuration(), RunGroup([])).runs.append(run)
    return list(groups.values())


def default_metrics(runs: Sequence[RunResult]) -> list[str]:
    """ES/PS/NS/QS that any run reports, else the F1 family that any run reports."""
    reported = {key.split("/", 1)[0] for run in runs for key in run.values}
    headline = [m for m in HEADLINE if m in reported]
    return headline or [m for m in F1_FAMILY if m in reported]


def _cell(mean: float | None, std: float | None) -> str:
    if mean is None:
        return ""
    return f"{mean:.3f}" + (f" ± {std:.3f}" if std is not None else "")


def _edits(group: RunGroup) -> str:
    counts = sorted({run.edits for run in group.runs if run.edits is not None})
    return "" if not counts else str(counts[0]) if len(counts) == 1 else f"{counts[0]}–{counts[-1]}"


def table_rows(groups: Sequence[RunGroup], metrics: Sequence[str]) -> tuple[list[str], list[list[str]]]:
    """The header and the rows: run, editor, model, data, stage, seeds, edits, then ``metric mono/cross``."""
    header = ["run", "editor", "model", "data", "stage", "seeds", "edits"]
    header += [f"{m} {kind}" for m in metrics for kind in ("mono", "cross")]
    rows = []
    for group in groups:
        run = group.first
        row = [group.name, run.editor, run.model, run.data, run.stage, group.seeds, _edits(group)]
        row += [_cell(*group.mean_std(f"{m}/{kind}")) for m in metrics for kind in ("mono", "cross")]
        rows.append(row)
    return header, rows


def as_markdown(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def as_csv(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """CSV with the mean and the std of each metric in columns of their own (for spreadsheets)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    fixed = len(header) - sum(1 for h in header if h.endswith((" mono", " cross")))
    metric_cols = header[fixed:]
    writer.writerow(list(header[:fixed]) + [c for h in metric_cols for c in (h, f"{h} std")])
    for row in rows:
        cells = list(row[:fixed])
        for cell in row[fixed:]:
            mean, _, std = cell.partition(" ± ")
            cells += [mean, std]
        writer.writerow(cells)
    return out.getvalue()
