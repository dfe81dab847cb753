"""Whether a model represents a subject alike across languages: cross-lingual retrieval of the subject's state.

For each subject and language, the hidden states (the embeddings and every layer's output) at the subject's last
token in the edit prompt (found as the locate-then-edit editors find it). Per layer and ordered language pair
(a, b), each language's states are centred (their mean, the language's own direction, subtracted) and a subject
counts as retrieved when its nearest state in b (cosine) to its state in a is its own. Chance is one over the number
of subjects. Locate-then-edit editors write at the subject's last token, and a fact learnt in one language is read
there in another only if the two names meet somewhere; a layer where names of two scripts retrieve each other is
where that can happen, and where no layer does, nothing in the model ties the names (cf. the language-independent
neurons of LAFN and MEMLA, which presuppose such a layer).

Decisions: one probe per subject (``meta.subject_id``, else the subject's name in the first probed language), from
the first case naming it; a subject counts only when every probed language's view has a prompt containing its
subject (so every pair ranks the same subjects); fewer than two such subjects give no table.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

from mke_lightning.data.languages import script
from mke_lightning.data.schema import EditCase
from mke_lightning.data.spans import subject_token_span
from mke_lightning.models.padding import pad_batch, pad_id_of


def _subject_prompts(cases: Sequence[EditCase], languages: Sequence[str]) -> list[dict[str, tuple[str, str]]]:
    """Per subject, its ``(edit prompt, subject)`` in every one of ``languages``."""
    seen: set[str] = set()
    prompts = []
    for case in cases:
        views = [case.views.get(lang) for lang in languages]
        if any(v is None or not v.subject or v.subject not in v.prompt for v in views):
            continue
        key = str(case.meta.get("subject_id") or views[0].subject)
        if key in seen:
            continue
        seen.add(key)
        prompts.append({lang: (v.prompt, v.subject) for lang, v in zip(languages, views)})
    return prompts


@torch.no_grad()
def subject_states(model, tokenizer, prompts: Sequence[str], subjects: Sequence[str],
                   batch_size: int = 64) -> torch.Tensor:
    """``[len(prompts), layers + 1, width]``: every hidden state (embeddings first) at the subject's last token of
    each prompt (:func:`~mke_lightning.data.spans.subject_token_span`, as the locate-then-edit editors find it)."""
    pad_id = pad_id_of(tokenizer)
    device = next(model.parameters()).device
    out = []
    for start in range(0, len(prompts), batch_size):
        chunk, subj = list(prompts[start:start + batch_size]), list(subjects[start:start + batch_size])
        input_ids, attention = pad_batch(tokenizer(chunk)["input_ids"], pad_id, "right")
        hidden = model(input_ids=input_ids.to(device), attention_mask=attention.to(device),
                       output_hidden_states=True).hidden_states
        last = torch.tensor([subject_token_span(tokenizer, t, s).last for t, s in zip(chunk, subj)])
        rows = torch.arange(len(chunk))
        out.append(torch.stack([h[rows, last.to(h.device)].float().cpu() for h in hidden], dim=1))
    return torch.cat(out)


def retrieval(a: torch.Tensor, b: torch.Tensor) -> float:
    """Share of rows of ``a`` whose nearest row of ``b`` (cosine, each side centred) is the same row."""
    a = torch.nn.functional.normalize(a - a.mean(0), dim=-1)
    b = torch.nn.functional.normalize(b - b.mean(0), dim=-1)
    return (a @ b.T).argmax(1).eq(torch.arange(len(a))).float().mean().item()


def subject_alignment(model, tokenizer, cases: Sequence[EditCase], languages: Sequence[str],
                      batch_size: int = 64) -> dict:
    """``{"subjects", "chance", "by_layer": [{a: {b: retrieval}}], "same_script_mean", "cross_script_mean"}``
    (per layer, embeddings first; see the module docstring), or ``{}`` with fewer than two subjects."""
    prompts = _subject_prompts(cases, languages)
    if len(prompts) < 2:
        return {}
    was_training = model.training
    model.eval()
    try:
        states = {lang: subject_states(model, tokenizer, [p[lang][0] for p in prompts],
                                       [p[lang][1] for p in prompts], batch_size) for lang in languages}
    finally:
        model.train(was_training)
    layers = states[languages[0]].shape[1]
    by_layer = [{a: {b: retrieval(states[a][:, layer], states[b][:, layer]) for b in languages} for a in languages}
                for layer in range(layers)]

    def mean(table: dict, same: bool) -> float:
        values = [v for a, row in table.items() for b, v in row.items()
                  if a != b and (script(a) == script(b)) == same]
        return sum(values) / len(values) if values else float("nan")

    return {"subjects": len(prompts), "chance": 1 / len(prompts), "by_layer": by_layer,
            "same_script_mean": [mean(t, True) for t in by_layer],
            "cross_script_mean": [mean(t, False) for t in by_layer]}


__all__ = ["retrieval", "subject_alignment", "subject_states"]
