"""MzsRE (Wang, Haddow & Birch 2023, "Retrieval-augmented Multilingual Knowledge Editing" / ReMaKE, arXiv:2312.13040).

12 languages (en zh de fr es pt ru th tr vi cz du; ``cz``->``cs`` and ``du``->``nl`` on read), 743 edits. The
release holds one file per ordered language pair; the 11 ``mzsre_test_duplicate_en<L>.json`` files together hold
every language, index-aligned. :class:`MzsREReader` takes the folder (or a file pattern with ``{lang}``), reads the
11 files and merges record i of each into one case with 12 views; English, present in every file, must be
identical in all of them (it is, in the release). Blocks are the Bi-ZsRE ones
(:data:`~mke_lightning.data.readers.bizsre.ZSRE_BLOCK_FIELDS`): ``portability`` becomes the multi-hop question;
there is no original answer, so the F1 protocol (rel_f1/gen_f1/loc_f1) applies.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mke_lightning.data.readers.base import register_reader
from mke_lightning.data.readers.bizsre import ZSRE_BLOCK_FIELDS
from mke_lightning.data.readers.mapping import MappingReader
from mke_lightning.data.reading import ReadReport

#: Raw codes of the non-English files of the release (``en<code>``).
MZSRE_FILE_LANGUAGES = ["cz", "de", "du", "es", "fr", "pt", "ru", "th", "tr", "vi", "zh"]


@register_reader("mzsre")
class MzsREReader(MappingReader):
    def __init__(self, file_pattern: str = "mzsre_test_duplicate_en{lang}.json",
                 file_languages: list[str] | None = None):
        """Options.

        Args:
            file_pattern: file name inside the data folder, ``{lang}`` standing for each of ``file_languages``
                (used when the data path is a folder).
            file_languages: raw codes of the files to read (``None``: all 11, which cover the 12 languages).
        """
        super().__init__(fields=ZSRE_BLOCK_FIELDS, file_languages=file_languages or MZSRE_FILE_LANGUAGES)
        self.file_pattern = file_pattern

    def records(self, path: str, report: ReadReport) -> list[dict[str, Any]]:
        if Path(path).is_dir():
            path = str(Path(path) / self.file_pattern)
        return super().records(path, report)
