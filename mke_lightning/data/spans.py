"""Subject spans: from character offsets in a prompt to token indices in its tokenization.

Locate-then-edit methods read the hidden state at the subject's last token. We find the subject by character
offsets (its last occurrence in the prompt) and map them to tokens with the tokenizer's offset mapping, which
works the same for byte-level BPE (GPT-2, mGPT, Qwen), SentencePiece (LLaMA, BLOOM-style metaspace) and WordPiece
(BERT), and for scripts without spaces, where a token may straddle the subject's edge: such a token counts as part
of the subject. Tokenizers without offsets (slow, Python ones) fall back to encoding the text before the subject and the text up
to its end and comparing them token by token with the whole prompt's encoding (ROME's reference code compares
lengths instead, which is off by one after a space, with a trailing special token, or at a straddling token).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TokenSpan:
    """Token indices ``[first, last]`` (inclusive) of the subject in ``tokenizer(prompt)["input_ids"]``."""

    first: int
    last: int


def subject_char_span(prompt: str, subject: str) -> tuple[int, int]:
    """Character offsets ``(start, end)`` of the last occurrence of ``subject`` in ``prompt``."""
    start = prompt.rfind(subject)
    if start < 0 or not subject:
        raise ValueError(f"subject {subject!r} does not occur in prompt {prompt!r}")
    return start, start + len(subject)


def subject_token_span(tokenizer, prompt: str, subject: str, add_special_tokens: bool = True) -> TokenSpan:
    """Token span of ``subject`` in ``prompt`` as the tokenizer encodes the prompt (special tokens included)."""
    start, end = subject_char_span(prompt, subject)
    if getattr(tokenizer, "is_fast", False):
        enc = tokenizer(prompt, add_special_tokens=add_special_tokens, return_offsets_mapping=True)
        hits = [i for i, (s, e) in enumerate(enc["offset_mapping"]) if e > s and s < end and e > start]
        if not hits:
            raise ValueError(f"no token of {prompt!r} covers the subject {subject!r} (offsets {enc['offset_mapping']})")
        return TokenSpan(hits[0], hits[-1])
    # Fallback without offsets: compare the encodings of the text before the subject and up to its end with the
    # encoding of the whole prompt. Tokens shared with the full encoding lie wholly outside (before) the subject;
    # a token where they part straddles the subject's edge and counts as part of it.
    def encode(text: str) -> list[int]:
        return tokenizer(text, add_special_tokens=add_special_tokens)["input_ids"]

    full, empty = encode(prompt), encode("")
    # Special tokens a tokenizer appends (BERT's [SEP]) follow the text: as many as the empty encoding has beyond
    # what it shares with the prompt's start ([CLS]/<s>); they are cut before comparing.
    n_suffix = len(empty) - _common_prefix(empty, full)
    before, upto = encode(prompt[:start]), encode(prompt[:end])
    before, upto = before[: len(before) - n_suffix], upto[: len(upto) - n_suffix]
    first = _common_prefix(before, full)
    shared = _common_prefix(upto, full)
    last = shared - 1 if shared == len(upto) else shared
    if last < first:
        raise ValueError(f"subject {subject!r} adds no token to {prompt[:start]!r}")
    return TokenSpan(first, last)


def _common_prefix(a: list[int], b: list[int]) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n
