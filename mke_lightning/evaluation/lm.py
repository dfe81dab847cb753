"""The scoring seam: what the evaluation asks of "the model" while an edit is active.

Every metric needs two kinds of answers: teacher-forced log-probabilities of given targets after a prompt (ES, PS)
and greedy continuations (NS, QS, rel_f1, gen_f1, loc_f1). :class:`ScoringLM` is that interface;
``BaseEditor.scoring_lm()`` returns the one the evaluation must query while the editor's edit is active. An editor
that changes weights or activations returns the default :class:`HFScoringLM` over its base model; an editor that
rewrites prompts (IKE: demonstrations before every prompt) or routes them elsewhere (SERAC: in-scope prompts to a
counterfactual model) returns its own, e.g. a :class:`RewritingLM` around the default.

Decisions:
* the protocol speaks text (prompts, targets, languages), not token ids, so an editor can rewrite or route prompts
  without knowing how the scorer batches them;
* ``seen_prompts`` tells what the underlying model really reads for each prompt, and ``position_limit`` the longest
  sequence it accepts: the context-length check (:mod:`.context_fit`) measures those, so prompts an editor lengthens
  are measured as lengthened;
* :class:`HFScoringLM` is the batched scorer of :mod:`.scorer` (sorted padded forwards, the LM head only at target
  positions, both targets of a contrast on one shared KV cache) and the batched greedy decoder of
  :mod:`mke_lightning.models.generation` (left padding, KV cache); ``share_prompts=False`` runs every
  (prompt, target) pair as its own sequence (the naive reference of ``mke bench --compare_naive``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol, runtime_checkable

import torch

from mke_lightning.evaluation.scorer import score_target_groups, score_targets
from mke_lightning.models.context import absolute_positions
from mke_lightning.models.generation import greedy_continuations


@runtime_checkable
class ScoringLM(Protocol):
    """What the evaluation queries. ``tokenizer`` measures answer budgets and context lengths."""

    tokenizer: object

    def target_logprobs(self, prompts: Sequence[str], targets: Sequence[Sequence[str]],
                        langs: Sequence[str]) -> list[torch.Tensor]:
        """Mean-token log P(target | prompt) of each of ``targets[i]`` after ``prompts[i]`` (language ``langs[i]``):
        one 1-D tensor per prompt, in the order of its targets."""
        ...

    def greedy(self, prompts: Sequence[str], budgets: Sequence[int]) -> list[str]:
        """The greedy continuation of each prompt, ``budgets[i]`` tokens at most, decoded."""
        ...

    def seen_prompts(self, prompts: Sequence[str]) -> list[str]:
        """The text the underlying model reads for each prompt (the prompt itself unless it is rewritten)."""
        ...

    def position_limit(self) -> int | None:
        """The most positions one prompt + answer may take (``None``: no hard limit known)."""
        ...


class HFScoringLM:
    """The default :class:`ScoringLM` over a Hugging Face causal LM (see the module docstring)."""

    def __init__(self, model, tokenizer, batch_size: int = 128, share_prompts: bool = True,
                 on_rows: Callable[[Sequence[int]], None] | None = None):
        """``on_rows(indices)``: told before each forward which query (of the current call) each batch row is
        (per-row edits: :mod:`mke_lightning.evaluation.row_edits`)."""
        self.model, self.tokenizer, self.batch_size, self.share_prompts = model, tokenizer, batch_size, share_prompts
        self.on_rows = on_rows

    def target_logprobs(self, prompts, targets, langs) -> list[torch.Tensor]:
        if not prompts:
            return []
        if self.share_prompts:
            return score_target_groups(self.model, self.tokenizer, list(prompts), [list(t) for t in targets],
                                       list(langs), self.batch_size, self.on_rows)
        owners = [i for i, ts in enumerate(targets) for _ in ts]
        on_rows = (lambda rows: self.on_rows([owners[r] for r in rows])) if self.on_rows else None
        flat = score_targets(self.model, self.tokenizer, [p for p, ts in zip(prompts, targets) for _ in ts],
                             [t for ts in targets for t in ts],
                             [lang for lang, ts in zip(langs, targets) for _ in ts], self.batch_size, on_rows)
        return list(torch.split(flat, [len(ts) for ts in targets]))

    def greedy(self, prompts, budgets) -> list[str]:
        if not prompts:
            return []
        return greedy_continuations(self.model, self.tokenizer, list(prompts), list(budgets), self.batch_size,
                                    self.on_rows)

    def seen_prompts(self, prompts) -> list[str]:
        return list(prompts)

    def position_limit(self) -> int | None:
        return absolute_positions(self.model)


class RewritingLM:
    """A :class:`ScoringLM` that rewrites every prompt with ``rewrite(prompts) -> prompts`` and asks ``inner``
    (IKE's demonstrations, the test editor that states the new fact before the prompt)."""

    def __init__(self, inner: ScoringLM, rewrite: Callable[[list[str]], list[str]]):
        self.inner, self.rewrite, self.tokenizer = inner, rewrite, inner.tokenizer

    def target_logprobs(self, prompts, targets, langs) -> list[torch.Tensor]:
        return self.inner.target_logprobs(self.rewrite(list(prompts)), targets, langs)

    def greedy(self, prompts, budgets) -> list[str]:
        return self.inner.greedy(self.rewrite(list(prompts)), budgets)

    def seen_prompts(self, prompts) -> list[str]:
        return self.inner.seen_prompts(self.rewrite(list(prompts)))

    def position_limit(self) -> int | None:
        return self.inner.position_limit()
