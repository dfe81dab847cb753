"""MEND: gradient-decomposition editor networks trained by meta-learning (optionally with SSS)."""

from mke_lightning.editors.mend.editor import MendEditor

__all__ = ["MendEditor"]
