"""Subject alignment: cross-lingual retrieval of the subject's last-token state, per layer."""

from __future__ import annotations

import pytest
import torch

from mke_lightning.analysis.subject_alignment import retrieval, subject_alignment, subject_states
from mke_lightning.data.schema import EditCase, LangView
from mke_lightning.models.loading import load_causal_lm


def test_retrieval_counts_subjects_whose_nearest_state_is_their_own_after_centring():
    torch.manual_seed(0)
    a = torch.randn(20, 8)
    assert retrieval(a, a) == 1.0
    assert retrieval(a, a + 5.0) == 1.0  # a language's own direction is centred away
    assert retrieval(a, a[torch.roll(torch.arange(20), 1)]) == 0.0
    order = torch.arange(20)
    order[:5] = torch.tensor([1, 2, 3, 4, 0])  # five subjects swap states among themselves
    assert retrieval(a, a[order]) == pytest.approx(15 / 20)


def test_subject_states_skip_padding(tiny_models):
    model, tok = load_causal_lm(tiny_models["llama"])
    texts = ["Biba", "Biba Vivi Kosu Tezenia"]
    subjects = ["Biba", "Vivi Kosu Tezenia"]
    batched = subject_states(model, tok, texts, subjects, batch_size=2)
    alone = torch.cat([subject_states(model, tok, [t], [s]) for t, s in zip(texts, subjects)])
    after = subject_states(model, tok, ["Biba lives in", "Biba Vivi Kosu Tezenia lives in"], subjects)
    torch.testing.assert_close(after, alone, atol=1e-5, rtol=1e-4)  # the subject's last token, not the prompt's
    assert batched.shape == (2, model.config.num_hidden_layers + 1, model.config.hidden_size)
    torch.testing.assert_close(batched, alone, atol=1e-5, rtol=1e-4)


def _case(cid, names):
    views = {lang: LangView(subject=name, prompt=f"{name} lives in", target_new="N", target_true="T")
             for lang, name in names.items()}
    return EditCase(case_id=cid, views=views, meta={"subject_id": cid.split("-")[0]})


def test_identical_names_align_at_the_embeddings_and_each_subject_counts_once(tiny_models):
    model, tok = load_causal_lm(tiny_models["gpt2"])
    words = ["Kosu", "Biba", "Vivi", "Sore", "Duzo", "Tezenia"]
    cases = [_case(f"{w}-{rel}", {"en": f"A {w}", "de": f"A {w}", "zh": f"甲{i}"})
             for i, w in enumerate(words) for rel in ("r", "q")]
    cases.append(_case("stray-r", {"en": "B Kosu"}))  # no de/zh view: not a subject of the table
    result = subject_alignment(model, tok, cases, ["en", "de", "zh"])
    assert result["subjects"] == len(words) and result["chance"] == pytest.approx(1 / len(words))
    assert len(result["by_layer"]) == model.config.num_hidden_layers + 1
    unique_last = len({tuple(tok(f"A {w}")["input_ids"][-1:]) for w in words})
    assert result["by_layer"][0]["en"]["de"] == pytest.approx(unique_last / len(words))
    assert result["same_script_mean"][0] == pytest.approx(result["by_layer"][0]["en"]["de"])
    for layer in result["by_layer"]:
        assert all(0.0 <= v <= 1.0 for row in layer.values() for v in row.values())
        assert layer["en"]["en"] == 1.0
    assert subject_alignment(model, tok, cases[:2], ["en", "de"]) == {}  # one subject: no table
