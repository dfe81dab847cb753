"""Batched single mode vs one edit at a time, per case: ``python scripts/edit_batch_equality.py --config X.yaml``.

Runs the evaluation loop (single mode) on the first ``--cases`` test cases of an experiment config twice, with
``edit_batch_size`` 1 and ``--edit_batch_size B``, and prints for every (case, source, target, metric) whether the
two agree: the number of values, the largest absolute difference, the ES/PS decisions that differ, and the time of
each run. ``--ckpt_path`` loads a trained editor (MEND); experiment overrides follow the config as for ``mke test``.
"""

from __future__ import annotations

import argparse
import json
import time


def values_of(editor, cases, src, tgt, metrics, edit_batch_size: int) -> tuple[dict, float]:
    from mke_lightning.evaluation.loop import EditLoop

    seen = {}

    def record(s, case, scored):
        for metric, per_lang in scored.values.items():
            for t, value in per_lang.items():
                seen[f"{case.case_id}|{s}|{t}|{metric}"] = value

    start = time.perf_counter()
    EditLoop("single", metrics=metrics, edit_batch_size=edit_batch_size).run(editor, cases, src, tgt, record)
    return seen, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", action="append", required=True)
    parser.add_argument("--cases", type=int, default=32)
    parser.add_argument("--edit_batch_size", type=int, default=32)
    parser.add_argument("--ckpt_path")
    parser.add_argument("--output")
    args, overrides = parser.parse_known_args()

    from mke_lightning.evaluation.callback import EditEvaluationCallback
    from mke_lightning.experiment import experiment_cli, load_editor_checkpoint

    cli = experiment_cli(args.config, overrides)
    editor, dm = cli.model, cli.datamodule
    callback = next((c for c in cli.trainer.callbacks if isinstance(c, EditEvaluationCallback)), None)
    callback = callback or EditEvaluationCallback()
    dm.setup("test")
    cases = dm.splits["test"][:args.cases]
    editor.configure_model()
    if args.ckpt_path:
        load_editor_checkpoint(editor, args.ckpt_path)
    editor.eval()
    src = callback.edit_languages or dm.edit_languages
    tgt = callback.eval_languages or dm.eval_languages
    alone, t1 = values_of(editor, cases, src, tgt, callback.metric_names, 1)
    together, tb = values_of(editor, cases, src, tgt, callback.metric_names, args.edit_batch_size)
    assert alone.keys() == together.keys(), "the two runs scored different (case, language, metric) keys"
    diffs = {k: abs(alone[k] - together[k]) for k in alone}
    worst = max(diffs, key=diffs.get)
    flips = [k for k in alone if k.rsplit("|", 1)[1] in ("es", "ps") and alone[k] != together[k]]
    result = {"editor": type(editor).__name__, "config": args.config, "overrides": overrides, "cases": len(cases),
              "src": src, "tgt": tgt, "edit_batch_size": args.edit_batch_size, "values": len(alone),
              "max_abs_difference": diffs[worst], "worst_key": worst, "es_ps_decisions_differing": len(flips),
              "differing": flips[:20], "seconds_b1": t1, f"seconds_b{args.edit_batch_size}": tb}
    print(json.dumps(result, indent=1))
    if args.output:
        with open(args.output, "w", encoding="utf-8") as fh:
            json.dump(result, fh, indent=1)


if __name__ == "__main__":
    main()
