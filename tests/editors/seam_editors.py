"""Two small editors that prove the seams a new editor plugs into (each under 40 lines).

* :class:`StatedFactEditor` changes nothing in the model: while its edit is active, every prompt the evaluation asks
  is preceded by the new fact stated as a sentence (the prompt-rewriting seam, ``scoring_lm()``: IKE's shape);
* :class:`SubjectVectorEditor` adds a vector at the subject's last token through a ``HookEdit`` (the activation-edit
  seam: KN's and LAFN's shape): the input embedding of the new target's first token, scaled, added to the
  embedding output wherever the subject's last token stands.
"""

from __future__ import annotations

from mke_lightning.data.languages import target_separator
from mke_lightning.data.spans import subject_token_span
from mke_lightning.editors import AppliedEdit, BaseEditor, HookEdit
from mke_lightning.evaluation.lm import RewritingLM


class _PushFacts(AppliedEdit):
    def __init__(self, editor, facts):
        self.editor, self.facts = editor, facts

    def apply(self):
        self.editor.facts.extend(self.facts)

    def restore(self):
        del self.editor.facts[len(self.editor.facts) - len(self.facts):]


class StatedFactEditor(BaseEditor):
    def __init__(self, model_name_or_path: str = "checkpoints/world-gpt2", dtype: str = "float32"):
        super().__init__(model_name_or_path, dtype)
        self.facts: list[str] = []

    def edit(self, cases, src_lang):
        views = [c.views[src_lang] for c in cases]
        return _PushFacts(self, [f"{v.prompt}{target_separator(src_lang)}{v.target_new}." for v in views])

    def scoring_lm(self, batch_size: int = 256):
        context = " ".join(self.facts)
        lm = super().scoring_lm(batch_size)
        return RewritingLM(lm, lambda prompts: [f"{context} {p}" for p in prompts]) if context else lm


class SubjectVectorEditor(BaseEditor):
    def __init__(self, model_name_or_path: str = "checkpoints/world-gpt2", dtype: str = "float32", scale: float = 4.0):
        super().__init__(model_name_or_path, dtype)
        self.scale = scale

    def edit(self, cases, src_lang):
        embeddings = self.base_model.get_input_embeddings()
        name = next(n for n, m in self.base_model.named_modules() if m is embeddings)
        additions = []
        for view in (c.views[src_lang] for c in cases):
            ids = self.tokenizer(view.prompt)["input_ids"]
            subject_id = ids[subject_token_span(self.tokenizer, view.prompt, view.subject).last]
            target_id = self.tokenizer(target_separator(src_lang) + view.target_new, add_special_tokens=False)["input_ids"][0]
            additions.append((subject_id, self.scale * embeddings.weight[target_id].detach()))

        def add_at_subject(module, args, output):
            for subject_id, vector in additions:
                output = output + (args[0] == subject_id).unsqueeze(-1).to(output.dtype) * vector
            return output

        return HookEdit(self.base_model, {name: add_at_subject})


SEAM_EDITORS = {"test_stated_fact": StatedFactEditor, "test_subject_vector": SubjectVectorEditor}
