"""MLQA-style answer normalisation and token F1.

Normalisation (design.md §3.4): lowercase, drop punctuation (every Unicode ``P*`` character), then split into
words for space-delimited languages and into characters for zh/ja/th (whitespace ignored). Decision: articles are
not removed (the design's definition lists no article step, and article lists per language would make scores
depend on a list rather than the answer).
"""

from __future__ import annotations

import unicodedata
from collections import Counter

from mke_lightning.data.languages import is_spaceless


def normalize_answer(text: str) -> str:
    text = unicodedata.normalize("NFC", text).lower()
    return "".join(" " if unicodedata.category(ch).startswith("P") else ch for ch in text)


def answer_tokens(text: str, lang: str) -> list[str]:
    """Scoring units of ``text``: characters for scripts without spaces, words otherwise."""
    norm = normalize_answer(text)
    if is_spaceless(lang):
        return [ch for ch in norm if not ch.isspace()]
    return norm.split()


def token_f1(prediction: str, reference: str, lang: str) -> float:
    """Harmonic mean of token precision and recall (bag of tokens); 1.0 when both are empty after normalisation."""
    pred, ref = answer_tokens(prediction, lang), answer_tokens(reference, lang)
    if not pred or not ref:
        return float(pred == ref)
    common = sum((Counter(pred) & Counter(ref)).values())
    if common == 0:
        return 0.0
    precision, recall = common / len(pred), common / len(ref)
    return 2 * precision * recall / (precision + recall)
