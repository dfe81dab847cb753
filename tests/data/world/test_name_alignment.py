"""The cross-lingual name alignment loss: its value at the known extremes, its symmetry, and bad shapes."""

from __future__ import annotations

import math

import pytest
import torch

from mke_lightning.data.world.name_alignment import name_alignment_loss


def test_identical_far_apart_pairs_cost_almost_nothing_and_swapped_ones_a_lot():
    a = torch.eye(4) * 3.0
    assert name_alignment_loss(a, a.clone(), temperature=0.05).item() < 1e-6
    swapped = a[[1, 0, 3, 2]]
    # each row's partner is orthogonal to it while another row is identical: 1/0.05 = 20 nats apart
    assert name_alignment_loss(a, swapped, temperature=0.05).item() == pytest.approx(20.0, abs=1e-3)


def test_states_that_tell_nothing_apart_cost_log_batch():
    same = torch.ones(8, 5)
    assert name_alignment_loss(same, same, temperature=0.1).item() == pytest.approx(math.log(8), rel=1e-6)


def test_it_is_symmetric_and_scale_free():
    g = torch.Generator().manual_seed(0)
    a, b = torch.randn(6, 16, generator=g), torch.randn(6, 16, generator=g)
    ab = name_alignment_loss(a, b, temperature=0.2)
    assert ab.item() == pytest.approx(name_alignment_loss(b, a, temperature=0.2).item(), rel=1e-6)
    assert ab.item() == pytest.approx(name_alignment_loss(7 * a, 0.5 * b, temperature=0.2).item(), rel=1e-5)


def test_mismatched_shapes_are_an_error():
    with pytest.raises(ValueError, match=r"\(4, 3\) and \(5, 3\)"):
        name_alignment_loss(torch.zeros(4, 3), torch.zeros(5, 3), temperature=0.1)


def test_the_datamodule_pairs_only_distinct_forms_of_an_entity():
    from mke_lightning.data.world.corpus_datamodule import WorldCorpusDataModule

    dm = WorldCorpusDataModule()
    dm.tokenizer = lambda texts: {"input_ids": [[0] + [ord(c) for c in t] for t in texts]}  # <|bos|> = 0
    dm.entity_names = [{"en": "Ab", "de": "Ab", "ru": "Аб"},    # two forms: en/de share one
                       {"en": "Cd", "de": "Cd"},                 # one form only: nothing to align
                       {"en": "Ef", "zh": "艾", "th": "เอ"}]
    assert dm.name_token_ids() == [[[0, ord("A"), ord("b")], [0, ord("А"), ord("б")]],
                                   [[0, ord("E"), ord("f")], [0, ord("เ"), ord("อ")], [0, ord("艾")]]]
