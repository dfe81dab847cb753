"""Edit reach: how much of what an edit writes at its own prompt also arrives at another text about the subject.

Locate-then-edit methods (ROME, MEMIT, PMET) write a vector into the residual stream at the subject's last token of
the edit prompt, through a weight update keyed on that token's FFN input. A paraphrase only benefits if its own
key at the subject produces the same write. For a text ``p`` this module measures, at a decoder block's output and
the subject's last token,

``reach(p) = Δh_p · Δh_prompt / ‖Δh_prompt‖²``  with ``Δh = h_edited − h_base``,

so the edit prompt has reach 1 by construction, a text whose subject state the edit does not touch has 0, and a
rank-one update ``ΔW = r uᵀ`` of that block's FFN out-projection gives ``uᵀk_p / uᵀk_prompt`` (the block's
attention runs before its FFN, so the block output changes only by the FFN's own write there). Whether the target
then wins (``log P(new) > log P(true)``, mean over target tokens, as the metrics score) is reported next to it.

It is a diagnostic for choosing edit layers and for reading paraphrase failures; it does not enter any metric.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager

import torch

from mke_lightning.editors.shared.keys import io_at_subject


def edit_reach(model, tokenizer, edit: AbstractContextManager, site: str, texts: Sequence[str],
               subjects: Sequence[str]) -> torch.Tensor:
    """``reach`` of each text relative to ``texts[0]`` (the edit prompt), at the output of module ``site``.

    ``edit`` is a context manager inside which the model is edited (what an editor's ``edit`` returns; an
    ``AppliedEdit`` can be entered again afterwards, e.g. to score the same edit).
    Raises ``ValueError`` if the edit leaves the prompt's state at ``site`` unchanged (nothing to compare with).
    """
    if not texts or len(texts) != len(subjects):
        raise ValueError("edit_reach needs the edit prompt first and one subject per text")
    before = io_at_subject(model, tokenizer, [site], texts, subjects)[site][1]
    with edit:
        after = io_at_subject(model, tokenizer, [site], texts, subjects)[site][1]
    change = (after - before).double()
    written = change[0]
    norm2 = written.dot(written)
    if norm2 == 0:
        raise ValueError(f"the edit does not change the output of {site} at the subject of {texts[0]!r}; "
                         "pick the edited layer (or a later one)")
    return (change @ written / norm2).float()


def subject_leads(text: str, subject: str) -> bool:
    """Whether ``text`` starts with ``subject`` (ignoring leading spaces)."""
    return text.lstrip().startswith(subject)
