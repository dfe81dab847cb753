"""Bi-ZsRE (Wang et al. 2023, "Cross-Lingual Knowledge Editing in Large Language Models", arXiv:2309.08952).

Two shapes of file, both read by :class:`BiZsREReader` (told apart by their first record):

* the test set ``bizsre_test.json``: a list of ``{"en": block, "zh": block}``, each block with ``subject``,
  ``src`` (edit prompt), ``alt`` (new target), ``rephrase``, ``loc``/``loc_ans`` and ``portability``
  ``{"New Question", "New Answer"}``; there is no original answer (``target_true`` is ``None``, so the F1 protocol
  rel_f1/gen_f1/loc_f1 applies);
* the Chinese dev file ``zsre_mend_eval_chinese.json``: flat records in the MEND/EasyEdit zsRE format, read like
  :class:`~mke_lightning.data.readers.zsre.ZsREReader` in ``dev_language`` (the ``*_statement`` fields the ORE
  authors added are not read).

Decisions: the English ``loc`` keeps its ``"nq question: "`` prefix, as the reference code feeds it to the model;
``portability`` becomes the multi-hop question (its answer is the post-edit answer).
"""

from __future__ import annotations

from typing import Any

from mke_lightning.data.readers.base import register_reader
from mke_lightning.data.readers.mapping import FieldMap, MappingReader, QAMap
from mke_lightning.data.readers.zsre import ZsREReader
from mke_lightning.data.reading import ReadReport, load_records

#: The per-language block of Bi-ZsRE and MzsRE.
ZSRE_BLOCK_FIELDS = FieldMap(
    subject="{lang}.subject", prompt="{lang}.src", target_new="{lang}.alt", paraphrases=["{lang}.rephrase"],
    neighborhood=[QAMap(prompt="{lang}.loc", answer="{lang}.loc_ans")],
    multihop=[QAMap(prompt="{lang}.portability.New Question", answer="{lang}.portability.New Answer")],
)


@register_reader("bizsre")
class BiZsREReader(MappingReader):
    def __init__(self, dev_language: str = "zh"):
        """Options.

        Args:
            dev_language: language of a flat (MEND-format) dev file such as ``zsre_mend_eval_chinese.json``.
        """
        super().__init__(fields=ZSRE_BLOCK_FIELDS)
        self.dev_reader = ZsREReader(language=dev_language)

    def records(self, path: str, report: ReadReport) -> list[dict[str, Any]]:
        raw = load_records(path)
        if raw and isinstance(raw[0], dict) and "src" in raw[0]:
            return self.dev_reader.records(path, report)
        return super().records(path, report)
