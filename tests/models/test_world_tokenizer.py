"""The world tokenizer: byte-level (lossless), BOS prepended, deterministic training, Thai words kept whole."""

from __future__ import annotations

from mke_lightning.models.world_tokenizer import train_world_tokenizer

TEXTS = ["Pamu Ritesen was born in Ritesene.", "帕穆·里特塞恩出生于里特塞恩。", "パム・リテセンはリテセン生まれ。",
         "พามุ ริเทเสน เกิดที่ริเทเสน", "Паму Ритесен родился в городе Ритесен."] * 30


def test_lossless_round_trip_and_bos():
    tok = train_world_tokenizer(TEXTS, vocab_size=350)
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
