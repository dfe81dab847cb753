"""Which sequences one training example of a trained editor uses, drawn from an :class:`EditCase` (methods.md §3.5).

Written for MEND's meta-training; the same edit / outer / locality split serves every trained editor (KE, LiME,
SERAC): the edit input is what the editor sees, the outer inputs are where the edit must hold, the locality inputs
where it must not reach.

* the **edit** input: the source language's prompt + ``target_new`` (its gradient is what the editor transforms);
* the **outer** (generalisation) inputs on which the post-edit NLL ``L_edit`` is measured:
  ``paraphrases`` — the edit prompt and its paraphrases in the source language (original MEND's rephrase);
  ``cross_lingual`` — the prompts and paraphrases of the *other* languages with their own ``target_new`` (LiME);
  ``all`` — both (the default: what multilingual evaluation scores);
* the **locality** inputs: neighbourhood prompts + their true answers, of the source language (``edit``) or of
  every language (``all``), on which ``KL(base ‖ edited)`` is measured.

Subsampling (``max_outer``, ``max_loc``) and the choice of source language use a generator seeded by
``(seed, epoch, case_id)``: the same case gets the same example in every process and on every rerun, whatever the
batch it lands in, so a DDP step and a single-process step see the same sequences.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from mke_lightning.data.schema import EditCase

Outer = Literal["paraphrases", "cross_lingual", "all"]
LocScope = Literal["edit", "all"]

#: (prompt, target, language)
Triple = tuple[str, str, str]


@dataclass
class EditExample:
    """One case's training sequences: the edit ``(prompt, target_new, src)`` and the sampled outer and locality
    ``(prompt, target, language)`` triples."""

    case_id: str
    src: str
    edit: Triple
    outer: list[Triple]
    loc: list[Triple]


def _sample(rng: random.Random, items: list, limit: int | None) -> list:
    if limit is None or len(items) <= limit:
        return items
    return rng.sample(items, limit)


def make_example(case: EditCase, edit_languages: Sequence[str], outer: Outer = "all", loc_scope: LocScope = "all",
                 max_outer: int | None = 16, max_loc: int | None = 8, seed: int = 0, epoch: int = 0) -> EditExample:
    """The example of ``case`` for ``epoch``: its source language drawn from ``edit_languages`` (those the case has),
    at most ``max_outer`` outer and ``max_loc`` locality triples (``None``: all)."""
    rng = random.Random(f"{seed}:{epoch}:{case.case_id}")
    choices = [lang for lang in edit_languages if lang in case.views]
    if not choices:
        raise ValueError(f"case {case.case_id!r} has none of the edit languages {list(edit_languages)} "
                         f"(it has {sorted(case.views)})")
    src = rng.choice(choices)
    view = case.views[src]
    same = [(p, view.target_new, src) for p in [view.prompt, *view.paraphrases]]
    others = [(p, v.target_new, lang) for lang, v in case.views.items() if lang != src for p in [v.prompt, *v.paraphrases]]
    pool = {"paraphrases": same, "cross_lingual": others, "all": same + others}[outer]
    if not pool:
        raise ValueError(f"case {case.case_id!r}: no {outer} generalisation prompts for source language {src}")
    loc_views = {src: view} if loc_scope == "edit" else case.views
    loc = [(qa.prompt, qa.answer, lang) for lang, v in loc_views.items() for qa in v.neighborhood]
    return EditExample(case.case_id, src, (view.prompt, view.target_new, src), _sample(rng, pool, max_outer),
                       _sample(rng, loc, max_loc))
