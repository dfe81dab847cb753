"""EditDataModule: languages without cases are errors, and the training order is seeded, resumable mid-epoch."""

from __future__ import annotations

import pytest
import torch
from torch.utils.data import RandomSampler

from mke_lightning.data.datamodule import EditDataModule
from mke_lightning.data.reading import write_edit_cases
from mke_lightning.data.resumable_sampler import ResumableShuffle


def test_an_edit_or_eval_language_without_cases_is_an_error(small_cases, tmp_path):
    path = tmp_path / "cases.jsonl"
    write_edit_cases(small_cases[:3], path)
    dm = EditDataModule(test_path=str(path), languages=["en", "zh"], edit_languages=["en"], eval_languages=["en"])
    dm.setup("test")
    assert len(dm.splits["test"]) == 3
    for option in ("edit_languages", "eval_languages"):
        only_en = [type(c)(c.case_id, {"en": c.views["en"]}, c.meta) for c in small_cases[:3]]
        write_edit_cases(only_en, path)
        langs = {"edit_languages": ["en", "zh"], "eval_languages": ["en"]} if option == "edit_languages" else \
            {"edit_languages": ["en"], "eval_languages": ["en", "zh"]}
        dm = EditDataModule(test_path=str(path), **langs)  # no data.languages: the read asks for none
        with pytest.raises(ValueError, match=rf"data\.{option}: no test case of .* has a view in \['zh'\]"):
            dm.setup("test")


def test_first_epoch_is_the_order_random_sampler_gave_and_later_epochs_are_seeded():
    data = list(range(23))
    torch.manual_seed(7)
    before = list(RandomSampler(data))
    torch.manual_seed(7)
    sampler = ResumableShuffle(data)
    assert list(sampler) == before
    sampler.set_epoch(3)
    epoch3 = list(sampler)
    again = ResumableShuffle(data, seed=sampler.seed)
    again.set_epoch(3)
    assert list(again) == epoch3 != before and sorted(epoch3) == data


def test_restore_continues_mid_epoch_and_moves_on_after_a_full_epoch():
    data = list(range(10))
    sampler = ResumableShuffle(data, seed=5)
    sampler.set_epoch(1)
    full = list(sampler)
    resumed = ResumableShuffle(data)
    resumed.restore(sampler.state(epoch=1, samples_done=4))
    assert list(resumed) == full[4:]
    assert list(resumed) == full  # the skip applies to the first pass only
    finished = ResumableShuffle(data)
    finished.restore(sampler.state(epoch=1, samples_done=10))
    assert finished.epoch == 2 and len(list(finished)) == 10


def test_shards_of_two_processes_cover_the_data_once_per_epoch():
    data = list(range(12))
    shards = [list(ResumableShuffle(data, num_replicas=2, rank=r, seed=3)) for r in (0, 1)]
    assert sorted(shards[0] + shards[1]) == data
