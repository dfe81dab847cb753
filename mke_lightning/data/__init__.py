"""Data: the unified schema, readers, the synthetic world and datamodules."""

from mke_lightning.data.datamodule import EditDataModule
from mke_lightning.data.languages import normalize_lang, target_separator
from mke_lightning.data.reading import ReadReport, read_edit_cases, write_edit_cases
from mke_lightning.data.schema import QA, DatasetFormatError, EditCase, LangView

__all__ = ["QA", "DatasetFormatError", "EditCase", "EditDataModule", "LangView", "ReadReport", "normalize_lang",
           "read_edit_cases", "target_separator", "write_edit_cases"]
