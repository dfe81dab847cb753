"""``load_causal_lm``: a directory that is not a model is a clear error before transformers is asked; hub ids still
go to ``from_pretrained``; the shipped world model loads."""

from __future__ import annotations

from pathlib import Path

import pytest

from mke_lightning.models.loading import load_causal_lm

REPO = Path(__file__).resolve().parents[2]


class _Asked(Exception):
    pass


@pytest.fixture
def transformers_asked(monkeypatch):
    """Record what ``from_pretrained`` is asked for (and stop there)."""
    import transformers

    asked: list[str] = []

    def record(name_or_path, *args, **kwargs):
        asked.append(str(name_or_path))
        raise _Asked(name_or_path)

    monkeypatch.setattr(transformers.AutoTokenizer, "from_pretrained", record)
    monkeypatch.setattr(transformers.AutoModelForCausalLM, "from_pretrained", record)
    return asked


def test_a_data_folder_is_not_a_model(transformers_asked):
    folder = REPO / "checkpoints" / "world-data"
    if not folder.is_dir():
        pytest.skip(f"{folder} is not shipped in this checkout")
    with pytest.raises(FileNotFoundError) as err:
        load_causal_lm(str(folder))
    message = str(err.value)
    assert str(folder) in message and "not a model" in message and "no config.json" in message
    assert "corpus.jsonl" in message  # what the folder does hold
    assert transformers_asked == []


def test_an_empty_or_nested_local_directory_is_named(tmp_path, monkeypatch, transformers_asked):
    with pytest.raises(FileNotFoundError, match=r"is a directory but not a model: it has no config\.json \(it holds "
                                                r"nothing\)"):
        load_causal_lm(str(tmp_path))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "org" / "name").mkdir(parents=True)  # a local folder shaped like a hub id is still local
    (tmp_path / "org" / "name" / "weights.bin").write_bytes(b"")
    with pytest.raises(FileNotFoundError, match=r"org/name is a directory but not a model.*weights\.bin"):
        load_causal_lm("org/name")
    assert transformers_asked == []


def test_a_hub_id_goes_to_from_pretrained(tmp_path, monkeypatch, transformers_asked):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(_Asked):
        load_causal_lm("some-org/some-model")
    assert transformers_asked == ["some-org/some-model"]


def test_a_missing_local_path_is_named(tmp_path, transformers_asked):
    with pytest.raises(FileNotFoundError, match="model directory not found"):
        load_causal_lm(str(tmp_path / "nope"))
    assert transformers_asked == []


def test_the_shipped_world_model_loads():
    path = REPO / "checkpoints" / "world-gpt2"
    if not (path / "model.safetensors").is_file():
        pytest.skip(f"{path} is not shipped in this checkout")
    model, tok = load_causal_lm(str(path))
    assert model.config.model_type == "gpt2" and tok.pad_token_id is not None
    assert not any(p.requires_grad for p in model.parameters())
