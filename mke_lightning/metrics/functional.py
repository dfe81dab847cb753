"""Pure functions behind the edit metrics: each turns one case's raw scores into the case's value.

A case's value is averaged over the case's prompts (paraphrases, neighbourhood or multi-hop questions), and the
torchmetrics classes average case values, so every case weighs the same whatever its number of prompts.

* ``edit_success``: 1 if mean-token log P(target_new | prompt) > mean-token log P(target_true | prompt), else 0
  (a tie is a failure: the edit has not made the new object preferred).
* ``paraphrase_score``: the same comparison averaged over the paraphrases.
* ``neighborhood_score`` / ``question_score``: token F1 of each greedy answer against its reference, averaged.
* ``rel_f1`` / ``gen_f1``: token F1 of greedy answers against target_new on the prompt / the paraphrases
  (Bi-ZsRE / MzsRE protocol, where target_true is missing); ``loc_f1``: token F1 of post-edit against pre-edit
  greedy answers on neighbourhood prompts.

Token F1 is MLQA's (:mod:`mke_lightning.metrics.text`), which scores two answers that are both empty after
normalisation as 0. Decision: against a reference (NS, QS, rel_f1, gen_f1) that stays so; loc_f1 compares two
outputs of the model, where both empty means the answer did not change, so there it counts as 1.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

from mke_lightning.metrics.text import token_f1


def edit_success(logp_new: torch.Tensor | float, logp_true: torch.Tensor | float) -> float:
    return float(torch.as_tensor(logp_new) > torch.as_tensor(logp_true))


def paraphrase_score(logp_new: Sequence[float] | torch.Tensor, logp_true: Sequence[float] | torch.Tensor) -> float:
    new, true = torch.as_tensor(logp_new, dtype=torch.float64), torch.as_tensor(logp_true, dtype=torch.float64)
    if new.shape != true.shape:
        raise ValueError(f"shape mismatch {tuple(new.shape)} vs {tuple(true.shape)}")
    if new.numel() == 0:
        raise ValueError("a case without paraphrases has no paraphrase score")
    return float((new > true).double().mean())


def mean_f1(predictions: Sequence[str], references: Sequence[str], lang: str) -> float:
    if len(predictions) != len(references):
        raise ValueError(f"{len(predictions)} predictions but {len(references)} references")
    if not predictions:
        raise ValueError("no prompts to score")
    return sum(token_f1(p, r, lang) for p, r in zip(predictions, references)) / len(predictions)


def neighborhood_score(predictions: Sequence[str], answers: Sequence[str], lang: str) -> float:
    return mean_f1(predictions, answers, lang)


def question_score(predictions: Sequence[str], answers: Sequence[str], lang: str) -> float:
    return mean_f1(predictions, answers, lang)


def rel_f1(prediction: str, target_new: str, lang: str) -> float:
    return token_f1(prediction, target_new, lang)


def gen_f1(predictions: Sequence[str], target_new: str, lang: str) -> float:
    return mean_f1(predictions, [target_new] * len(predictions), lang)


def loc_f1(post_edit: Sequence[str], pre_edit: Sequence[str], lang: str) -> float:
    if len(post_edit) != len(pre_edit):
        raise ValueError(f"{len(post_edit)} post-edit answers but {len(pre_edit)} pre-edit answers")
    if not post_edit:
        raise ValueError("no prompts to score")
    # Two model outputs that are both empty after normalisation are the same answer: the edit left it unchanged.
    return sum(token_f1(p, r, lang, both_empty=1.0) for p, r in zip(post_edit, pre_edit)) / len(post_edit)
