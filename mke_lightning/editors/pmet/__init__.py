"""PMET and its multilingual variant M-PMET."""

from mke_lightning.editors.pmet.editor import MPmetEditor, PmetEditor

__all__ = ["MPmetEditor", "PmetEditor"]
