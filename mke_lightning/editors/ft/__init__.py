"""Fine-tuning baselines: FT-L and FT-M (with optional SSS)."""

from mke_lightning.editors.ft.editor import FineTuneEditor, FTLEditor, FTMEditor

__all__ = ["FTLEditor", "FTMEditor", "FineTuneEditor"]
