"""Reading a module's input and output at the subject's last token, and the averaged key k̄ of an edit
(ROME §6.2, MEMIT §7.3 step 1 of methods.md).

* The subject's last token is found by character offsets (:func:`~mke_lightning.data.spans.subject_token_span`),
  in the tokenization of the whole (prefixed) prompt, never by summing the lengths of separately tokenized pieces.
* Texts are right-padded into one batch with an attention mask; forward hooks
  (:func:`~mke_lightning.models.hooks.recorded_outputs`) record the module's input (the key ``k``: the input of the
  FFN out-projection) and output at each row's lookup position. The forward runs in ``torch.no_grad``.
* :func:`averaged_keys` averages over the context templates either ``flat`` (mean over all templates: the ROME
  repo) or ``grouped`` (mean within each template group, then across groups: the MEMIT repo, where ``"{}"`` weighs
  as much as all generated prefixes together).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import torch

from mke_lightning.data.spans import subject_token_span
from mke_lightning.models.hooks import recorded_outputs
from mke_lightning.models.padding import pad_batch, pad_id_of


@dataclass(frozen=True)
class Request:
    """One fact to write: ``prompt`` contains ``subject`` verbatim; ``target`` follows it in language ``lang``."""

    prompt: str
    subject: str
    target: str
    lang: str


def subject_last_index(tokenizer, text: str, subject: str) -> int:
    return subject_token_span(tokenizer, text, subject).last


@torch.no_grad()
def io_at_subject(model, tokenizer, names: Sequence[str], texts: Sequence[str], subjects: Sequence[str],
                  batch_size: int = 256) -> dict[str, tuple[torch.Tensor, torch.Tensor]]:
    """Per module name, its ``(inputs, outputs)`` at the subject's last token of each text: ``[n, d_in], [n, d_out]``
    (float32, on the model's device)."""
    device = next(model.parameters()).device
    ins: dict[str, list] = {n: [] for n in names}
    outs: dict[str, list] = {n: [] for n in names}
    for start in range(0, len(texts), batch_size):
        chunk, subj = list(texts[start:start + batch_size]), list(subjects[start:start + batch_size])
        ids, mask = pad_batch(tokenizer(chunk)["input_ids"], pad_id_of(tokenizer), "right")
        rows = torch.arange(len(chunk), device=device)
        idx = torch.tensor([subject_last_index(tokenizer, t, s) for t, s in zip(chunk, subj)], device=device)
        with recorded_outputs(model, list(names)) as store:
            model(input_ids=ids.to(device), attention_mask=mask.to(device))
        for n in names:
            ins[n].append(store[n][0][rows, idx].float())
            outs[n].append(store[n][1][rows, idx].float())
    return {n: (torch.cat(ins[n]), torch.cat(outs[n])) for n in names}


def averaged_keys(model, tokenizer, name: str, requests: Sequence[Request], groups_of: dict[str, list[list[str]]],
                  average: Literal["flat", "grouped"] = "grouped", batch_size: int = 256) -> torch.Tensor:
    """k̄ per request, ``[n, d_in]``: the input of module ``name`` at the subject's last token of every context
    template (``groups_of[lang]``) applied to the request's prompt, averaged ``flat`` or ``grouped``."""
    if average not in ("flat", "grouped"):
        raise ValueError(f"average must be 'flat' or 'grouped', got {average!r}")
    texts, subjects, owners = [], [], []  # owners: (request index, group index)
    for r, req in enumerate(requests):
        for g, group in enumerate(groups_of[req.lang]):
            for template in group:
                texts.append(template.format(req.prompt))
                subjects.append(req.subject)
                owners.append((r, g))
    keys = io_at_subject(model, tokenizer, [name], texts, subjects, batch_size)[name][0]
    out = []
    for r, req in enumerate(requests):
        rows = [i for i, (o, _) in enumerate(owners) if o == r]
        if average == "flat":
            out.append(keys[rows].mean(0))
        else:
            n_groups = len(groups_of[req.lang])
            out.append(torch.stack([keys[[i for i in rows if owners[i][1] == g]].mean(0)
                                    for g in range(n_groups)]).mean(0))
    return torch.stack(out)
