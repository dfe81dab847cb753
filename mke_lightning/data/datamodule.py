"""``EditDataModule``: edit cases for training and evaluating editors, from any benchmark a reader knows.

The files are read by ``reader`` (default: the unified schema; :mod:`mke_lightning.data.readers` has one per
benchmark and a generic field-mapping reader), ``train_path`` by ``train_reader`` when the training data has another
format (zsRE's MEND-format train file next to the Bi-ZsRE test set).

Batches are lists of :class:`~mke_lightning.data.schema.EditCase` (editors and the evaluation callback tokenize
per language themselves). Training cases come in a seeded order that a run resumed from a mid-epoch checkpoint
continues exactly (:class:`~mke_lightning.data.resumable_sampler.ResumableShuffle`, its position saved in every
checkpoint by Lightning through the loader's ``state_dict``), sharded across processes under DDP; validation and test cases
by an unrepeated sampler, so every case is scored exactly once whatever the number of processes.
"""

from __future__ import annotations

import logging
import os
import random
from collections import Counter

import lightning as L
import torch.distributed as dist
from torch.utils.data import DataLoader

from mke_lightning.data.languages import normalize_lang
from mke_lightning.data.readers import EditReader, UnifiedReader
from mke_lightning.data.reading import DuplicatePolicy, InvalidPolicy, LanguagePolicy, ReadReport, SubjectPolicy
from mke_lightning.data.resumable_sampler import ResumableLoader, ResumableShuffle
from mke_lightning.data.schema import EditCase
from mke_lightning.option_ranges import NonNegativeInt, PositiveInt

log = logging.getLogger(__name__)


def _collate_cases(batch: list[EditCase]) -> list[EditCase]:
    return batch


class EditDataModule(L.LightningDataModule):
    def __init__(
        self,
        train_path: str | None = None,
        val_path: str | None = None,
        test_path: str | None = None,
        languages: list[str] | None = None,
        edit_languages: list[str] | None = None,
        eval_languages: list[str] | None = None,
        max_train_cases: PositiveInt | None = None,
        max_eval_cases: PositiveInt | None = None,
        seed: int = 0,
        on_subject_missing: SubjectPolicy = "error",
        on_language_missing: LanguagePolicy = "keep",
        on_invalid_record: InvalidPolicy = "error",
        on_duplicate_case: DuplicatePolicy = "error",
        reader: EditReader | None = None,
        train_reader: EditReader | None = None,
        batch_size: PositiveInt = 1,
        num_workers: NonNegativeInt = 0,
    ):
        """Options (each one is a command-line option of `mke`).

        Args:
            train_path: unified-schema JSON/JSONL file of training edits (learned editors); ``None``: no training.
            val_path: file of validation edits.
            test_path: file of test edits.
            languages: languages to read (ISO 639-1; aliases such as ``cz`` accepted); ``None``: all in the files.
            edit_languages: source languages the edits are made in; ``None``: ``["en"]``.
            eval_languages: target languages every edit is scored in; ``None``: all of ``languages``.
            max_train_cases: keep a seeded random subset of this many training cases (``None``: all).
            max_eval_cases: the same for validation and test cases.
            seed: seed of the subsets.
            on_subject_missing: ``error`` (default) rejects a view whose subject is not in its prompt; ``skip``
                drops it and counts it per language; ``keep`` keeps it and counts it (editors that never locate
                the subject: FT, MEND, IKE).
            on_language_missing: with ``languages`` set, a record lacking one of them is rejected (``error``), dropped
                (``skip``) or kept with the views it has (``keep``, default); ``skip`` and ``keep`` count it per language.
            on_invalid_record: ``error`` (default) stops at the first malformed record (naming file, record and
                field); ``skip`` drops malformed records (or the malformed view of a record), counted and logged.
            on_duplicate_case: ``error`` (default) stops at a second case with the same ``case_id`` in a file;
                ``skip`` keeps the first, counted and logged.
            reader: how to read the files (``None``: the unified schema); e.g. ``{class_path: MzsREReader}`` or a
                ``MappingReader`` with a field mapping for a new benchmark.
            train_reader: reader of ``train_path`` when its format differs (``None``: ``reader``).
            batch_size: cases per batch.
            num_workers: DataLoader workers.
        """
        super().__init__()
        self.save_hyperparameters()
        self.languages = [normalize_lang(x) for x in languages] if languages else None
        self.edit_languages = [normalize_lang(x) for x in (edit_languages or ["en"])]
        self.eval_languages = [normalize_lang(x) for x in eval_languages] if eval_languages else self.languages
        if self.languages is not None:
            for name, group in (("edit_languages", self.edit_languages), ("eval_languages", self.eval_languages)):
                missing = [x for x in group if x not in self.languages]
                if missing:
                    raise ValueError(f"data.{name} {missing} are not among data.languages {self.languages}")
        self.reader = reader or UnifiedReader()
        self.train_reader = train_reader or self.reader
        self.splits: dict[str, list[EditCase]] = {}
        self.reports: dict[str, ReadReport] = {}

    def _read(self, split: str, path: str | None, limit: int | None) -> None:
        if path is None or split in self.splits:
            return
        h = self.hparams
        reader = self.train_reader if split == "train" else self.reader
        cases, report = reader.read(path, languages=self.languages, on_subject_missing=h.on_subject_missing,
                                    on_language_missing=h.on_language_missing, on_invalid_record=h.on_invalid_record,
                                    on_duplicate_case=h.on_duplicate_case)
        if limit is not None and limit < len(cases):
            cases = random.Random(f"{self.hparams.seed}-{split}").sample(cases, limit)
        self.splits[split], self.reports[split] = cases, report
        if self.eval_languages is None:
            self.eval_languages = sorted({lang for case in cases for lang in case.views})
        if split != "train":
            self._check_languages(split, path, cases)

    def _check_languages(self, split: str, path: str, cases: list[EditCase]) -> None:
        """Every edit and evaluation language has cases to score: a language without any is an error naming why,
        not a column of missing figures."""
        have = Counter(lang for case in cases for lang in case.views)
        for option, langs in (("edit_languages", self.edit_languages), ("eval_languages", self.eval_languages)):
            empty = [lang for lang in langs if not have[lang]]
            if empty:
                raise ValueError(
                    f"data.{option}: no {split} case of {path} has a view in {empty} ({len(cases)} cases read; "
                    f"views per language: {dict(sorted(have.items())) or 'none'})")

    def setup(self, stage: str | None = None) -> None:
        h = self.hparams
        if stage in (None, "fit"):
            self._read("train", h.train_path, h.max_train_cases)
        if stage in (None, "fit", "validate"):
            self._read("val", h.val_path, h.max_eval_cases)
        if stage in (None, "test"):
            self._read("test", h.test_path, h.max_eval_cases)

    def _loader(self, split: str) -> DataLoader:
        if split not in self.splits:
            raise ValueError(f"no {split} data: set data.{split}_path")
        cases = self.splits[split]
        sampler = None
        if dist.is_available() and dist.is_initialized() and dist.get_world_size() > 1:
            # Each case evaluated exactly once across processes: Lightning's default DistributedSampler would pad
            # the shards with repeated cases, and the synced metrics would then differ from a 1-process run.
            from lightning.pytorch.overrides.distributed import UnrepeatedDistributedSampler

            sampler = UnrepeatedDistributedSampler(cases, shuffle=False)
        return DataLoader(cases, batch_size=self.hparams.batch_size, sampler=sampler, collate_fn=_collate_cases,
                          num_workers=self.hparams.num_workers)

    def train_dataloader(self) -> DataLoader:
        """Training cases in a seeded order that a resumed run continues exactly (:mod:`.resumable_sampler`)."""
        if "train" not in self.splits:
            raise ValueError("no train data: set data.train_path")
        trainer = self.trainer
        world, rank = (trainer.world_size, trainer.global_rank) if trainer is not None else (1, 0)
        seed = int(os.environ.get("PL_GLOBAL_SEED", self.hparams.seed)) if world > 1 else None

        def progress() -> tuple[int, int]:
            return trainer.current_epoch, trainer.fit_loop.epoch_loop.batch_progress.current.processed

        sampler = ResumableShuffle(self.splits["train"], num_replicas=world, rank=rank, seed=seed)
        return ResumableLoader(self.splits["train"], sampler, progress, batch_size=self.hparams.batch_size,
                               collate_fn=_collate_cases, num_workers=self.hparams.num_workers)

    def val_dataloader(self) -> DataLoader:
        return self._loader("val")

    def test_dataloader(self) -> DataLoader:
        return self._loader("test")
