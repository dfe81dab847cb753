"""Shared test setup: no hub access (set before any test module imports ``datasets``/``transformers``), and
freed large blocks kept in the process as ``mke`` keeps them (:mod:`mke_lightning.cpu_allocator`)."""

from __future__ import annotations

import os

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["HF_DATASETS_OFFLINE"] = "1"

import pytest  # noqa: E402

from mke_lightning.cpu_allocator import keep_freed_memory  # noqa: E402

keep_freed_memory()


@pytest.fixture(autouse=True, scope="session")
def _offline_hub():
    """Keep the hub offline for the whole session (a test or library must not switch it back on)."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["HF_DATASETS_OFFLINE"] = "1"
    yield


def _make_view(subject: str = "Pamu Ritesen", prompt: str | None = None, target_new: str = "Oslo", **extra) -> dict:
    """A valid unified-schema language view as a plain dict (``prompt`` defaults to one containing ``subject``)."""
    view = {"subject": subject, "prompt": prompt if prompt is not None else f"{subject} lives in",
            "target_new": target_new}
    view.update(extra)
    return view


def _make_record(case_id: str = "case-0", views: dict | None = None, **extra) -> dict:
    """A valid unified-schema record as a plain dict (one English view unless ``views`` is given)."""
    record = {"case_id": case_id, "views": views if views is not None else {"en": _make_view()}}
    record.update(extra)
    return record


@pytest.fixture
def tiny_view():
    """Factory for valid raw language views: ``tiny_view(subject=..., prompt=..., paraphrases=[...])``."""
    return _make_view


@pytest.fixture
def tiny_case_record():
    """Factory for valid raw records: ``tiny_case_record(case_id=..., views={lang: tiny_view(...)})``."""
    return _make_record


# ---- tiny models and a small world, shared by editor and evaluation tests ----------------------------------
import torch  # noqa: E402

from mke_lightning.data.world.generator import WorldConfig, build_world  # noqa: E402
from mke_lightning.models.world_model import build_world_model  # noqa: E402
from mke_lightning.models.world_tokenizer import train_world_tokenizer  # noqa: E402

SMALL_WORLD = WorldConfig(seed=2, n_people=10, n_cities=6, n_countries=3, n_companies=3, n_universities=3)


@pytest.fixture(scope="session")
def small_world():
    return build_world(SMALL_WORLD)


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
