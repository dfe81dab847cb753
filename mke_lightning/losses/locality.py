"""Locality KL: how far an edit moved the model's predictions on prompts it should leave alone (MEND, SERAC, FT+KL).

``KL(p_base(·|x) ‖ p_edited(·|x))`` per predicted token, averaged over the positions that predict the locality
*answer* tokens of ``prompt + answer`` sequences. For a causal LM the logit at position ``t`` predicts token
``t + 1``: the answer tokens at positions ``[len(prompt), len(prompt) + len(answer))`` are predicted by the logits
at ``[len(prompt) − 1, len(prompt) + len(answer) − 1)``. (EasyEdit compares the logits *at* the answer positions,
one token late: that KL scores the prediction after the answer's last token and misses its first one.)
"""

from __future__ import annotations

import torch


def locality_kl(base_logits: torch.Tensor, edited_logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Mean over answer-predicting positions of ``KL(softmax(base) ‖ softmax(edited))``.

    Args:
        base_logits, edited_logits: ``(batch, seq, vocab)`` logits of the unedited and the edited model on the same
            input.
        labels: ``(batch, seq)``, the answer token at its own position and -100 elsewhere (as produced by
            :func:`~mke_lightning.models.encoding.encode_prompt_target`).
    """
    mask = labels[:, 1:] != -100
    if not mask.any():
        raise ValueError("locality_kl: no answer tokens in the batch")
    return mean_kl(base_logits[:, :-1][mask], edited_logits[:, :-1][mask])


def mean_kl(base_logits: torch.Tensor, edited_logits: torch.Tensor) -> torch.Tensor:
    """Mean over rows of ``KL(softmax(base) ‖ softmax(edited))`` for ``(n, vocab)`` logits already taken at the
    answer-predicting positions (editors that run the LM head only there)."""
    base = torch.log_softmax(base_logits.float(), dim=-1)
    edited = torch.log_softmax(edited_logits.float(), dim=-1)
    return (base.exp() * (base - edited)).sum(-1).mean()
