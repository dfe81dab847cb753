"""Deriving a subject where a benchmark gives none (MLaKE): the longest text shared by prompts about the same fact.

The subject of a fact is what every question about it names. Given the edit prompt and other questions on the same
subject (the single-hop question, the multi-hop questions), the subject is taken as their longest common substring,
found in the edit prompt and narrowed question by question (a question sharing too little is ignored). For
space-delimited languages the result is trimmed to whole words of the prompt; leading/trailing spaces and
punctuation are stripped. The result is a verbatim substring of the prompt, or ``None`` when nothing long enough is
shared (the read's subject policy then counts it). This is a heuristic: reports show the share located per language.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from mke_lightning.data.languages import is_spaceless


def longest_common_substring(a: str, b: str) -> tuple[int, int]:
    """``(start, end)`` in ``a`` of the longest substring of ``a`` that also occurs in ``b`` (first one on ties)."""
    best_len, best_end = 0, 0
    prev = [0] * (len(b) + 1)
    for i in range(1, len(a) + 1):
        cur = [0] * (len(b) + 1)
        ai = a[i - 1]
        for j in range(1, len(b) + 1):
            if ai == b[j - 1]:
                cur[j] = prev[j - 1] + 1
                if cur[j] > best_len:
                    best_len, best_end = cur[j], i
        prev = cur
    return best_end - best_len, best_end


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch in "'’-"


def _trim(text: str, start: int, end: int, spaceless: bool) -> tuple[int, int]:
    if not spaceless:
        if start > 0 and _is_word_char(text[start - 1]):  # starts mid-word: drop the partial word
            while start < end and _is_word_char(text[start]):
                start += 1
        if end < len(text) and _is_word_char(text[end]):  # ends mid-word
            while end > start and _is_word_char(text[end - 1]):
                end -= 1

    def strippable(ch: str) -> bool:
        return ch.isspace() or unicodedata.category(ch).startswith("P")

    while start < end and strippable(text[start]):
        start += 1
    while end > start and strippable(text[end - 1]):
        end -= 1
    return start, end


def derive_subject(prompt: str, others: Sequence[str], lang: str, min_chars: int = 2) -> str | None:
    """The longest text of ``prompt`` shared with the ``others`` (see the module docstring), or ``None``."""
    spaceless = is_spaceless(lang)
    start, end = 0, len(prompt)
    for other in others:
        s, e = longest_common_substring(prompt[start:end], other)
        s, e = _trim(prompt, start + s, start + e, spaceless)
        if e - s >= min_chars:
            start, end = s, e
    if (start, end) == (0, len(prompt)) or end - start < min_chars:
        return None
    return prompt[start:end]
