"""CovarianceCache: E[k kᵀ] of FFN out-projection inputs against a naive reference, one pass == one pass per layer
(bit for bit), padding excluded, the on-disk cache (hit, invalidation on weights/settings, atomic, corrupt files)."""

from __future__ import annotations

from dataclasses import fields

import pytest
import torch

from mke_lightning.editors.shared import CovarianceCache, model_fingerprint
from mke_lightning.editors.shared.covariance import CovarianceOptions
from mke_lightning.editors.shared.disk_cache import atomic_torch_save
from mke_lightning.models.adapter import ArchitectureAdapter
from mke_lightning.models.loading import load_causal_lm

TEXTS = ["Pamu Ritesen lives in Oslo.", "A", "The city of Sore is located in Tezenia and has a river.",
         "Sore", "Das ist ein längerer deutscher Satz über eine Stadt.", "短い", "x y z", "one more text here"]


def _cache(**settings) -> CovarianceCache:
    """A cache from one flat dict: the option fields go to :class:`CovarianceOptions`, the rest to the cache."""
    names = {f.name for f in fields(CovarianceOptions)}
    return CovarianceCache(CovarianceOptions(**{k: v for k, v in settings.items() if k in names}),
                           **{k: v for k, v in settings.items() if k not in names})


@pytest.fixture
def corpus(tmp_path):
    path = tmp_path / "corpus.txt"
    path.write_text("\n".join(TEXTS) + "\n", encoding="utf-8")
    return str(path)


@pytest.fixture(params=["gpt2", "llama"])
def lm(request, tiny_models):
    return load_causal_lm(tiny_models[request.param])


def naive_second_moment(model, tokenizer, texts, layer, max_length):
    """One text at a time (no padding at all), k captured by a plain forward hook, float64 sums."""
    module = ArchitectureAdapter(model).ffn_out(layer)
    total, count, seen = 0, 0, []
    handle = module.register_forward_hook(lambda _m, args, _out: seen.append(args[0][0].double()))
    try:
        for text in texts:
            ids = tokenizer(text, truncation=True, max_length=max_length, return_tensors="pt")["input_ids"]
            seen.clear()
            model(input_ids=ids)
            k = seen[0]
            total, count = total + k.T @ k, count + k.shape[0]
    finally:
        handle.remove()
    return total / count, count


def test_matches_naive_reference_padding_excluded(lm, corpus, tmp_path):
    model, tok = lm
    cache = _cache(corpus=corpus, n_samples=len(TEXTS), batch_size=3, max_length=12,
                   cache_dir=str(tmp_path / "cache"), progress=False)
    stats = cache.get(model, tok, [0, -1])
    assert sorted(stats) == [0, 2]
    d_ff = ArchitectureAdapter(model).ffn_dims()[1]
    for layer in (0, 2):
        ref, count = naive_second_moment(model, tok, TEXTS, layer, 12)
        assert stats[layer].dtype == torch.float32 and stats[layer].shape == (d_ff, d_ff)
        assert stats[layer].device.type == "cpu"
        torch.testing.assert_close(stats[layer].double(), ref, rtol=1e-5, atol=1e-7)
    assert cache.last_report["compute"]["tokens"] == count
    assert count < len(TEXTS) * 12  # texts of different lengths: batches were padded, and padding not counted


def test_one_pass_equals_one_pass_per_layer_bit_for_bit(lm, corpus, tmp_path):
    model, tok = lm
    cache = _cache(corpus=corpus, n_samples=len(TEXTS), batch_size=4, cache_dir=str(tmp_path),
                   progress=False)
    together, report = cache.compute(model, tok, [0, 1, 2], one_pass=True)
    apart, report_apart = cache.compute(model, tok, [0, 1, 2], one_pass=False)
    assert [p["layers"] for p in report["passes"]] == [[0, 1, 2]]
    assert [p["layers"] for p in report_apart["passes"]] == [[0], [1], [2]]
    assert all(torch.equal(together[layer], apart[layer]) for layer in (0, 1, 2))
    per_layer_option = _cache(corpus=corpus, n_samples=len(TEXTS), batch_size=4, cache_dir=str(tmp_path),
                              progress=False, one_pass=False)
    stats = per_layer_option.get(model, tok, [0, 2])
    assert len(per_layer_option.last_report["compute"]["passes"]) == 2
    assert all(torch.equal(stats[layer], together[layer]) for layer in (0, 2))


def test_disk_cache_hit_and_invalidation(tiny_models, corpus, tmp_path):
    model, tok = load_causal_lm(tiny_models["gpt2"])
    settings = dict(corpus=corpus, n_samples=5, batch_size=2, cache_dir=str(tmp_path), progress=False)
    first = _cache(**settings).get(model, tok, [1])
    second = _cache(**settings)  # a new object: only the disk can answer
    again = second.get(model, tok, [1, 2])
    assert second.last_report["loaded"] == [1] and second.last_report["computed"] == [2]
    assert torch.equal(again[1], first[1])
    third = _cache(**settings)
    third.get(model, tok, [1, 2])
    assert third.last_report["computed"] == [] and "compute" not in third.last_report
    path = third.cache_path(model, tok, 1)
    assert path.is_file() and path.parent.name == model_fingerprint(model)
    assert not list(tmp_path.rglob("*.tmp")), "temporary files must not survive a write"
    # any setting in the key -> a different file
    for change in ({"n_samples": 6}, {"max_length": 7}, {"dtype": "float64"}):
        other = _cache(**{**settings, **change})
        other.get(model, tok, [1])
        assert other.last_report["computed"] == [1], change
    assert _cache(**settings).cache_path(model, tok, 1) == path
    # the weights changed -> recomputed, and the statistic differs
    with torch.no_grad():
        ArchitectureAdapter(model).ffn_in(0)[0].weight.mul_(1.5)
    edited = _cache(**settings)
    changed = edited.get(model, tok, [1])
    assert edited.last_report["computed"] == [1] and not torch.equal(changed[1], first[1])
    # an explicit fingerprint (e.g. of the unedited model) is honoured
    by_name = _cache(**settings)
    by_name.get(model, tok, [1], fingerprint=path.parent.name)
    assert by_name.last_report["loaded"] == [1]


def test_corpus_content_change_invalidates(tiny_models, tmp_path):
    model, tok = load_causal_lm(tiny_models["llama"])
    path = tmp_path / "c.txt"
    path.write_text("one text\nanother text\n", encoding="utf-8")
    settings = dict(corpus=str(path), n_samples=2, cache_dir=str(tmp_path / "cache"), progress=False)
    before = _cache(**settings).get(model, tok, [0])[0]
    path.write_text("one text\na different text\n", encoding="utf-8")
    cache = _cache(**settings)
    after = cache.get(model, tok, [0])[0]
    assert cache.last_report["computed"] == [0] and not torch.equal(before, after)


def test_unreadable_cache_file_is_recomputed(tiny_models, corpus, tmp_path, caplog):
    model, tok = load_causal_lm(tiny_models["gpt2"])
    settings = dict(corpus=corpus, n_samples=4, cache_dir=str(tmp_path), progress=False)
    good = _cache(**settings).get(model, tok, [0])[0]
    cache = _cache(**settings)
    cache.cache_path(model, tok, 0).write_bytes(b"truncated")
    assert torch.equal(cache.get(model, tok, [0])[0], good)
    assert cache.last_report["computed"] == [0] and "unreadable cache file" in caplog.text


def test_atomic_save_keeps_old_file_on_failure(tmp_path):
    path = tmp_path / "x.pt"
    atomic_torch_save({"a": torch.ones(2)}, path)
    with pytest.raises(Exception):  # noqa: B017 - whatever pickling raises
        atomic_torch_save({"a": lambda: 0}, path)
    assert torch.equal(torch.load(path, weights_only=True)["a"], torch.ones(2))
    assert [p.name for p in tmp_path.iterdir()] == ["x.pt"]


def test_float64_accumulation_max_length_and_default_dir(tiny_models, corpus, tmp_path, monkeypatch):
    model, tok = load_causal_lm(tiny_models["gpt2"])
    monkeypatch.setenv("MKE_CACHE_DIR", str(tmp_path / "env"))
    cache = _cache(corpus=corpus, n_samples=len(TEXTS), dtype="float64", max_length=3, progress=False)
    assert cache.cache_dir == tmp_path / "env" / "covariance"
    stats, report = cache.compute(model, tok, [1])
    assert stats[1].dtype == torch.float64
    assert report["tokens"] == sum(min(3, len(tok(t)["input_ids"])) for t in TEXTS)
    ref, _ = naive_second_moment(model, tok, TEXTS, 1, 3)
    torch.testing.assert_close(stats[1], ref, rtol=1e-5, atol=1e-7)  # keys come from a float32 forward
    cache.get(model, tok, [1])
    assert (tmp_path / "env" / "covariance" / model_fingerprint(model)).is_dir()


def test_progress_bar_and_option_errors(tiny_models, corpus, tmp_path, capsys):
    model, tok = load_causal_lm(tiny_models["gpt2"])
    _cache(corpus=corpus, n_samples=3, cache_dir=str(tmp_path), progress=True).get(model, tok, [0])
    assert "covariance, layers [0]" in capsys.readouterr().err
    _cache(corpus=corpus, n_samples=3, cache_dir=str(tmp_path / "b"), progress=False).get(model, tok, [0])
    assert "covariance, layers [0]" not in capsys.readouterr().err  # no bar (a log line may remain)
    with pytest.raises(ValueError, match=r"model\.covariance\.dtype must be one of"):
        CovarianceOptions(dtype="float16")
    with pytest.raises(ValueError, match=r"model\.covariance\.n_samples must be >= 1, got 0"):
        CovarianceOptions(n_samples=0)
    with pytest.raises(ValueError, match="max_length and batch_size"):
        CovarianceCache(batch_size=0)
    with pytest.raises(IndexError, match="out of range"):
        _cache(corpus=corpus, cache_dir=str(tmp_path), progress=False).get(model, tok, [3])
