"""``unedited``: the no-op baseline. Its scores are the base model's: ES ≈ 0 on a model that knows the facts, NS
equal to the model's recall of neighbourhood facts. A metric that says otherwise is wrong."""

from __future__ import annotations

from collections.abc import Sequence

from mke_lightning.data.schema import EditCase
from mke_lightning.editors.applied import AppliedEdit, NoEdit
from mke_lightning.editors.base import BaseEditor, register_editor


@register_editor("unedited")
class UneditedEditor(BaseEditor):
    def edit(self, cases: Sequence[EditCase], src_lang: str) -> AppliedEdit:
        return NoEdit()
