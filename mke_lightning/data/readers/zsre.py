"""zsRE in the MEND/ROME/EasyEdit format (Levy et al. 2017; De Cao et al. 2021; Mitchell et al. 2022).

Flat records: ``subject``, ``src`` (edit prompt), ``alt`` (new target), ``answers`` (gold answers), ``pred`` (MEND
base model's prediction), ``rephrase``, ``loc``/``loc_ans`` (NQ locality question, ``"nq question: "`` prefix
kept), ``cond``. One language per file.

Decision on the original answer (``target_true``): EasyEdit uses ``answers[0]`` as the ground truth, MEND's
conditioning string uses ``pred``. We default to ``answers[0]`` (``target_true: answers``) and offer ``pred`` and
``none`` (the Bi-ZsRE F1 protocol, which does not use it).
"""

from __future__ import annotations

from typing import Literal

from mke_lightning.data.readers.base import register_reader
from mke_lightning.data.readers.mapping import FieldMap, MappingReader, QAMap

_TRUE_PATHS = {"answers": "answers[0]", "pred": "pred", "none": None}


@register_reader("zsre")
class ZsREReader(MappingReader):
    def __init__(self, language: str = "en", target_true: Literal["answers", "pred", "none"] = "answers"):
        """Options.

        Args:
            language: the language of the file (``en`` for MEND's zsRE; ``zh`` for Bi-ZsRE's Chinese dev file).
            target_true: where the original answer comes from: ``answers`` (``answers[0]``, EasyEdit), ``pred``
                (MEND's base-model prediction) or ``none``.
        """
        if target_true not in _TRUE_PATHS:
            raise ValueError(f"target_true must be one of {list(_TRUE_PATHS)}, got {target_true!r}")
        fields = FieldMap(subject="subject", prompt="src", target_new="alt", target_true=_TRUE_PATHS[target_true],
                          paraphrases=["rephrase"], neighborhood=[QAMap(prompt="loc", answer="loc_ans")])
        super().__init__(fields=fields, language=language)
