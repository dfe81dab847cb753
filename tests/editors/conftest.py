"""Fixtures for editor tests: tiny GPT-2 and LLaMA models saved in HF format, and world cases."""

from __future__ import annotations

import pytest
import torch

from mke_lightning.data.world.generator import WorldConfig, build_world
from mke_lightning.models.world_pretraining import build_world_model
from mke_lightning.models.world_tokenizer import train_world_tokenizer

SMALL = WorldConfig(seed=2, n_people=10, n_cities=6, n_countries=3, n_companies=3, n_universities=3)


@pytest.fixture(scope="session")
def small_world():
    return build_world(SMALL)


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory, small_world):
    """``{"gpt2": path, "llama": path}``: random tiny models with a tokenizer trained on the small world."""
    rows = list(small_world.corpus())
    tok = train_world_tokenizer([r["text"] for r in rows], vocab_size=500)
    special = {"bos_token_id": tok.bos_token_id, "eos_token_id": tok.eos_token_id, "pad_token_id": tok.pad_token_id}
    paths = {}
    for arch in ("gpt2", "llama"):
        torch.manual_seed(0)
        model = build_world_model(arch, len(tok), special, 32, 3, 2, 1, None, 64)
        path = tmp_path_factory.mktemp(f"tiny-{arch}")
        model.save_pretrained(path)
        tok.save_pretrained(path)
        paths[arch] = str(path)
    return paths


@pytest.fixture(scope="session")
def small_cases(small_world):
    return small_world.edit_cases("test")
