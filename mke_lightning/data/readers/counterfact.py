"""CounterFact (Meng et al. 2022, "Locating and Editing Factual Associations in GPT", ROME), English.

Two formats, told apart by the first record (``format: auto``) or chosen:

* ``easyedit``: the flat EasyEdit/MEND/SERAC split (``counterfact-edit.json``, ``-val``, ``-train``):
  ``case_id``, ``prompt`` (subject filled in), ``subject``, ``target_new``, ``ground_truth`` (``target_true``),
  ``rephrase_prompt`` (paraphrase), ``locality_prompt``/``locality_ground_truth`` (neighbourhood);
* ``rome``: ROME's ``counterfact.json``: ``requested_rewrite{prompt with "{}", subject, target_new.str,
  target_true.str}``, ``paraphrase_prompts``, ``neighborhood_prompts``. ROME's neighbourhood prompts are other
  subjects sharing the *true* object, so their answer is ``target_true`` (ROME's NS definition).
"""

from __future__ import annotations

from typing import Any, Literal

from mke_lightning.data.readers.base import EditReader, register_reader
from mke_lightning.data.readers.mapping import FieldMap, MappingReader, QAMap
from mke_lightning.data.reading import ReadReport, load_records

EASYEDIT_FIELDS = FieldMap(
    subject="subject", prompt="prompt", target_new="target_new", target_true="ground_truth",
    paraphrases=["rephrase_prompt"], neighborhood=[QAMap(prompt="locality_prompt", answer="locality_ground_truth")])
ROME_FIELDS = FieldMap(
    subject="requested_rewrite.subject", prompt="requested_rewrite.prompt",
    target_new="requested_rewrite.target_new.str", target_true="requested_rewrite.target_true.str",
    paraphrases=["paraphrase_prompts"],
    neighborhood=[QAMap(prompt="neighborhood_prompts", answer="requested_rewrite.target_true.str")])


@register_reader("counterfact")
class CounterFactReader(EditReader):
    def __init__(self, format: Literal["auto", "easyedit", "rome"] = "auto", language: str = "en"):
        """Options.

        Args:
            format: ``easyedit`` (flat), ``rome`` (``requested_rewrite``) or ``auto`` (decided by the first record).
            language: the language of the file (CounterFact is English; translations keep the same format).
        """
        if format not in ("auto", "easyedit", "rome"):
            raise ValueError(f"format must be auto, easyedit or rome, got {format!r}")
        self.format = format
        self._readers = {
            "easyedit": MappingReader(EASYEDIT_FIELDS, case_id="case_id", language=language),
            "rome": MappingReader(ROME_FIELDS, case_id="case_id", language=language, subject_placeholder="{}",
                                  meta={"relation_id": "requested_rewrite.relation_id"}),
        }

    def records(self, path: str, report: ReadReport) -> list[dict[str, Any]]:
        fmt = self.format
        if fmt == "auto":
            head = load_records(path)[:1]
            fmt = "rome" if head and isinstance(head[0], dict) and "requested_rewrite" in head[0] else "easyedit"
        return self._readers[fmt].records(path, report)
