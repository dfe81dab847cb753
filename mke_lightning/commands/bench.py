"""``mke bench --config X.yaml``: speed and memory of an editor under the evaluation loop's settings.

Prints a short table and writes JSON with: per-edit latency (median, p90; computing and applying an edit and
restoring the model), evaluation throughput (cases/s for the full src×tgt matrix of metrics, edit time excluded),
peak memory (process peak RSS on CPU; peak allocated CUDA memory on GPU) and, with ``--compare_naive``, the same
evaluation through a naive per-prompt scorer (one forward per (prompt, target) pair, one generation per prompt),
with the largest difference between the two sets of metric values. ``--train_steps N`` also times N training
steps of a learned editor (steps/s, cases/s, peak memory; :mod:`.train_bench`), before the edits.
"""

from __future__ import annotations

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


def _evaluate(editor, cases, src_langs, tgt_langs, metrics, batch_size, naive=False):
    """The metrics of the evaluation loop on ``cases`` (single mode) and its timings; ``naive`` scores every
    (prompt, target) pair as its own sequence, one prompt per forward (the reference for the batched scorer)."""
    from mke_lightning.evaluation.loop import EditLoop
    from mke_lightning.metrics import CrossLingualMetrics

    coll = CrossLingualMetrics(metrics, src_langs, tgt_langs)
    loop = EditLoop("single", metrics=metrics, scoring_batch_size=batch_size)

    def record(src, case, scored):
        for metric, per_lang in scored.values.items():
            for tgt, v in per_lang.items():
                coll.update(metric, src, tgt, v)

    loop.run(_PairByPair(editor) if naive else editor, cases, src_langs, tgt_langs, record)
    return coll.compute("bench"), loop.times.edit_s, loop.times.score_s


def bench(config: list[str], overrides: list[str], cases: int = 50, compare_naive: bool = False,
          output: str | None = "runs/bench.json", scoring_batch_size: int = 256, train_steps: int = 0) -> dict:
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
    """
    from mke_lightning.evaluation.callback import EditEvaluationCallback
    from mke_lightning.experiment import experiment_cli

    cli = experiment_cli(config, overrides or [])
    editor, dm = cli.model, cli.datamodule
    callback = next((c for c in cli.trainer.callbacks if isinstance(c, EditEvaluationCallback)), None)
    callback = callback or EditEvaluationCallback()
    dm.setup("test")
    selected = dm.splits["test"][:cases]
    src = callback.edit_languages or dm.edit_languages
    tgt = callback.eval_languages or dm.eval_languages
    editor.configure_model()
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
    values, edit_times, eval_time = _evaluate(editor, selected, src, tgt, callback.metric_names, scoring_batch_size)
    n_edits = len(edit_times)
    result = {
        "editor": type(editor).__name__, "config": config, "overrides": list(overrides or []), "cases": len(selected),
        "edits": n_edits,
        "src_languages": src, "tgt_languages": tgt, "device": str(editor.device),
        "edit_latency_s": {"median": statistics.median(edit_times), "p90": _percentile(edit_times, 0.9)},
        "eval_cases_per_s": n_edits / eval_time,
        "peak_memory_mb": (torch.cuda.max_memory_allocated() / 2**20 if torch.cuda.is_available()
                           else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "metrics": {k: v for k, v in values.items() if k.endswith(("/mono", "/cross"))},
        **training,
    }
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
    write_json(output, result)
    return result
