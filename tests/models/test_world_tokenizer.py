"""The world tokenizer: byte-level (lossless), BOS prepended, deterministic training, Thai words kept whole; the
"llama" style: prefix space (a word is one token wherever it stands) and CJK characters apart."""

from __future__ import annotations

import pytest

from mke_lightning.data.spans import subject_token_span
from mke_lightning.models.world_tokenizer import train_world_tokenizer

TEXTS = ["Pamu Ritesen was born in Ritesene.", "帕穆·里特塞恩出生于里特塞恩。", "パム・リテセンはリテセン生まれ。",
         "พามุ ริเทเสน เกิดที่ริเทเสน", "Паму Ритесен родился в городе Ритесен."] * 30


@pytest.mark.parametrize("style", ["gpt2", "llama"])
def test_lossless_round_trip_and_bos(style):
    tok = train_world_tokenizer(TEXTS, vocab_size=350, style=style)
    for text in TEXTS[:5] + ["unseen Ωmega ✓ 😀 ไม่เคยเห็น"]:
        ids = tok(text)["input_ids"]
        assert ids[0] == tok.bos_token_id and tok.bos_token_id not in ids[1:]
        assert tok.decode(ids, skip_special_tokens=True) == text
    assert tok(" Ritesene", add_special_tokens=False)["input_ids"][0] != tok.bos_token_id


def test_training_is_deterministic():
    a, b = train_world_tokenizer(TEXTS, 350), train_world_tokenizer(TEXTS, 350)
    assert a.get_vocab() == b.get_vocab()
    assert a("พามุ ริเทเสน เกิดที่")["input_ids"] == b("พามุ ริเทเสน เกิดที่")["input_ids"]


def test_thai_vowel_signs_stay_inside_tokens():
    tok = train_world_tokenizer(TEXTS, vocab_size=350)
    pieces = [tok.decode([i]) for i in tok("ริเทเสน", add_special_tokens=False)["input_ids"]]
    # A combining vowel sign (U+0E34 'ิ') is never a token of its own once "ริ" has been learnt.
    assert "\u0e34" not in pieces and "".join(pieces) == "ริเทเสน"


def _tokens(tok, text):
    return tok.convert_ids_to_tokens(tok(text, add_special_tokens=False)["input_ids"])


def test_gpt2_style_has_no_prefix_space_and_merges_across_cjk_characters():
    tok = train_world_tokenizer(TEXTS, vocab_size=350)
    assert _tokens(tok, "Ritesen was")[0] != _tokens(tok, "born Ritesen was")[1]
    offsets = tok("帕穆·里特塞恩出生于", add_special_tokens=False, return_offsets_mapping=True)["offset_mapping"]
    assert any(end - start > 1 for start, end in offsets)  # some token covers two CJK characters


def test_llama_style_prefix_space_makes_a_word_one_token_anywhere():
    tok = train_world_tokenizer(TEXTS, vocab_size=350, style="llama")
    start, middle = _tokens(tok, "Ritesen was born"), _tokens(tok, "Pamu Ritesen was born")
    assert middle[-len(start):] == start  # "Ritesen" at the start and after a space: the same tokens
    # an answer tokenized on its own is the same with or without the separator space
    assert tok(" Ritesene", add_special_tokens=False)["input_ids"] == tok("Ritesene", add_special_tokens=False)["input_ids"]
    # offsets do not cover the prepended space: the subject span is exact
    span = subject_token_span(tok, "Ritesen was born", "Ritesen")
    assert (span.first, span.last) == (1, len(_tokens(tok, "Ritesen")))  # after <|bos|>


def test_llama_style_keeps_cjk_characters_apart():
    tok = train_world_tokenizer(TEXTS, vocab_size=350, style="llama")
    offsets = tok("帕穆·里特塞恩出生于", add_special_tokens=False, return_offsets_mapping=True)["offset_mapping"]
    assert all(end - start <= 1 for start, end in offsets)  # no token covers two characters (rare ones: bytes)
    # a name's last character is one token whatever follows it
    assert _tokens(tok, "里特塞恩出生于")[3] == _tokens(tok, "里特塞恩是")[3] == _tokens(tok, "里特塞恩的")[3]


def test_unknown_style_is_refused():
    with pytest.raises(ValueError, match="style"):
        train_world_tokenizer(TEXTS, vocab_size=350, style="sentencepiece")
