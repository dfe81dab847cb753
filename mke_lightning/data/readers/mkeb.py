"""MKEB, the multilingual benchmark of MEMLA (Xie et al. 2024, neuron-masked low-rank adaptation for multilingual
knowledge editing; code ``jiakuan01/memla4mke``).

The data is unreleased; its schema is known from the reference code (``memla/main.py``): one JSON list, each
record ``{"example_id", "edit": {lang: {"subject", "prompt" (with "{}" for the subject), "target_new",
"target_true"}}, "paraphrase_prompts": {lang: [..]}, "neighborhood_prompts": {lang: [..]},
"neighborhood_answers": {lang: [..]}, "multi_hop_questions": {lang: [..]}, "multi_hop_new_answer": {lang: str}}``.
Every field is keyed by language (not a block per language); the one multi-hop answer is shared by all of a
language's multi-hop questions, as in the reference code. A record's languages are the keys of ``edit``.
"""

from __future__ import annotations

from mke_lightning.data.readers.base import register_reader
from mke_lightning.data.readers.mapping import FieldMap, MappingReader, QAMap

MKEB_FIELDS = FieldMap(
    subject="edit.{lang}.subject", prompt="edit.{lang}.prompt", target_new="edit.{lang}.target_new",
    target_true="edit.{lang}.target_true", paraphrases=["paraphrase_prompts.{lang}"],
    neighborhood=[QAMap(prompt="neighborhood_prompts.{lang}", answer="neighborhood_answers.{lang}")],
    multihop=[QAMap(prompt="multi_hop_questions.{lang}", answer="multi_hop_new_answer.{lang}")],
)


@register_reader("mkeb")
class MKEBReader(MappingReader):
    def __init__(self, subject_placeholder: str = "{}"):
        """Options.

        Args:
            subject_placeholder: the text in ``edit.<lang>.prompt`` that the subject replaces.
        """
        super().__init__(fields=MKEB_FIELDS, case_id="example_id", subject_placeholder=subject_placeholder)
