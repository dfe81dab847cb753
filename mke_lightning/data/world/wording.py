"""Which sentences a world version writes: relation templates (seen in pretraining or held out), alignment frames.

World v1 states every fact with every template of :mod:`.lexicon` (3–4 per relation and language), and the
evaluation paraphrases are those same templates. World v2 appends the templates of :mod:`.templates` (7 per
relation and language in all) and holds the **last** one out of pretraining: it appears only as an evaluation
paraphrase, so PS on it measures generalisation to an unseen wording rather than recall of a memorised sentence.
The held-out template is a new sentence made only of words (zh, ja, th: characters) that the relation's seen
templates teach: a synthetic world cannot teach what a word it never shows means, so a word outside the corpus
would measure guessing, not generalisation (the first v2 held-out templates did, and scored 45 %).
A language's ``MORE_TEMPLATES`` are further wordings for the corpus only (``WorldConfig.more_templates``; with
``templates_per_fact`` a fact is stated with a random subset), so recipes with more diverse text keep the same
evaluation cases.
Template 0 stays the edit prompt in both versions.
"""

from __future__ import annotations

import importlib
from functools import cache
from types import ModuleType

from mke_lightning.data.world import lexicon

VERSIONS = (1, 2)


@cache
def _language_text(lang: str) -> ModuleType:
    try:
        return importlib.import_module(f"mke_lightning.data.world.templates.{lang}")
    except ModuleNotFoundError as err:
        raise ValueError(f"world v2 has no text for language {lang!r} (mke_lightning/data/world/templates/)") from err


def _check_version(version: int) -> None:
    if version not in VERSIONS:
        raise ValueError(f"world version must be one of {VERSIONS}, got {version!r}")


def relation_templates(relation: str, lang: str, version: int) -> list[str]:
    """Every template of ``relation`` in ``lang``: the edit prompt first, then the paraphrases (v2: the held-out
    template last)."""
    _check_version(version)
    base = list(lexicon.TEMPLATES[relation][lang])
    if version == 1:
        return base
    return base + list(_language_text(lang).EXTRA_TEMPLATES[relation])


def _further_templates(relation: str, lang: str) -> list[str]:
    """A language's ``MORE_TEMPLATES`` of ``relation`` (v2, corpus only; none where the language has none)."""
    return list(getattr(_language_text(lang), "MORE_TEMPLATES", {}).get(relation, ()))


def pretraining_templates(relation: str, lang: str, version: int, more: int = 0) -> list[str]:
    """The templates the corpus states facts with (v2: all but the held-out one, then the first ``more`` of
    :mod:`.templates`' ``MORE_TEMPLATES``, seen in pretraining only: the evaluation cases keep the seven)."""
    templates = relation_templates(relation, lang, version)
    if version == 1:
        if more:
            raise ValueError(f"world v1 has no further templates (more={more})")
        return templates
    extra = _further_templates(relation, lang)
    if not 0 <= more <= len(extra):
        raise ValueError(f"templates/{lang}.py has {len(extra)} further {relation!r} templates, {more} asked for")
    return templates[:-1] + extra[:more]


def max_more_templates(languages, version: int = 2) -> int:
    """How many further pretraining templates every relation has in every one of ``languages``."""
    if version == 1:
        return 0
    return min(len(_further_templates(rel, lang)) for lang in languages for rel in lexicon.TEMPLATES)


def held_out_template(relation: str, lang: str, version: int) -> str | None:
    """The template kept out of pretraining (``None`` in v1, where none is)."""
    return None if version == 1 else relation_templates(relation, lang, version)[-1]


def alignment_sentence(name: str, other_name: str, lang: str, other_lang: str) -> tuple[str, str]:
    """``(prompt, answer)`` of the sentence in ``lang`` saying that ``name`` is ``other_name`` in ``other_lang``:
    the prompt ends where the other language's name begins."""
    text = _language_text(lang)
    frame = text.ALIGNMENT
    if not frame.endswith("{b}"):
        raise ValueError(f"templates/{lang}.py: ALIGNMENT must end with the other language's name {{b}}: {frame!r}")
    prompt = frame.split("{b}")[0].format(a=name, language=text.LANGUAGE_NAMES[other_lang]).rstrip()
    return prompt, other_name


__all__ = ["VERSIONS", "alignment_sentence", "held_out_template", "max_more_templates", "pretraining_templates",
           "relation_templates"]
