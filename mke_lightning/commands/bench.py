"""``mke bench --config X.yaml``: speed and memory of an editor under the evaluation loop's settings.

Prints a short table and writes JSON with: per-edit latency (median, p90; computing and applying an edit and
restoring the model), evaluation throughput (cases/s for the full src×tgt matrix of metrics, edit time excluded),
peak memory (process peak RSS on CPU; peak allocated CUDA memory on GPU) and, with ``--compare_naive``, the same
evaluation through a naive per-prompt scorer (one forward per (prompt, target) pair, one generation per prompt),
with the largest difference between the two sets of metric values. ``--train_steps N`` also times N training
steps of a learned editor (steps/s, cases/s, peak memory; :mod:`.train_bench`), before the edits.

``--edit_batch_size 1 8 32`` (several values: one run each, in one process) times the batched single mode: per case,
the edit (its share of the batch's computation, applying and restoring it) and the scoring apart, their sum, the
speed-up over the first value, the largest metric difference from the first value's run, and the peak memory
after each run (CPU: the process's peak RSS so far, which only grows, so give the sizes in increasing order).
"""

from __future__ import annotations

import math
import resource
import statistics

import lightning as L
import torch

from mke_lightning.commands.output import write_json


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


class _PairByPair:
    """An editor's edits, scored with every (prompt, target) pair as its own sequence: the naive reference of
    ``--compare_naive``."""

    def __init__(self, editor):
        self.editor = editor

    def edit(self, cases, src_lang):
        return self.editor.edit(cases, src_lang)

    def scoring_lm(self, batch_size: int):
        from mke_lightning.evaluation.lm import HFScoringLM

        return HFScoringLM(self.editor.base_model, self.editor.tokenizer, batch_size, share_prompts=False)


def _evaluate(editor, cases, src_langs, tgt_langs, metrics, batch_size, naive=False, edit_batch_size=1):
    """The metrics of the evaluation loop on ``cases`` (single mode) and its timings; ``naive`` scores every
    (prompt, target) pair as its own sequence, one prompt per forward (the reference for the batched scorer)."""
    from mke_lightning.evaluation.loop import EditLoop
    from mke_lightning.metrics import CrossLingualMetrics

    coll = CrossLingualMetrics(metrics, src_langs, tgt_langs)
    loop = EditLoop("single", metrics=metrics, scoring_batch_size=batch_size, edit_batch_size=edit_batch_size)

    def record(src, case, scored):
        for metric, per_lang in scored.values.items():
            for tgt, v in per_lang.items():
                coll.update(metric, src, tgt, v)

    loop.run(_PairByPair(editor) if naive else editor, cases, src_langs, tgt_langs, record)
    return coll.compute("bench"), loop.times.edit_s, loop.times.score_s


def bench(config: list[str], overrides: list[str], cases: int = 50, compare_naive: bool = False,
          output: str | None = "runs/bench.json", scoring_batch_size: int = 256, train_steps: int = 0,
          edit_batch_size: list[int] | None = None, ckpt_path: str | None = None) -> dict:
    """Benchmark the editor of an experiment config on its test data.

    Args:
        config: experiment config file(s) (``--config``, as for ``mke test``).
        overrides: experiment options applied after the configs (``--model.*``, ``--data.*``, ``--trainer.*``), as on
            the ``mke test`` command line.
        cases: number of test cases (the first ones of the test split).
        compare_naive: also run the naive per-prompt scorer and report the speed-up and value agreement.
        output: JSON file for the figures (``None``: print only).
        scoring_batch_size: sequences per padded forward / generation of the batched scorer.
        train_steps: time this many training steps first (learned editors; 0: none).
        edit_batch_size: edits computed together in single mode; several values (``--edit_batch_size [1, 8, 32]``)
            time each in turn (``None``: 1).
        ckpt_path: checkpoint of a trained editor (MEND, ...) to load first, as for ``mke test --ckpt_path``.
    """
    from mke_lightning.evaluation.callback import EditEvaluationCallback
    from mke_lightning.experiment import experiment_cli, load_editor_checkpoint

    cli = experiment_cli(config, overrides or [])
    editor, dm = cli.model, cli.datamodule
    callback = next((c for c in cli.trainer.callbacks if isinstance(c, EditEvaluationCallback)), None)
    callback = callback or EditEvaluationCallback()
    dm.setup("test")
    selected = dm.splits["test"][:cases]
    src = callback.edit_languages or dm.edit_languages
    tgt = callback.eval_languages or dm.eval_languages
    editor.configure_model()
    if ckpt_path:
        load_editor_checkpoint(editor, ckpt_path)
    training = {}
    if train_steps > 0:
        if type(editor).training_step is L.LightningModule.training_step:
            raise ValueError(f"{type(editor).__name__} is not trained: --train_steps applies to learned editors")
        from mke_lightning.evaluation.train_bench import training_throughput

        training = training_throughput(editor, dm, cli.trainer, train_steps)
        editor.eval()
    if torch.cuda.is_available():
        editor.to("cuda")
        torch.cuda.reset_peak_memory_stats()
    sizes = list(edit_batch_size or [1])
    if any(b < 1 for b in sizes):
        raise ValueError(f"--edit_batch_size {sizes}: every value must be >= 1")
    values, edit_times, eval_time = _evaluate(editor, selected, src, tgt, callback.metric_names, scoring_batch_size,
                                              edit_batch_size=sizes[0])
    n_edits = len(edit_times)
    batched = [_batch_row(sizes[0], edit_times, eval_time, values, values)]
    for size in sizes[1:]:
        more = _evaluate(editor, selected, src, tgt, callback.metric_names, scoring_batch_size, edit_batch_size=size)
        batched.append(_batch_row(size, more[1], more[2], more[0], values))
    result = {
        "editor": type(editor).__name__, "config": config, "overrides": list(overrides or []), "ckpt_path": ckpt_path,
        "cases": len(selected),
        "edits": n_edits,
        "src_languages": src, "tgt_languages": tgt, "device": str(editor.device),
        "edit_latency_s": {"median": statistics.median(edit_times), "p90": _percentile(edit_times, 0.9)},
        "eval_cases_per_s": n_edits / eval_time,
        "peak_memory_mb": batched[0]["peak_memory_mb"],
        "metrics": {k: v for k, v in values.items() if k.endswith(("/mono", "/cross"))},
        **training,
    }
    if len(sizes) > 1:
        first = batched[0]["total_s_per_case"]
        for row in batched:
            row["speedup"] = first / row["total_s_per_case"]
        result["edit_batch_sizes"] = batched
    if compare_naive:
        naive_values, _, naive_time = _evaluate(editor, selected, src, tgt, callback.metric_names, 1, naive=True)
        result["naive_eval_cases_per_s"] = n_edits / naive_time
        result["batched_speedup"] = naive_time / eval_time
        result["max_abs_metric_difference"] = max(abs(values[k] - naive_values[k]) for k in values)
    print("| editor | edits | edit latency median (s) | p90 (s) | eval cases/s | peak MB |")
    print("|---|---|---|---|---|---|")
    print(f"| {result['editor']} | {n_edits} | {result['edit_latency_s']['median']:.4f} | "
          f"{result['edit_latency_s']['p90']:.4f} | {result['eval_cases_per_s']:.2f} | {result['peak_memory_mb']:.0f} |")
    if training:
        print(f"training: {training['train_steps_per_s']:.2f} steps/s ({training['train_cases_per_s']:.1f} cases/s, "
              f"median over {training['train_steps_timed']} steps); peak {training['train_peak_memory_mb']:.0f} MB")
    if compare_naive:
        print(f"naive scorer: {result['naive_eval_cases_per_s']:.2f} cases/s; batched speed-up "
              f"{result['batched_speedup']:.1f}x; max |metric difference| {result['max_abs_metric_difference']:.2e}")
    if len(sizes) > 1:
        print("| edit_batch_size | edit s/case | scoring s/case | total s/case | speed-up | max |Δ metric| | peak MB |")
        print("|---|---|---|---|---|---|---|")
        for row in batched:
            print(f"| {row['edit_batch_size']} | {row['edit_s_per_case']:.4f} | {row['score_s_per_case']:.4f} | "
                  f"{row['total_s_per_case']:.4f} | {row['speedup']:.2f}x | {row['max_abs_metric_difference']:.1e} | "
                  f"{row['peak_memory_mb']:.0f} |")
    write_json(output, result)
    return result


def _peak_memory_mb() -> float:
    if torch.cuda.is_available():
        return torch.cuda.max_memory_allocated() / 2**20
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _batch_row(size: int, edit_times: list[float], eval_time: float, values: dict, reference: dict) -> dict:
    """Per-case figures of one ``edit_batch_size`` run; metric differences against the first size's values."""
    n = len(edit_times)
    edit, score = sum(edit_times) / n, eval_time / n
    return {"edit_batch_size": size, "edit_s_per_case": edit, "score_s_per_case": score, "total_s_per_case": edit + score,
            "edit_latency_median_s": statistics.median(edit_times),
            "max_abs_metric_difference": max((abs(values[k] - reference[k]) for k in reference
                                              if not (math.isnan(values[k]) and math.isnan(reference[k]))), default=0.0),
            "peak_memory_mb": _peak_memory_mb()}
