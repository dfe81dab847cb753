"""ROME and its multilingual variant M-ROME."""

from mke_lightning.editors.rome.editor import MRomeEditor, RomeEditor, RomeUpdate

__all__ = ["MRomeEditor", "RomeEditor", "RomeUpdate"]
