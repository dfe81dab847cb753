"""Causal tracing: identities that hold by construction (no noise = clean everywhere; tokens before the subject are
untouched by the noise; restoring the last block at the last token gives the clean prediction; restoring the
attention output at a non-subject token of layer 0 equals restoring the whole block), categories, and `mke trace`."""

from __future__ import annotations

import json

import pytest
import torch

from mke_lightning.analysis.causal_trace import (
    FactTrace,
    TraceSettings,
    _restore_plan,
    average_traces,
    best_layer,
    trace_fact,
)
from mke_lightning.cli import cli_main
from mke_lightning.data.reading import write_edit_cases
from mke_lightning.models.loading import load_causal_lm

PROMPT, SUBJECT = "The city of Sore is located in", "Sore"


def one_token_answer(tokenizer) -> str:
    for word in ("a", "the", "is", "in", "of"):
        if len(tokenizer(" " + word, add_special_tokens=False)["input_ids"]) == 1:
            return word
    raise AssertionError("no one-token word in the tiny vocabulary")


@pytest.fixture(params=["gpt2", "llama"])
def lm(request, tiny_models):
    return load_causal_lm(tiny_models[request.param])


def test_without_noise_every_restoration_is_the_clean_probability(lm):
    model, tok = lm
    trace = trace_fact(model, tok, PROMPT, SUBJECT, "Tezenia", "en", noise_std=0.0,
                       settings=TraceSettings(samples=2, batch_size=7))
    assert trace.corrupted == pytest.approx(trace.clean, rel=1e-5)
    for grid in trace.scores.values():
        assert torch.allclose(torch.tensor(grid), torch.tensor(trace.clean), rtol=1e-5)


def test_structural_identities_under_noise(lm):
    model, tok = lm
    answer = one_token_answer(tok)
    trace = trace_fact(model, tok, PROMPT, SUBJECT, answer, "en", noise_std=1.0,
                       settings=TraceSettings(samples=3, batch_size=50), generator=torch.Generator().manual_seed(0))
    hidden, mlp, attn = (torch.tensor(trace.scores[k]) for k in ("hidden", "mlp", "attn"))
    n_tokens, n_layers = hidden.shape
    assert n_tokens == len(trace.tokens) == len(tok(PROMPT)["input_ids"]) and n_layers == 3
    assert trace.corrupted != pytest.approx(trace.clean, rel=1e-3), "the noise must change the prediction"
    before = list(range(trace.subject_first))
    assert before, "the prompt has tokens before the subject"
    for grid in (hidden, mlp, attn):  # states before the subject do not see the noise: restoring them is a no-op
        torch.testing.assert_close(grid[before], torch.full_like(grid[before], trace.corrupted), rtol=1e-5, atol=0)
    # the last block's output at the last prompt token decides a one-token answer
    assert hidden[-1, -1].item() == pytest.approx(trace.clean, rel=1e-5)
    # after the subject, token embeddings are clean: restoring attention at layer 0 restores the whole block there
    after = list(range(trace.subject_last + 1, n_tokens))
    torch.testing.assert_close(attn[after, 0], hidden[after, 0], rtol=1e-5, atol=1e-7)
    assert not torch.allclose(mlp[after, 0], hidden[after, 0])


def test_seeded_noise_is_reproducible_and_only_known_skips(lm):
    model, tok = lm
    settings = TraceSettings(kinds=("mlp",), samples=2, window=3)
    runs = [trace_fact(model, tok, PROMPT, SUBJECT, "Tezenia", "en", 1.0, settings,
                       torch.Generator().manual_seed(5)) for _ in range(2)]
    assert runs[0].scores == runs[1].scores and list(runs[0].scores) == ["mlp"]
    # a random tiny model does not know the fact
    assert trace_fact(model, tok, PROMPT, SUBJECT, "Tezenia", "en", 1.0, settings, only_known=True) is None


def test_restore_window_and_settings():
    assert list(_restore_plan("mlp", 0, 4, 3)) == [0, 1]
    assert list(_restore_plan("mlp", 2, 4, 3)) == [1, 2, 3]
    assert list(_restore_plan("attn", 2, 6, 4)) == [0, 1, 2, 3]
    assert list(_restore_plan("hidden", 2, 6, 4)) == [2]
    with pytest.raises(ValueError, match="kinds"):
        TraceSettings(kinds=("ffn",))
    with pytest.raises(ValueError, match="positive"):
        TraceSettings(samples=0)


def test_average_over_token_categories():
    def fact(tokens, first, last, value):
        grid = [[value * (i + 1) + layer for layer in range(2)] for i in range(len(tokens))]
        return FactTrace("p", "a", tokens, first, last, 1.0, 0.0, {"mlp": grid})

    a = fact(["<s>", "S", "u", "b", "is", "in"], 1, 3, 1.0)  # before, first, middle, last, subsequent, last token
    b = fact(["S", "is", "a", "in"], 0, 0, 10.0)  # one-token subject, no prefix
    avg = average_traces([a, b])["mlp"]
    assert avg["before subject"] == [1.0, 2.0]  # only fact a has one
    assert avg["first subject token"] == [(2 + 10) / 2, (3 + 11) / 2]
    assert avg["middle subject tokens"] == [3.0, 4.0]
    assert avg["last subject token"] == [(4 + 10) / 2, (5 + 11) / 2]  # b's single subject token is first and last
    assert avg["first subsequent token"] == [(5 + 20) / 2, (6 + 21) / 2]
    assert avg["further tokens"] == [30.0, 31.0]
    assert avg["last token"] == [(6 + 40) / 2, (7 + 41) / 2]
    assert best_layer({"mlp": avg}) == 1
    a.corrupted, b.corrupted = 1.0, 4.0
    effect = average_traces([a, b], effect=True)["mlp"]
    assert effect["before subject"] == [0.0, 1.0]  # only fact a
    assert effect["last subject token"] == [(3 + 6) / 2, (4 + 7) / 2]
    with pytest.raises(ValueError):
        average_traces([])


def test_shipped_world_model_stores_facts_at_the_subject(tmp_path):
    """World GPT-2: knows the facts; corrupting the subject destroys them; a state at the subject restores them."""
    out = tmp_path / "trace"
    cli_main(["trace", "--model", "checkpoints/world-gpt2", "--n_facts", "3", "--samples", "4", "--kinds", "[mlp]",
              "--out", str(out)])
    result = json.loads((out / "trace.json").read_text(encoding="utf-8"))
    assert result["facts"] == 3 and result["clean_p"] > 0.9 and result["corrupted_p"] < 0.3
    layer = result["suggested_layer"]["layer"]
    assert result["average"]["mlp"]["last subject token"][layer] > 2 * result["corrupted_p"]
    effects = result["average_effect"]["mlp"]["last subject token"]
    assert effects[layer] == max(effects) > 0.2


def test_trace_command_writes_json_png_and_table(tiny_models, small_cases, tmp_path, capsys):
    data = tmp_path / "cases.jsonl"
    write_edit_cases(small_cases[:4], data)
    out = tmp_path / "out"
    cli_main(["trace", "--model", tiny_models["llama"], "--data", str(data), "--lang", "de", "--n_facts", "2",
              "--samples", "2", "--kinds", "[hidden, attn]", "--window", "2", "--batch_size", "16",
              "--noise_scale", "2", "--seed", "1", "--only_known", "false", "--out", str(out)])
    result = json.loads((out / "trace.json").read_text(encoding="utf-8"))
    assert result["facts"] == 2 and result["lang"] == "de" and set(result["average"]) == {"hidden", "attn"}
    assert result["settings"]["window"] == 2 and result["settings"]["samples"] == 2
    assert result["traces"][0]["prompt"] == small_cases[0].views["de"].prompt
    assert result["suggested_layer"]["kind"] == "hidden"
    for png in ("trace.png", "trace_fact0.png"):
        assert (out / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    table = capsys.readouterr().out
    assert "| hidden | last subject token |" in table and "suggested edit layer" in table
    assert set(result["average_effect"]) == {"hidden", "attn"}
    with pytest.raises(SystemExit):  # a random tiny model knows no fact: a clear error, not an empty plot
        cli_main(["trace", "--model", tiny_models["llama"], "--data", str(data), "--n_facts", "1", "--out",
                  str(out)])
    assert "answers none" in capsys.readouterr().err
