"""``EditLoop``: edit, score, restore, for every source language, written once (design.md §3.4).

The evaluation callback, ``mke bench`` and ``mke edit`` all run this loop; only what they do with the values
differs (the ``record`` function). For each source language the cases have a view in:

* ``single`` (default): each case is edited alone, scored, and the model restored before the next; with
  ``edit_batch_size`` B > 1 the edits of B cases are computed together (``editor.edit_each``: each as if alone, on
  the unedited model), then scored together in shared forwards, every batch row with its own case's edit, when
  the editor allows it (``editor.scored_together``), else each applied, scored and restored in turn — the same
  values as B = 1 up to float rounding (the padded widths of shared batches differ from a case's own);
* ``batch``: the cases given are edited together by one ``editor.edit`` call, scored, restored;
* ``sequential``: edits accumulate (no restore) through the cases; after every ``sequential_every`` edits the cases
  of that window are scored with all edits so far applied; the model is restored at the end (innermost edit left
  first).

Scoring goes through the editor's :meth:`~mke_lightning.editors.base.BaseEditor.scoring_lm`, asked for inside the
edit, so editors that rewrite or route prompts are scored as they answer. Pre-edit answers (for loc_f1) are
computed once per case, before any edit, from the scoring LM outside any edit. The context-length check runs on
the unedited prompts before any edit (so a too-long text stops the run before minutes of edit computation) and on
what the edited scoring LM really feeds its model before each scoring.

An editor here is anything with ``edit(cases, src_lang) -> AppliedEdit`` and ``scoring_lm(batch_size)``.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import torch

from mke_lightning.data.schema import EditCase
from mke_lightning.evaluation.case_scoring import (
    ALL_METRICS,
    CaseScore,
    PreEditAnswers,
    case_scores,
    plan_queries,
    pre_edit_answers,
    query_cases,
    run_queries,
    score_cases,
)
from mke_lightning.evaluation.context_fit import check_fits_context

Mode = Literal["single", "batch", "sequential"]
#: ``record(src_lang, case, scored)``, called once per scored (case, source language); ``scored.values`` is
#: ``{metric: {tgt_lang: value}}``, ``scored.outputs`` what the model generated (see :class:`CaseScore`).
Record = Callable[[str, EditCase, CaseScore], None]


@dataclass
class LoopTimes:
    """Wall time per edit (computing it, applying it and restoring the model) and of scoring, summed."""

    edit_s: list[float] = field(default_factory=list)
    score_s: float = 0.0


class EditLoop:
    def __init__(self, mode: Mode = "single", sequential_every: int = 10, metrics: Sequence[str] | None = None,
                 max_new_tokens: int | None = None, scoring_batch_size: int = 256, edit_batch_size: int = 1):
        """Args: as :class:`~mke_lightning.evaluation.callback.EditEvaluationCallback`, which passes its own."""
        if mode not in ("single", "batch", "sequential"):
            raise ValueError(f"mode must be single, batch or sequential, got {mode!r}")
        unknown = [m for m in metrics or () if m not in ALL_METRICS]
        if unknown:
            raise ValueError(f"unknown metrics {unknown}; known: {list(ALL_METRICS)}")
        if sequential_every < 1:
            raise ValueError(f"sequential_every must be >= 1, got {sequential_every}")
        if scoring_batch_size < 1:
            raise ValueError(f"scoring_batch_size must be >= 1, got {scoring_batch_size}")
        if edit_batch_size < 1:
            raise ValueError(f"edit_batch_size must be >= 1, got {edit_batch_size}")
        self.mode, self.sequential_every = mode, sequential_every
        self.metrics = list(metrics) if metrics else list(ALL_METRICS)
        self.max_new_tokens, self.scoring_batch_size = max_new_tokens, scoring_batch_size
        self.edit_batch_size = edit_batch_size
        self.times = LoopTimes()

    def pre_edit(self, editor, cases: Sequence[EditCase], langs: Sequence[str]) -> PreEditAnswers | None:
        """Pre-edit greedy answers on the neighbourhood prompts (``None`` when loc_f1 is not computed)."""
        if "loc_f1" not in self.metrics:
            return None
        return pre_edit_answers(editor.scoring_lm(self.scoring_batch_size), cases, langs, self.max_new_tokens)

    def _score(self, editor, cases, src, tgt, pre_edit, record: Record) -> None:
        start = time.perf_counter()
        lm = editor.scoring_lm(self.scoring_batch_size)
        check_fits_context(lm, cases, tgt)
        for case, scored in zip(cases, score_cases(lm, cases, tgt, self.metrics, pre_edit, self.max_new_tokens)):
            record(src, case, scored)
        self.times.score_s += time.perf_counter() - start

    def _edited(self, editor, cases, src, stack: contextlib.ExitStack) -> None:
        start = time.perf_counter()
        stack.enter_context(editor.edit(cases, src))
        self.times.edit_s.append(time.perf_counter() - start)

    def run(self, editor, cases: Sequence[EditCase], src_langs: Sequence[str], tgt_langs: Sequence[str],
            record: Record) -> None:
        """Edit and score ``cases`` from every language of ``src_langs`` they have, in ``tgt_langs``."""
        cases = list(cases)
        with torch.inference_mode(False), torch.no_grad():
            start = time.perf_counter()
            check_fits_context(editor.scoring_lm(self.scoring_batch_size), cases, tgt_langs)
            pre_edit = self.pre_edit(editor, cases, tgt_langs)
            self.times.score_s += time.perf_counter() - start
            for src in src_langs:
                editable = [c for c in cases if src in c.views]
                if not editable:
                    continue
                if self.mode == "sequential":
                    self._sequential(editor, editable, src, tgt_langs, pre_edit, record)
                    continue
                if self.mode == "single" and self.edit_batch_size > 1:
                    self._single_batched(editor, editable, src, tgt_langs, pre_edit, record)
                    continue
                groups = [[c] for c in editable] if self.mode == "single" else [editable]
                for group in groups:
                    with contextlib.ExitStack() as stack:
                        self._edited(editor, group, src, stack)
                        self._score(editor, group, src, tgt_langs, pre_edit, record)
                        restore_start = time.perf_counter()
                    self.times.edit_s[-1] += time.perf_counter() - restore_start

    def _single_batched(self, editor, cases, src, tgt, pre_edit, record: Record) -> None:
        """Single mode, ``edit_batch_size`` cases' edits computed at once (``editor.edit_each``), then scored in shared
        forwards with each row's own edit when the editor allows it (``editor.scored_together``), else each applied,
        scored and restored alone. Each case's edit time is its share of the batch's computation, applying and
        restoring."""
        for start in range(0, len(cases), self.edit_batch_size):
            group = cases[start:start + self.edit_batch_size]
            began = time.perf_counter()
            edits = editor.edit_each(group, src)
            if len(edits) != len(group):
                raise RuntimeError(f"{type(editor).__name__}.edit_each returned {len(edits)} edits for {len(group)} "
                                   "cases")
            combined = editor.scored_together(edits) if hasattr(editor, "scored_together") else None
            share = (time.perf_counter() - began) / len(group)
            if combined is not None:
                began = time.perf_counter()
                with combined:
                    entered = time.perf_counter()
                    self._score_together(combined, group, src, tgt, pre_edit, record)
                    left = time.perf_counter()
                overhead = ((entered - began) + (time.perf_counter() - left)) / len(group)
                self.times.edit_s.extend([share + overhead] * len(group))
                continue
            for case, applied in zip(group, edits):
                began = time.perf_counter()
                with applied:
                    entered = time.perf_counter()
                    self._score(editor, [case], src, tgt, pre_edit, record)
                    left = time.perf_counter()
                self.times.edit_s.append(share + (entered - began) + (time.perf_counter() - left))

    def _score_together(self, combined, cases, src, tgt, pre_edit, record: Record) -> None:
        """Every query of ``cases`` in one batched call per kind, each batch row routed to its case's edit."""
        start = time.perf_counter()
        lm = combined.scoring_lm(self.scoring_batch_size)
        check_fits_context(lm, cases, tgt)
        plan = plan_queries(cases, tgt, self.metrics)
        contrast, greedy = query_cases(plan)
        results = run_queries(plan, lm, self.max_new_tokens,
                              route=lambda kind: combined.use(contrast if kind == "contrast" else greedy))
        for case, scored in zip(cases, case_scores(plan, results, pre_edit)):
            record(src, case, scored)
        self.times.score_s += time.perf_counter() - start

    def _sequential(self, editor, cases, src, tgt, pre_edit, record: Record) -> None:
        with contextlib.ExitStack() as stack:
            for start in range(0, len(cases), self.sequential_every):
                window = cases[start:start + self.sequential_every]
                for case in window:
                    self._edited(editor, [case], src, stack)
                self._score(editor, window, src, tgt, pre_edit, record)
