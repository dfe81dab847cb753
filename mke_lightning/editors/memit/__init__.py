"""MEMIT and its multilingual variant M-MEMIT."""

from mke_lightning.editors.memit.editor import MemitEditor, MMemitEditor, spread_update

__all__ = ["MMemitEditor", "MemitEditor", "spread_update"]
