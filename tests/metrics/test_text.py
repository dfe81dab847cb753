"""Token F1 against hand-computed values: MLQA's rules on its languages, the project's rule elsewhere."""

from __future__ import annotations

import pytest

from mke_lightning.data.languages import UnknownLanguageError
from mke_lightning.metrics.text import answer_tokens, normalize_answer, token_f1


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r)


@pytest.mark.parametrize(("prediction", "reference", "lang", "expected"), [
    # The three answers the former normalisation got wrong.
    ("Jean-Paul Sartre", "Sartre", "en", _f1(1 / 2, 1)),  # hyphen deleted: [jeanpaul, sartre] vs [sartre]
    ("$100", "100", "en", 1.0),  # $ is in string.punctuation
    ("Windows 10", "Windows", "zh", _f1(1 / 2, 1)),  # Latin word and number stay words inside zh
    # Symbols of string.punctuation that are not Unicode P*, and Unicode P* outside ASCII.
    ("C++", "C", "en", 1.0), ("<html>", "html", "en", 1.0), ("~50%", "50", "en", 1.0), ("x=y", "xy", "en", 1.0),
    ("a|b", "ab", "en", 1.0), ("2^10", "210", "en", 1.0), ("`code`", "code", "en", 1.0),
    ("«Paris»", "Paris", "es", 1.0), ("¿Dónde?", "dónde", "es", 1.0), ("Jean–Paul", "jeanpaul", "en", 1.0),
    ("€100", "100", "en", 0.0),  # € is a currency symbol (Sc), neither P* nor ASCII: kept
    # Articles (MLQA's lists).
    ("a dog", "the dog", "en", 1.0), ("an apple", "apple", "en", 1.0), ("theatre", "the atre", "en", 0.0),
    ("la casa", "casa", "es", 1.0), ("unos libros", "los libros", "es", 1.0),
    ("der Hund", "Hund", "de", 1.0), ("dieser Hund", "Hund", "de", _f1(1 / 2, 1)),  # "die" inside a word stays
    ("những con mèo", "con mèo", "vi", 1.0),
    ("الكتاب", "كتاب", "ar", 1.0),
    ("the book", "book", "hi", _f1(1 / 2, 1)), ("la tour", "tour", "fr", _f1(1 / 2, 1)),  # no article step
    # zh: MLQA's mixed segmentation.
    ("北京 2008 年", "2008年", "zh", _f1(2 / 4, 1)),  # [北, 京, 2008, 年] vs [2008, 年]
    ("iPhone手机", "iphone", "zh", _f1(1 / 3, 1)),  # [iphone, 手, 机] vs [iphone]
    ("巴黎市", "巴黎", "zh-CN", _f1(2 / 3, 1)),
    # ja, th: the mixed rule generalised (a Latin run is one word).
    ("Windows 10を", "Windows", "ja", _f1(1 / 3, 1)),  # [windows, 10, を]
    ("東京タワー", "東京", "ja", _f1(2 / 5, 1)),  # [東, 京, タ, ワ, ー]
    ("iPhone 15 รุ่นใหม่", "iPhone 15", "th", _f1(2 / 10, 1)),  # 2 words + 8 Thai code points
    ("รถBMW", "BMW", "th", _f1(1 / 3, 1)),  # [ร, ถ, bmw]
    # No shared token is 0, both empty included (as in MLQA).
    ("...", "!", "en", 0.0), ("the", "the", "en", 0.0), ("", "Paris", "en", 0.0),
])
def test_token_f1_hand_computed(prediction, reference, lang, expected):
    assert token_f1(prediction, reference, lang) == pytest.approx(expected)


def test_arabic_article_removal_is_reproduced_as_the_script_behaves():
    """MLQA's ``\\sال^|ال`` replaces every ``ال`` by a space, word-internal ones too."""
    assert answer_tokens("جمال", "ar") == ["جم"]
    assert answer_tokens("الولد الكبير", "ar") == ["ولد", "كبير"]


def test_zh_splits_exactly_mlqa_range_other_spaceless_languages_the_whole_script():
    assert answer_tokens("龦龧", "zh") == ["龦龧"]  # U+9FA6.. is past MLQA's U+4E00-U+9FA5: one run
    assert answer_tokens("龦龧", "ja") == ["龦", "龧"]
    assert answer_tokens("ひらがな abc", "yue") == ["ひ", "ら", "が", "な", "abc"]


def test_normalize_answer_joins_tokens():
    assert normalize_answer("The Eiffel-Tower!", "en") == "eiffeltower"
    assert normalize_answer("Windows 10", "zh") == "windows 10"


def test_both_empty_can_count_as_a_match():
    assert token_f1("...", "!", "en", both_empty=1.0) == 1.0
    assert token_f1("the", "The.", "en", both_empty=1.0) == 1.0
    assert token_f1("", "Paris", "en", both_empty=1.0) == 0.0  # only one empty: nothing shared


def test_nfc_only_outside_mlqa_languages():
    decomposed, composed = "cafe\u0301", "caf\u00e9"
    assert token_f1(decomposed, composed, "en") == 0.0  # MLQA does no Unicode normalisation
    assert token_f1(decomposed, composed, "fr") == 1.0


def test_unknown_language_is_an_error():
    with pytest.raises(UnknownLanguageError):
        token_f1("a", "a", "xx")
