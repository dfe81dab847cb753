"""Answer normalisation and token F1: MLQA's official definition, extended to the languages MLQA lacks.

For MLQA's languages (en es hi vi de ar zh) ``token_f1(pred, ref, lang)`` equals the official script's
``f1_score(pred, ref, lang)`` exactly (``scripts/f1_vs_mlqa.py`` measures it against the script). The steps:

1. lowercase (``str.lower``);
2. delete every character that is Unicode punctuation (category ``P*``) or in ``string.punctuation`` (which adds
   ``$ + < = > ^ ` | ~``): deleted, not replaced by a space, so ``Jean-Paul`` is one word ``jeanpaul``;
3. articles, replaced by a space where they are whole words (``\\b`` ... ``\\b``): en ``a an the``; es ``un una unos
   unas el la los las``; vi ``của là cái chiếc những``; de ``ein eine einen einem eines einer der die das den dem
   des``; hi and zh none. ar: the script's pattern ``\\sال^|ال`` can only ever match its second branch (``^`` cannot
   follow three characters), so *every* occurrence of ``ال`` is replaced by a space, word-internal ones included
   (``مال`` -> ``م``); reproduced as it behaves, not as it was probably meant;
4. tokens: whitespace-separated words; for zh MLQA's mixed segmentation: every character in U+4E00-U+9FA5 is a
   token of its own, runs of the other characters (Latin words, digits) are split on whitespace.

F1 is the harmonic mean of the bag-of-tokens precision and recall. When no token is shared the score is 0,
**including when both answers are empty after normalisation** (``"..."`` vs ``"!"``, ``"the"`` vs ``"the"``), as in
the script. The keyword ``both_empty`` of :func:`token_f1` lets a caller count that case as a match: ``loc_f1``
(post- vs pre-edit answers) does, so an unchanged answer that normalises to nothing scores 1, not 0.

Languages MLQA does not cover (the project's rule): the same steps 1-2, no article step, then

* spaceless languages (:func:`~mke_lightning.data.languages.is_spaceless`: ja, th, lo, km, my, bo, yue, ...): the
  mixed rule generalised: each character of the Han, Hiragana, Katakana, Thai, Lao, Khmer, Myanmar and Tibetan
  blocks is a token, runs of other characters are whitespace-split words (``iPhone 15`` inside Thai text is two
  tokens);
* all other languages: whitespace words.

Unicode NFC: MLQA does none, and NFC would make a decomposed ``é`` match a composed one where the script does not,
so MLQA's languages are not normalised. The other languages are NFC-normalised first (as before this module
followed MLQA), so that composed and decomposed spellings of a letter count as the same token.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections import Counter
from collections.abc import Callable
from functools import lru_cache

from mke_lightning.data.languages import in_spaceless_script, is_spaceless, normalize_lang

#: Languages of MLQA, scored exactly as its official evaluation script does.
MLQA_LANGUAGES: frozenset[str] = frozenset({"en", "es", "hi", "vi", "de", "ar", "zh"})

_ARTICLES: dict[str, tuple[str, ...]] = {
    "en": ("a", "an", "the"),
    "es": ("un", "una", "unos", "unas", "el", "la", "los", "las"),
    "vi": ("của", "là", "cái", "chiếc", "những"),
    "de": ("ein", "eine", "einen", "einem", "eines", "einer", "der", "die", "das", "den", "dem", "des"),
}
_ARTICLE_PATTERNS: dict[str, re.Pattern[str]] = {
    lang: re.compile(r"\b(?:" + "|".join(words) + r")\b") for lang, words in _ARTICLES.items()
}
_ARABIC_ARTICLE = "ال"
_ASCII_PUNCTUATION = frozenset(string.punctuation)


@lru_cache(maxsize=65536)
def _is_punctuation(char: str) -> bool:
    return char in _ASCII_PUNCTUATION or unicodedata.category(char).startswith("P")


def _is_mlqa_han(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fa5"


def _remove_articles(text: str, lang: str) -> str:
    if lang == "ar":
        return text.replace(_ARABIC_ARTICLE, " ")
    pattern = _ARTICLE_PATTERNS.get(lang)
    return pattern.sub(" ", text) if pattern is not None else text


def _mixed_tokens(text: str, single: Callable[[str], bool]) -> list[str]:
    """Characters for which ``single`` holds are tokens; runs of the others are split on whitespace."""
    tokens: list[str] = []
    run: list[str] = []
    for char in text:
        if single(char):
            tokens.extend("".join(run).split())
            run.clear()
            tokens.append(char)
        else:
            run.append(char)
    tokens.extend("".join(run).split())
    return tokens


def answer_tokens(text: str, lang: str) -> list[str]:
    """Scoring units of ``text`` in language ``lang`` (see the module docstring)."""
    code = normalize_lang(lang)
    if code not in MLQA_LANGUAGES:
        text = unicodedata.normalize("NFC", text)
    text = "".join(ch for ch in text.lower() if not _is_punctuation(ch))
    text = _remove_articles(text, code)
    if code == "zh":
        return _mixed_tokens(text, _is_mlqa_han)
    if is_spaceless(code):
        return _mixed_tokens(text, in_spaceless_script)
    return text.split()


def normalize_answer(text: str, lang: str) -> str:
    """The normalised answer: its tokens joined by single spaces (MLQA's ``normalize_answer``)."""
    return " ".join(answer_tokens(text, lang))


def token_f1(prediction: str, reference: str, lang: str, *, both_empty: float = 0.0) -> float:
    """Harmonic mean of token precision and recall (bag of tokens); 0.0 when no token is shared.

    Args:
        both_empty: the score when both answers are empty after normalisation; 0.0 as in MLQA (see the module
            docstring), 1.0 for a caller comparing two model outputs, for which identical empty answers agree.
    """
    pred, ref = answer_tokens(prediction, lang), answer_tokens(reference, lang)
    common = sum((Counter(pred) & Counter(ref)).values())
    if common == 0:
        return both_empty if not pred and not ref else 0.0
    precision, recall = common / len(pred), common / len(ref)
    return (2 * precision * recall) / (precision + recall)
