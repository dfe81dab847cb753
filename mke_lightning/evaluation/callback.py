"""``EditEvaluationCallback``: one evaluation loop for every editor (design.md §3.4).

On validation and test batches (lists of :class:`EditCase`), the :class:`~mke_lightning.evaluation.loop.EditLoop`
edits from each source language in ``edit_languages`` (``editor.edit(cases, src)``), scores every target language
in ``eval_languages`` through the editor's ``scoring_lm()`` with one teacher-forced pass and one greedy generation
(:mod:`mke_lightning.evaluation.case_scoring`), and restores the model.

Modes (:mod:`mke_lightning.evaluation.loop`):
* ``single`` (default): one case at a time, restored after each (``edit_batch_size`` > 1: the edits of that many
  cases computed together, each as if alone, then scored one by one);
* ``batch``: the cases of a dataloader batch are edited together (set ``data.batch_size`` to the edit batch size);
* ``sequential``: edits accumulate (no restore) through the epoch, per source language; after every
  ``sequential_every`` edits, the cases of that window are scored with all edits so far applied. The model is
  restored at the end of the epoch. Under DDP each process runs its own sequence over its shard.

Pre-edit answers (for loc_f1) are computed once per case before any edit. Metrics live in a
:class:`~mke_lightning.metrics.CrossLingualMetrics` (torchmetrics, synced across processes) and are logged as
``{stage}/{metric}/{s}-{t}``, ``/mono`` and ``/cross``; each metric's src×tgt matrix goes to TensorBoard as a
heatmap. The hyperparameters (the editor's, the evaluation's, the data's and the seed) are logged once per stage
for the HParams tab, naming the headline metrics whose scalars it shows (no extra metric points at step 0).
``edit_metrics.json`` holds the values, the number of cases behind each language and pair (synced across
processes) and the metrics the data could not give (e.g. ES/PS without ``target_true``), each with the reason,
which is also logged. Next to it, ``edit_cases_{stage}.jsonl`` holds one row per (case, source, target language):
the case's prompt and targets in that language, its metric values, what the edited model generated on the prompt,
paraphrases, neighbours and multi-hop questions, and log P(new) / log P(true) behind ES and PS (gathered from every
process under DDP; each evaluation of a stage overwrites its file). A stage that scored no case is an error.
"""

from __future__ import annotations

import json
import logging
import math
import os
import warnings
from typing import Literal

import lightning as L
import torch
from lightning.pytorch.callbacks import Callback

from mke_lightning.evaluation.case_rows import gather_rows, rows_for_case, write_rows
from mke_lightning.evaluation.case_scoring import CaseScore
from mke_lightning.evaluation.hparams_log import log_hparams
from mke_lightning.evaluation.loop import EditLoop
from mke_lightning.evaluation.run_counts import counts_summary, unscored_metrics
from mke_lightning.evaluation.summary import headline_summary, summary_table
from mke_lightning.metrics import CrossLingualMetrics
from mke_lightning.option_ranges import PositiveInt

log = logging.getLogger(__name__)



class EditEvaluationCallback(Callback):
    def __init__(
        self,
        mode: Literal["single", "batch", "sequential"] = "single",
        sequential_every: PositiveInt = 10,
        metrics: list[str] | None = None,
        edit_languages: list[str] | None = None,
        eval_languages: list[str] | None = None,
        max_new_tokens: PositiveInt | None = None,
        scoring_batch_size: PositiveInt = 256,
        log_heatmaps: bool = True,
        results_path: str | None = None,
        case_rows: bool = True,
        edit_batch_size: PositiveInt = 1,
    ):
        """Options (each one is a command-line option of `mke`).

        Args:
            mode: ``single``, ``batch`` or ``sequential`` (see the module docstring).
            sequential_every: in ``sequential`` mode, score after every this many edits.
            metrics: which of es, ps, ns, qs, rel_f1, gen_f1, loc_f1 to compute (``None``: all the data allows).
            edit_languages: source languages (``None``: the datamodule's ``edit_languages``).
            eval_languages: target languages (``None``: the datamodule's ``eval_languages``).
            max_new_tokens: cap on greedy answer length (``None``: each reference's own token length).
            scoring_batch_size: sequences per padded forward / generation batch.
            log_heatmaps: log each metric's src×tgt matrix as a TensorBoard image.
            results_path: also write ``{stage: {key: value}}`` as JSON here at the end of each evaluation epoch
                (``None``: into the logger's run directory as ``edit_metrics.json`` when there is a logger).
            case_rows: write the per-case rows (``edit_cases_{stage}.jsonl``) next to the results file.
            edit_batch_size: in ``single`` mode, compute this many cases' edits together (each as if alone:
                the same values as 1, faster for editors that batch: ROME, MEMIT, PMET, FT, MEND); 1: one at a time.
        """
        super().__init__()
        if edit_batch_size > 1 and mode != "single":
            raise ValueError(f"edit_batch_size {edit_batch_size} applies to mode single, not {mode!r}")
        self.loop = EditLoop(mode, sequential_every, metrics, max_new_tokens, scoring_batch_size, edit_batch_size)
        self.mode, self.sequential_every, self.results_path = mode, sequential_every, results_path
        self.metric_names, self.metrics_asked = self.loop.metrics, metrics is not None
        self.edit_languages, self.eval_languages = edit_languages, eval_languages
        self.max_new_tokens, self.scoring_batch_size, self.log_heatmaps = max_new_tokens, scoring_batch_size, log_heatmaps
        self.collections: dict[str, CrossLingualMetrics] = {}
        self.results: dict[str, dict[str, float]] = {}
        self.cases_scored = 0
        self.case_counts: dict[str, dict[str, dict[str, int]]] = {}
        self.not_scored: dict[str, dict[str, str]] = {}
        self._hparams_logged: set[str] = set()
        self._pending: list = []
        self.case_rows = case_rows
        self._rows: list[dict] = []

    # ---- set-up ---------------------------------------------------------------------------------------------
    def _languages(self, trainer: L.Trainer) -> tuple[list[str], list[str]]:
        dm = trainer.datamodule
        src = self.edit_languages or getattr(dm, "edit_languages", None)
        tgt = self.eval_languages or getattr(dm, "eval_languages", None)
        if not src or not tgt:
            raise ValueError("EditEvaluationCallback needs edit_languages and eval_languages (from the datamodule "
                             "or the callback's arguments)")
        return list(src), list(tgt)

    def _start(self, trainer: L.Trainer, pl_module, stage: str) -> None:
        src, tgt = self._languages(trainer)
        # Created outside inference mode: the loop updates the states with autograd-capable editors running.
        with torch.inference_mode(False):
            collection = CrossLingualMetrics(self.metric_names, src, tgt).to(pl_module.device)
        self.collections[stage] = collection
        self._pending = []
        self._rows = []
        self.cases_scored = 0

    def on_validation_epoch_start(self, trainer, pl_module):
        self._start(trainer, pl_module, "val")

    def on_test_epoch_start(self, trainer, pl_module):
        self._start(trainer, pl_module, "test")

    # ---- the loop (evaluation/loop.py) --------------------------------------------------------------------
    def _record(self, stage: str):
        collection = self.collections[stage]

        def record(src: str, case, scored: CaseScore) -> None:
            for metric, per_lang in scored.values.items():
                for tgt, value in per_lang.items():
                    collection.update(metric, src, tgt, value)
            collection.count_case(src, [t for t in collection.tgt if t in case.views])
            if self.case_rows:
                self._rows.extend(rows_for_case(stage, src, case, scored))

        return record

    def _run_batch(self, pl_module, stage: str, batch) -> None:
        if self.mode == "sequential":
            self._pending.extend(batch)
            return
        collection = self.collections[stage]
        self.loop.run(pl_module, list(batch), collection.src, collection.tgt, self._record(stage))

    def _run_sequential(self, pl_module, stage: str) -> None:
        cases, self._pending = self._pending, []
        collection = self.collections[stage]
        self.loop.run(pl_module, cases, collection.src, collection.tgt, self._record(stage))

    def on_validation_batch_end(self, trainer, pl_module, outputs, batch, batch_idx, dataloader_idx=0):
        self._run_batch(pl_module, "val", batch)

    def on_test_batch_end(self, trainer, pl_module, outputs, batch, batch_idx, dataloader_idx=0):
        self._run_batch(pl_module, "test", batch)

    # ---- logging --------------------------------------------------------------------------------------------
    def _finish(self, trainer: L.Trainer, pl_module, stage: str) -> None:
        if self.mode == "sequential":
            self._run_sequential(pl_module, stage)
        collection = self.collections[stage]
        counts = collection.case_counts()  # synced across processes, as the metric states
        self.cases_scored = sum(counts["edited"].values())
        if self.cases_scored == 0:
            raise RuntimeError(f"{stage}: no case was scored: none of the {stage} cases has a view in the edit "
                               f"languages {collection.src} (check data.edit_languages and the data's languages)")
        values = collection.compute(stage)
        self.results[stage], self.case_counts[stage] = values, counts
        self.not_scored[stage] = unscored_metrics(collection)
        rows = gather_rows(self._rows, trainer.global_step) if self.case_rows else []
        # The metric states are already synced across processes by torchmetrics: no second reduction (and no
        # warning per key recommending one).
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*sync_dist=True.*")
            pl_module.log_dict({k: v for k, v in values.items() if not math.isnan(v)}, sync_dist=False)
        if trainer.is_global_zero:
            # Asked for by name: a warning; among "all the data allows" (metrics: null): a note.
            level = logging.WARNING if self.metrics_asked else logging.INFO
            for metric, why in self.not_scored[stage].items():
                log.log(level, "%s/%s: not reported, %s", stage, metric, why)
            log.info("%s: %s", stage, counts_summary(counts))
            path = self._write_results(trainer)
            if path and self.case_rows:
                write_rows(rows, os.path.join(os.path.dirname(os.path.abspath(path)), f"edit_cases_{stage}.jsonl"))
            if trainer.state.fn == "fit":
                pl_module.print(headline_summary(values, stage, collection.metric_names, self.cases_scored,
                                                 self._run_dir(trainer), trainer.global_step))
            else:
                pl_module.print(summary_table(values, stage, collection.metric_names, counts,
                                              os.path.dirname(os.path.abspath(path)) if path else None))
        if trainer.is_global_zero and trainer.logger is not None:
            self._log_figures(trainer, collection, stage)
            if stage not in self._hparams_logged:
                log_hparams(trainer, self._hparams(trainer, pl_module),
                            [f"{stage}/{m}/{k}" for m in collection.metric_names for k in ("mono", "cross")])
                self._hparams_logged.add(stage)
        collection.reset()

    def _hparams(self, trainer: L.Trainer, pl_module) -> dict:
        """The editor's options, the evaluation's and the data's (paths, languages, case caps, seeds)."""
        params = dict(pl_module.hparams)
        params.update({"editor": type(pl_module).__name__, "mode": self.mode,
                       "uses_parallel_views": getattr(pl_module, "uses_parallel_views", False),
                       "seed_everything": os.environ.get("PL_GLOBAL_SEED")})
        data = getattr(trainer.datamodule, "hparams", None)
        if data:
            params["data"] = dict(data)
        return params

    @staticmethod
    def _run_dir(trainer) -> str | None:
        return trainer.logger.log_dir if trainer.logger is not None and trainer.logger.log_dir else None

    def _write_results(self, trainer) -> str | None:
        """Write ``edit_metrics.json`` (or ``results_path``); returns where (``None``: nowhere to write)."""
        path = self.results_path
        if path is None and self._run_dir(trainer):
            path = os.path.join(self._run_dir(trainer), "edit_metrics.json")
        if path:
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
            with open(path, "w", encoding="utf-8") as fh:
                json.dump({"cases_scored": self.cases_scored, "case_counts": self.case_counts,
                           "not_scored": {k: v for k, v in self.not_scored.items() if v}, **self.results}, fh, indent=1)
        return path

    def _log_figures(self, trainer, collection: CrossLingualMetrics, stage: str) -> None:
        """Each metric's src×tgt matrix as a TensorBoard image and as ``heatmaps/{stage}_{metric}.png`` in the run
        folder (the last evaluation of a stage overwrites its file)."""
        experiment = getattr(trainer.logger, "experiment", None)
        run_dir = self._run_dir(trainer)
        if not self.log_heatmaps or (not hasattr(experiment, "add_figure") and run_dir is None):
            return
        from mke_lightning.evaluation.heatmap import matrix_figure

        for metric in collection.metric_names:
            matrix = collection.matrix(metric)
            if torch.isnan(matrix).all():
                continue
            fig = matrix_figure(matrix, collection.src, collection.tgt, f"{stage} {metric}")
            if run_dir is not None:
                os.makedirs(os.path.join(run_dir, "heatmaps"), exist_ok=True)
                fig.savefig(os.path.join(run_dir, "heatmaps", f"{stage}_{metric}.png"), dpi=100, bbox_inches="tight")
            if hasattr(experiment, "add_figure"):
                experiment.add_figure(f"{stage}/{metric}/matrix", fig, global_step=trainer.global_step)
            else:
                import matplotlib.pyplot as plt

                plt.close(fig)

    def on_fit_end(self, trainer, pl_module):
        checkpoint = getattr(trainer, "checkpoint_callback", None)
        if trainer.is_global_zero and checkpoint is not None and checkpoint.dirpath:
            pl_module.print(f"checkpoints: {checkpoint.dirpath}"
                            + (f" (best: {checkpoint.best_model_path})" if checkpoint.best_model_path else ""))

    def on_validation_epoch_end(self, trainer, pl_module):
        self._finish(trainer, pl_module, "val")

    def on_test_epoch_end(self, trainer, pl_module):
        self._finish(trainer, pl_module, "test")
