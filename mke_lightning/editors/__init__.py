"""Editors: one sub-package (or module) per method, registered by name in :data:`EDITORS`."""

from mke_lightning.editors.applied import AppliedEdit, HookEdit, NoEdit, WeightEdit, scratch_weights
from mke_lightning.editors.base import EDITORS, BaseEditor, register_editor
from mke_lightning.editors.ft import FineTuneEditor, FTLEditor, FTMEditor
from mke_lightning.editors.gradient_editor import GradientEditor
from mke_lightning.editors.memit import MemitEditor, MMemitEditor
from mke_lightning.editors.mend import MendEditor
from mke_lightning.editors.pmet import MPmetEditor, PmetEditor
from mke_lightning.editors.rome import MRomeEditor, RomeEditor
from mke_lightning.editors.trained import TrainedEditor
from mke_lightning.editors.unedited import UneditedEditor

__all__ = ["EDITORS", "AppliedEdit", "BaseEditor", "HookEdit", "scratch_weights", "FTLEditor", "FTMEditor", "FineTuneEditor", "GradientEditor", "MMemitEditor",
           "MPmetEditor", "MRomeEditor", "MemitEditor", "MendEditor", "NoEdit", "PmetEditor", "RomeEditor",
           "TrainedEditor", "UneditedEditor", "WeightEdit", "register_editor"]
