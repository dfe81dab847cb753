"""One row of the world corpus: the prompt, the answer and the end kept apart (as scorers tokenize them), and the text."""

from __future__ import annotations

from mke_lightning.data.languages import sentence_joiner, target_separator

_END_PUNCT = {"zh": "。", "ja": "。", "th": ""}


def corpus_row(prompt: str, answer: str, lang: str, kind: str, context: str = "",
               context_lang: str | None = None) -> dict[str, str]:
    """A corpus row: ``prompt`` (after ``context``, the passage so far, when given), the ``answer`` and the full text.
    ``context_lang``: the language of the context's last sentence, whose stop decides what separates it from the
    prompt (default ``lang``)."""
    end = _END_PUNCT.get(lang, ".")
    row = {"lang": lang, "kind": kind, "prompt": prompt, "answer": answer, "end": end}
    if context:
        row["context"] = context
    row["text"] = (context + sentence_joiner(context_lang or lang) if context else "") + prompt + target_separator(lang) + answer + end
    return row


__all__ = ["corpus_row"]
