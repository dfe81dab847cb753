"""Subject token spans across tokenizer families (byte-level BPE, SentencePiece BPE and Unigram, WordPiece) and
scripts (en, ru, zh, ja, th), each checked by decoding the span and by the offsets of the tokens around it; plus the
last-occurrence rule, errors, and the offset-less (slow tokenizer) fallback. Tokenizers are trained offline here."""

from __future__ import annotations

import pytest
from tokenizers import processors
from tokenizers.implementations import BertWordPieceTokenizer, SentencePieceBPETokenizer, SentencePieceUnigramTokenizer
from transformers import PreTrainedTokenizerFast

from mke_lightning.data.spans import TokenSpan, subject_char_span, subject_token_span
from mke_lightning.models.world_tokenizer import train_world_tokenizer

SUBJECTS = {"en": "Pamu Ritesen", "ru": "Паму Ритесен", "zh": "帕穆·里特塞恩", "ja": "パム・リテセン", "th": "พามุ ริเทเสน"}

PROMPTS = {  # subject at the start, in the middle, and at the end (before final punctuation)
    "en": {"start": "Pamu Ritesen was born in the city of",
           "middle": "The best friend of Pamu Ritesen works in the city of",
           "end": "The old house in Berlin belongs to Pamu Ritesen."},
    "ru": {"start": "Паму Ритесен родился в городе",
           "middle": "Лучший друг Паму Ритесен работает в городе",
           "end": "Старый дом в Берлине принадлежит Паму Ритесен."},
    "zh": {"start": "帕穆·里特塞恩出生在城市", "middle": "最好的朋友帕穆·里特塞恩在城市工作", "end": "柏林的老房子属于帕穆·里特塞恩。"},
    "ja": {"start": "パム・リテセンは東京で生まれた", "middle": "親友のパム・リテセンは東京で働いている",
           "end": "東京の古い家はパム・リテセンのものだ。"},
    "th": {"start": "พามุ ริเทเสน เกิดที่เมืองเบอร์ลิน", "middle": "เพื่อนสนิทของพามุ ริเทเสน ทำงานที่เมืองโตเกียว",
           "end": "บ้านเก่าในเบอร์ลินเป็นของพามุ ริเทเสน"},
}

OTHER_TEXT = [
    "Die Stadt Berlin ist die Heimat von Pamu Ritesen.", "Pamu Ritesen wurde in Berlin geboren.",
    "The capital of Norway is Oslo.", "Tokyo and Berlin are large cities with old houses.",
    "She works in the city of Tokyo.", "Pamu said that Ritesen was his family name.",
    "Москва и Берлин большие города.", "Он работает в городе Москва.",
    "东京和柏林是大城市。", "他在城市里工作。", "帕穆是他的名字。", "他说他住在柏林。",
    "東京は大きい都市です。", "彼は東京で働いている。",
    "กรุงเทพเป็นเมืองใหญ่", "เขาทำงานที่เมืองกรุงเทพ", "เขาบอกว่าเขาทำงานที่เมืองกรุงเทพ",
]


def _corpus() -> list[str]:
    texts = list(OTHER_TEXT)
    for by_position in PROMPTS.values():
        texts.extend(by_position.values())
    return texts * 2


def _wrap(backend, **special) -> PreTrainedTokenizerFast:
    return PreTrainedTokenizerFast(tokenizer_object=backend, **special)


def _byte_bpe():
    return train_world_tokenizer(_corpus(), vocab_size=400)


def _sp_bpe():
    tok = SentencePieceBPETokenizer()
    tok.train_from_iterator(_corpus(), vocab_size=300, min_frequency=2, show_progress=False)
    return _wrap(tok._tokenizer, unk_token="<unk>")


def _sp_unigram():
    tok = SentencePieceUnigramTokenizer()
    tok.train_from_iterator(_corpus(), vocab_size=250, show_progress=False, unk_token="<unk>",
                            special_tokens=["<unk>"])
    return _wrap(tok._tokenizer, unk_token="<unk>")


def _wordpiece():
    """An uncased BERT-style tokenizer: lowercases, strips accents, splits CJK characters, adds [CLS] ... [SEP]."""
    tok = BertWordPieceTokenizer()
    tok.train_from_iterator(_corpus(), vocab_size=300, min_frequency=1, show_progress=False)
    tok._tokenizer.post_processor = processors.BertProcessing(("[SEP]", tok.token_to_id("[SEP]")),
                                                              ("[CLS]", tok.token_to_id("[CLS]")))
    return _wrap(tok._tokenizer, unk_token="[UNK]", cls_token="[CLS]", sep_token="[SEP]", pad_token="[PAD]")


BUILDERS = {"byte_bpe": _byte_bpe, "sp_bpe": _sp_bpe, "sp_unigram": _sp_unigram, "wordpiece": _wordpiece}


@pytest.fixture(scope="module")
def tokenizers_by_family() -> dict[str, PreTrainedTokenizerFast]:
    return {name: build() for name, build in BUILDERS.items()}


class OffsetlessTokenizer:
    """A stand-in for a slow (Python) tokenizer: same ids as the wrapped one, but no offset mapping."""

    is_fast = False

    def __init__(self, fast):
        self._fast = fast

    def __call__(self, text, add_special_tokens=True, **kwargs):
        if kwargs.get("return_offsets_mapping"):
            raise NotImplementedError("slow tokenizers have no offset mapping")
        return {"input_ids": self._fast(text, add_special_tokens=add_special_tokens)["input_ids"]}


def _squash(text: str) -> str:
    """Text compared up to spacing, WordPiece/SentencePiece markers and case."""
    return "".join(text.replace("##", "").replace("▁", "").split()).casefold()


def assert_span_is_subject(tok, prompt: str, subject: str, span: TokenSpan) -> None:
    """The span decodes to text containing the subject, covers it by offsets, and its neighbours lie outside it."""
    start, end = prompt.rfind(subject), prompt.rfind(subject) + len(subject)
    enc = tok(prompt, return_offsets_mapping=True, return_special_tokens_mask=True)
    ids, offsets, special = enc["input_ids"], enc["offset_mapping"], enc["special_tokens_mask"]
    assert tok.unk_token_id not in ids, "the test corpus must cover every character of the prompt"
    assert 0 <= span.first <= span.last < len(ids)
    assert not any(special[span.first:span.last + 1])

    normalizer = tok.backend_tokenizer.normalizer
    expected = _squash(normalizer.normalize_str(subject) if normalizer else subject)
    decoded = _squash(tok.decode(ids[span.first:span.last + 1]))
    assert expected in decoded, (tok.convert_ids_to_tokens(ids[span.first:span.last + 1]), subject)

    assert offsets[span.first][0] <= start < offsets[span.first][1]
    assert offsets[span.last][0] < end <= offsets[span.last][1]
    before, after = span.first - 1, span.last + 1
    if before >= 0 and not special[before]:
        assert offsets[before][1] <= start, "the token before the span overlaps the subject"
    if after < len(ids) and not special[after]:
        assert offsets[after][0] >= end, "the token after the span overlaps the subject"


@pytest.mark.parametrize("position", ["start", "middle", "end"])
@pytest.mark.parametrize("lang", list(PROMPTS))
@pytest.mark.parametrize("family", list(BUILDERS))
def test_subject_token_span_decodes_to_subject(tokenizers_by_family, family, lang, position):
    tok, prompt, subject = tokenizers_by_family[family], PROMPTS[lang][position], SUBJECTS[lang]
    span = subject_token_span(tok, prompt, subject)
    assert_span_is_subject(tok, prompt, subject, span)


@pytest.mark.parametrize("lang", ["en", "zh", "th"])
@pytest.mark.parametrize("family", list(BUILDERS))
def test_last_occurrence_is_used(tokenizers_by_family, family, lang):
    subject = SUBJECTS[lang]
    glue = {"en": " said that ", "zh": "说", "th": " บอกว่า "}[lang]
    prompt = f"{subject}{glue}{subject} works in the city of" if lang == "en" else f"{subject}{glue}{subject}"
    tok = tokenizers_by_family[family]
    span = subject_token_span(tok, prompt, subject)
    assert_span_is_subject(tok, prompt, subject, span)
    offsets = tok(prompt, return_offsets_mapping=True)["offset_mapping"]
    second = prompt.rfind(subject)
    assert second > prompt.find(subject)
    assert offsets[span.first][1] > second  # the span starts on the second occurrence, not the first
    assert subject_char_span(prompt, subject) == (second, second + len(subject))


@pytest.mark.parametrize("family", list(BUILDERS))
def test_subject_not_in_prompt_is_value_error(tokenizers_by_family, family):
    tok = tokenizers_by_family[family]
    for impl in (tok, OffsetlessTokenizer(tok)):
        with pytest.raises(ValueError, match="does not occur"):
            subject_token_span(impl, "The capital of Norway is", "Pamu Ritesen")
        with pytest.raises(ValueError):
            subject_token_span(impl, "The capital of Norway is", "")


@pytest.mark.parametrize("family", ["byte_bpe", "wordpiece"])
def test_special_tokens_shift_the_span(tokenizers_by_family, family):
    """Indices refer to the encoding with special tokens by default: BOS / [CLS] shifts them by one."""
    tok, prompt, subject = tokenizers_by_family[family], PROMPTS["en"]["middle"], SUBJECTS["en"]
    with_special = subject_token_span(tok, prompt, subject)
    without = subject_token_span(tok, prompt, subject, add_special_tokens=False)
    assert (with_special.first - without.first, with_special.last - without.last) == (1, 1)
    ids = tok(prompt, add_special_tokens=False)["input_ids"]
    assert _squash(subject) in _squash(tok.decode(ids[without.first:without.last + 1]))


# --- the fallback for tokenizers without offsets -------------------------------------------------------------------

@pytest.mark.parametrize("lang, position", [
    ("en", "start"), ("zh", "start"), ("zh", "middle"), ("ja", "middle"), ("th", "end"),
    ("zh", "end"),
])
def test_offsetless_fallback_matches_fast_path(tokenizers_by_family, lang, position):
    tok, prompt, subject = tokenizers_by_family["byte_bpe"], PROMPTS[lang][position], SUBJECTS[lang]
    fast = subject_token_span(tok, prompt, subject)
    slow = subject_token_span(OffsetlessTokenizer(tok), prompt, subject)
    assert slow == fast


@pytest.mark.parametrize("prompt, subject", [
    (PROMPTS["en"]["middle"], SUBJECTS["en"]),
    (PROMPTS["en"]["end"], SUBJECTS["en"]),
    ("The best friend of Pamu works in the city of", "Pamu"),
])
def test_offsetless_fallback_matches_fast_path_after_a_space(tokenizers_by_family, prompt, subject):
    tok = tokenizers_by_family["byte_bpe"]
    assert subject_token_span(OffsetlessTokenizer(tok), prompt, subject) == subject_token_span(tok, prompt, subject)


def test_offsetless_fallback_with_trailing_special_token(tokenizers_by_family):
    tok, prompt, subject = tokenizers_by_family["wordpiece"], PROMPTS["en"]["start"], SUBJECTS["en"]
    assert subject_token_span(OffsetlessTokenizer(tok), prompt, subject) == subject_token_span(tok, prompt, subject)
