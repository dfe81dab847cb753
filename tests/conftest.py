"""Shared test setup: no hub access (set before any test module imports ``datasets``/``transformers``)."""

from __future__ import annotations

import os

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["HF_DATASETS_OFFLINE"] = "1"

import pytest  # noqa: E402


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
