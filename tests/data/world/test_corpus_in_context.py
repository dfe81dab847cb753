"""World pretraining data: sentences trained after another sentence of their language (``context_share``)."""

from __future__ import annotations

import pytest
from transformers import AutoTokenizer

from mke_lightning.data.languages import sentence_joiner
from mke_lightning.data.world.corpus_datamodule import tokenize_corpus, tokenize_in_context


@pytest.fixture(scope="module")
def rows_and_tok(small_world, tiny_models):
    return list(small_world.corpus()), AutoTokenizer.from_pretrained(tiny_models["gpt2"])


def test_every_example_is_a_same_language_sentence_then_the_fact(rows_and_tok):
    rows, tok = rows_and_tok
    out = tokenize_in_context(tok, rows, share=1.0, seed=0, max_length=10_000)
    assert len(out) == len(rows)  # share 1: every sentence once more, in context
    texts = {r["text"]: r for r in rows}
    for ids, row in zip(out, rows):
        assert ids[0] == tok.bos_token_id and ids[-1] == tok.eos_token_id
        decoded = tok.decode(ids[1:-1])
        assert decoded.endswith(sentence_joiner(row["lang"]) + row["text"])
        context = decoded[: -len(sentence_joiner(row["lang"]) + row["text"])]
        assert context in texts and texts[context]["lang"] == row["lang"] and context != row["text"]
        # the answer and the end are tokenized apart, exactly as in the single-sentence examples
        single = tokenize_corpus(tok, [row])[0]
        n_prompt = len(tok(row["prompt"])["input_ids"])
        assert ids[-(len(single) - n_prompt):] == single[n_prompt:]


def test_share_seed_and_length_limit(rows_and_tok):
    rows, tok = rows_and_tok
    assert tokenize_in_context(tok, rows, share=0.0, seed=0, max_length=64) == []
    half = tokenize_in_context(tok, rows, share=0.5, seed=3, max_length=10_000)
    assert 0.35 * len(rows) < len(half) < 0.65 * len(rows)
    assert half == tokenize_in_context(tok, rows, share=0.5, seed=3, max_length=10_000)
    assert half != tokenize_in_context(tok, rows, share=0.5, seed=4, max_length=10_000)
    limit = sorted(len(x) for x in half)[len(half) // 2]
    capped = tokenize_in_context(tok, rows, share=0.5, seed=3, max_length=limit)
    assert capped and all(len(x) <= limit for x in capped) and len(capped) < len(half)
    with pytest.raises(ValueError, match="context_share"):
        tokenize_in_context(tok, rows, share=1.5, seed=0, max_length=64)


def test_recall_probes_in_context(rows_and_tok):
    """`mke world recall --after_sentence true`: each probe after one corpus sentence of its own language."""
    from mke_lightning.data.world.recall import Probe, in_context

    rows, _ = rows_and_tok
    probes = [Probe("en", "prompt", "Sore is a city in", "Tezenia"), Probe("zh", "prompt", "索雷是一座城市，位于", "泰泽尼亚")]
    texts = {(r["lang"], r["text"]) for r in rows}
    for p, q in zip(probes, in_context(probes, rows, seed=3)):
        assert q.answer == p.answer and q.kind == p.kind and q.lang == p.lang
        context = q.prompt[: -len(p.prompt) - len(sentence_joiner(p.lang))]
        assert q.prompt == context + sentence_joiner(p.lang) + p.prompt and (p.lang, context) in texts
    assert in_context(probes, rows, seed=3) == in_context(probes, rows, seed=3)
    with pytest.raises(ValueError, match="'ko'"):
        in_context([Probe("ko", "prompt", "x", "y")], rows)
