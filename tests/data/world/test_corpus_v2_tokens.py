"""World v2 pretraining data: passages tokenized as prefixed prompts, running-text sequences for every position,
and a v2 `mke fit` end to end on a small world."""

from __future__ import annotations

from pathlib import Path

import pytest
from transformers import AutoTokenizer

from mke_lightning.cli import cli_main
from mke_lightning.data.languages import sentence_joiner
from mke_lightning.data.world.corpus_datamodule import long_sequences, tokenize_corpus
from mke_lightning.data.world.export import export_world
from mke_lightning.data.world.generator import WorldConfig, build_world
from mke_lightning.models.world_tokenizer import train_world_tokenizer

REPO = Path(__file__).resolve().parents[3]
SMALL_V2 = WorldConfig(seed=1, n_people=12, n_cities=6, n_countries=3, n_companies=3, n_universities=3, version=2)


@pytest.fixture(scope="module")
def rows_and_tok():
    rows = list(build_world(SMALL_V2).corpus())
    return rows, train_world_tokenizer([r["text"] for r in rows], vocab_size=500)


def test_a_passage_is_its_earlier_sentences_then_the_last_fact_tokenized_as_scored(rows_and_tok):
    rows, tok = rows_and_tok
    passage = next(r for r in rows if r["kind"].startswith("passage/") and r["lang"] == "en")
    ids = tokenize_corpus(tok, [passage])[0]
    prefixed = tok(passage["context"] + sentence_joiner("en") + passage["prompt"])["input_ids"]
    assert ids[:len(prefixed)] == prefixed and ids[-1] == tok.eos_token_id
    assert tok.decode(ids[1:-1]) == passage["text"]


def test_running_text_sequences_fill_the_context_with_one_language(rows_and_tok):
    _, tok = rows_and_tok
    rows = [{"lang": lang, "text": f"{lang}{i}."} for lang in ("en", "de") for i in range(50)]
    lengths = [len(tok(r["text"], add_special_tokens=False)["input_ids"]) for r in rows]
    seqs = long_sequences(tok, rows, lengths, count=8, max_length=60, seed=0)
    assert len(seqs) == 8 and all(len(s) == 60 and s[0] == tok.bos_token_id for s in seqs)
    assert seqs == long_sequences(tok, rows, lengths, count=8, max_length=60, seed=0)
    langs = []
    for seq in seqs:
        words = tok.decode(seq[1:]).split(" ")
        assert len(words) > 10 and len({w[:2] for w in words}) == 1  # running text of one language
        assert all(w[:-1] in {r["text"][:-1] for r in rows} for w in words[:-1])  # whole sentences, cut at the end
        langs.append(words[0][:2])
    assert set(langs) == {"en", "de"}
    assert long_sequences(tok, rows, lengths, count=0, max_length=60, seed=0) == []


def test_v2_fit_learns_512_positions_and_exports_a_tokenizer_that_says_so(tmp_path):
    from transformers import AutoModelForCausalLM

    world = tmp_path / "world"
    export_world(world, SMALL_V2)
    export = tmp_path / "model"
    cli_main(["fit", "--config", str(REPO / "configs/world/v2/pretrain_gpt2.yaml"),
              "--trainer.max_epochs", "1", "--trainer.limit_train_batches", "3", "--trainer.limit_val_batches", "0",
              "--trainer.enable_progress_bar", "false", "--trainer.logger", "false",
              "--trainer.default_root_dir", str(tmp_path), "--model.init_args.hidden_size", "32",
              "--model.init_args.num_layers", "2", "--model.init_args.export_dir", str(export),
              "--data.init_args.world_dir", str(world), "--data.init_args.tokenizer_dir", str(tmp_path / "tok"),
              "--data.init_args.vocab_size", "500", "--data.init_args.long_sequences", "4",
              "--data.init_args.batch_size", "2"])
    model = AutoModelForCausalLM.from_pretrained(export)
    assert model.config.n_positions == 512
    assert AutoTokenizer.from_pretrained(export).model_max_length == 512
