"""``mke compare RUN_OR_LOGDIR …``: the runs side by side, one row per configuration, its seeds as mean ± std.

Reads each run's ``edit_metrics.json`` or its TensorBoard event files (:mod:`mke_lightning.analysis.runs`), prints
the table (:mod:`mke_lightning.analysis.run_table`) as markdown or CSV, and writes to ``--output_dir`` the same
table, one heatmap per metric with every configuration's src×tgt matrix in the same language order, and a bar
chart of the mono and cross values across configurations (:mod:`mke_lightning.analysis.run_figures`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal


def compare(runs: list[str], stage: str | None = None, metrics: list[str] | None = None,
            source: Literal["auto", "json", "events"] = "auto", step: int | None = None, group_seeds: bool = True,
            format: Literal["markdown", "csv"] = "markdown", output_dir: str | None = "compare",
            figures: bool = True) -> dict:
    """Compare runs: a table of ES/PS/NS/QS (or the F1 family) mono and cross, heatmaps and a bar chart.

    Args:
        runs: run folders (``runs/rome/version_0``), their ``edit_metrics.json``, or log folders holding runs
            (searched recursively).
        stage: ``test``, ``val``, ... (``None``: each run's ``test`` results, else its ``val``).
        metrics: metric columns, e.g. ``[es, ps, loc_f1]`` (``None``: ES/PS/NS/QS the runs report, else the F1
            family).
        source: ``auto`` reads ``edit_metrics.json`` where it exists and the event files elsewhere; ``json`` or
            ``events`` reads only that.
        step: the training step whose validation to read from the event files (``None``: the last).
        group_seeds: runs equal but for their seed make one row (mean ± sample std); ``false``: a row per run.
        format: the printed table's format.
        output_dir: where the table (``compare.md`` / ``compare.csv``), ``heatmap_{metric}.png`` and ``bars.png``
            go (``None``: nothing written).
        figures: write the heatmaps and the bar chart.
    """
    from mke_lightning.analysis.run_table import as_csv, as_markdown, default_metrics, group_runs, table_rows
    from mke_lightning.analysis.runs import find_run_dirs, language_order, read_run

    results = [read_run(path, stage, source, step) for path in find_run_dirs(runs)]
    chosen = list(metrics) if metrics else default_metrics(results)
    if not chosen:
        raise ValueError("the runs report none of the metrics es, ps, ns, qs, rel_f1, gen_f1, loc_f1")
    reported = {key.split("/", 1)[0] for run in results for key in run.values}
    missing = [m for m in chosen if m not in reported]
    if missing:
        raise ValueError(f"--metrics {missing}: no run reports them (the runs report {sorted(reported)})")
    groups = group_runs(results, group_seeds)
    header, rows = table_rows(groups, chosen)
    text = as_markdown(header, rows) if format == "markdown" else as_csv(header, rows)
    print(text)
    written: list[str] = []
    if output_dir:
        out = Path(output_dir)
        out.mkdir(parents=True, exist_ok=True)
        table_file = out / ("compare.md" if format == "markdown" else "compare.csv")
        table_file.write_text(text + "\n", encoding="utf-8")
        written.append(str(table_file))
        if figures:
            from mke_lightning.analysis.run_figures import write_bars, write_heatmaps

            src, tgt = language_order(results)
            written += write_heatmaps(groups, chosen, src, tgt, output_dir)
            written.append(write_bars(groups, chosen, output_dir))
        print(f"written: {', '.join(written)}")
    return {"header": header, "rows": rows, "runs": [r.path for r in results], "written": written}
