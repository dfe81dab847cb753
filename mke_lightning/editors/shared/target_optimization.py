"""Target-vector optimisation shared by ROME (v*, §6.4), MEMIT (z, §7.2) and PMET (§8) in methods.md.

For each request a vector δ per *site* (a module whose output it is added to, at the subject's last token of every
prompt) is optimised with Adam so that the model predicts the target:

``L(δ) = nll_factor · mean_prompts[ −Σ_j log p(t_j | …) / |t| ] + kl_factor · KL(p_δ ‖ p_0)
+ v_weight_decay · Σ_sites ‖δ_s‖ / ‖v_s,init‖²``

* prompts: every context template applied to the prompt, followed by the target tokens but the last (the target is
  tokenized apart with the language's separator, as the scorer does); the NLL of a prompt is summed over the
  target tokens and divided by their number, then averaged over prompts. Log-probabilities come from the model's
  own final logits (the references' ``v_loss_layer`` = last layer).
* KL: at the subject's last token of the language's KL prompt ("{subject} is a"), between the current and the
  first-step (detached) next-token distributions, KL(current ‖ initial) as the references compute it.
* the weight decay is ``‖δ‖ / ‖v_init‖²`` (not ``‖δ‖²``), as the references; after every step δ is projected into the
  ball ``‖δ‖ ≤ clamp_norm_factor · ‖v_init‖``; ``v_init`` is the site's output at the lookup position of the first
  prompt (the plain ``"{}"`` template).
* early stop when a request's loss is below ``early_stop_loss``; no optimiser step on the last iteration.
* ``adaptive_nll`` (PMET, ``xpq-tech/PMET`` ``compute_zs``): at the end of a step whose target already is the argmax
  at every target position, the request stops if its **weighted** KL ``kl_factor · KL ≤ kl_stop``; otherwise the
  NLL factor is ``0.1 · nll_factor`` **from the next step on** (the step that found the argmax keeps the factor it
  was computed with, its loss and gradient included), and back to ``nll_factor`` after a step without the argmax.
  Order of the tests at a step as the reference: ``loss < early_stop_loss``, then the argmax/KL test, then the
  last-iteration test. ``OptimizedTargets.nll_factors`` records the factor used at each recorded step.

Several requests are optimised together (``batch_size`` per chunk) with one δ row each: their losses are summed,
so every δ gets exactly its own request's gradient, and Adam is element-wise, so this equals optimising them one
by one; a request that has stopped keeps its δ (its rows are restored after each step) and its rows leave the
forward passes. This makes a MEMIT batch of 1000 edits take tens of forward passes instead of thousands, and the
independent edits of the batched single mode (``edit_batch_size``) share their steps.

The tokens before each row's subject's last token are computed once, their key/value cache reused at every step
(:mod:`.subject_prefix`); the blocks below the first site's block are computed once (and block ``L`` too when every site is its output or
its FFN output projection: :mod:`.cached_trunk`). Per step only what the loss reads is computed past the trunk: the LM head and the softmax run at the positions that
predict a target token and at each KL prompt's subject position, not at every position of every row.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass, field

import torch

from mke_lightning.editors.shared.cached_trunk import TrunkPlan, recording, replayed_blocks, trunk_plan
from mke_lightning.editors.shared.keys import Request, subject_last_index
from mke_lightning.editors.shared.subject_prefix import SubjectSplit, split_at_subject
from mke_lightning.models.adapter import is_conv1d
from mke_lightning.models.encoding import targets_token_ids, trunk_and_head
from mke_lightning.models.hooks import hidden_of, hooked, with_hidden
from mke_lightning.models.padding import pad_batch, pad_id_of
from mke_lightning.option_ranges import NonNegativeFloat, PositiveFloat, PositiveInt, check_group


@dataclass(frozen=True)
class TargetOptimization:
    """Target-vector optimisation (the editors' ``optimization`` group: ``--model.optimization.v_lr 2``)."""

    v_num_grad_steps: PositiveInt = 20
    """Adam steps of the target-vector optimisation, at most (no step on the last iteration; references: 20)."""
    v_lr: PositiveFloat = 0.5
    """Adam learning rate of δ."""
    kl_factor: NonNegativeFloat = 0.0625
    """Weight of the KL term on the "{subject} is a" prompt."""
    v_weight_decay: NonNegativeFloat = 0.5
    """Weight of ``‖δ‖ / ‖v_init‖²`` (summed over the optimised sites)."""
    clamp_norm_factor: PositiveFloat = 4.0
    """After every step δ is clamped to ``‖δ‖ ≤ clamp_norm_factor · ‖v_init‖`` (references: 4, 0.75 for GPT-2 XL and
    GPT-J)."""
    early_stop_loss: NonNegativeFloat = 5e-2
    """A request stops once its loss is below this."""
    batch_size: PositiveInt = 64
    """Requests whose target vectors are optimised together (the result does not depend on it; ROME optimises one
    request at a time)."""
    nll_factor: NonNegativeFloat = 1.0
    """Weight of the target NLL."""
    kl_stop: NonNegativeFloat = 0.01
    """Adaptive NLL only (PMET): a request whose target is already the argmax stops once its weighted KL
    ``kl_factor · KL`` is at most this (the PMET reference compares the weighted ``kl_loss`` with 0.01)."""

    def __post_init__(self):
        check_group(self, "model.optimization")


@dataclass
class OptimizedTargets:
    """Per site name: ``init[name]`` (``[n, d]``) and the optimised ``delta[name]``; per request, for each recorded
    step, ``losses`` and the NLL factor ``nll_factors`` the loss was computed with."""

    init: dict[str, torch.Tensor]
    delta: dict[str, torch.Tensor]
    losses: list[list[float]]
    nll_factors: list[list[float]] = field(default_factory=list)

    def target(self, site: str) -> torch.Tensor:
        return self.init[site] + self.delta[site]


def _add_at(model, sites: Sequence[str], deltas: dict[str, torch.Tensor], rows: torch.Tensor, owner: torch.Tensor,
            idx: torch.Tensor, seen: dict[str, torch.Tensor]):
    """While active, add ``deltas[site][owner[i]]`` to the output of each site at ``(rows[i], idx[i])``;
    ``seen[site]`` gets the (pre-addition) outputs at those positions."""
    def adder(site: str):
        def hook(module, args, output):
            h = hidden_of(output)
            seen[site] = h[rows, idx].detach()
            add = torch.zeros_like(h).index_put((rows, idx), deltas[site][owner].to(h.dtype))
            return with_hidden(output, h + add)
        return hook

    return hooked(model, {site: adder(site) for site in sites})


def optimize_targets(model, tokenizer, requests: Sequence[Request], groups_of: dict[str, list[list[str]]],
                     kl_prompts: dict[str, str], sites: Sequence[str], settings: TargetOptimization,
                     adaptive_nll: bool = False) -> OptimizedTargets:
    """Optimise one δ per site and request (see the module docstring); ``adaptive_nll``: PMET's NLL factor."""
    init: dict[str, list] = {s: [] for s in sites}
    delta: dict[str, list] = {s: [] for s in sites}
    losses: list[list[float]] = []
    factors: list[list[float]] = []
    for start in range(0, len(requests), settings.batch_size):
        chunk = requests[start:start + settings.batch_size]
        result = _optimize_chunk(model, tokenizer, chunk, groups_of, kl_prompts, sites, settings, adaptive_nll)
        for s in sites:
            init[s].append(result.init[s])
            delta[s].append(result.delta[s])
        losses += result.losses
        factors += result.nll_factors
    return OptimizedTargets({s: torch.cat(v) for s, v in init.items()}, {s: torch.cat(v) for s, v in delta.items()},
                            losses, factors)


def _encode(tokenizer, requests, groups_of, kl_prompts, device):
    """Rewriting rows (every template of every request, prompt + target, labels on the target) then one KL row per
    request; the lookup index of each row is its subject's last token."""
    seqs, n_prompt, owner, idx = [], [], [], []
    targets = targets_token_ids(tokenizer, [r.target for r in requests], [r.lang for r in requests])
    texts = [(r, template.format(req.prompt), targets[r]) for r, req in enumerate(requests)
             for group in groups_of[req.lang] for template in group]
    texts += [(r, kl_prompts[req.lang].format(req.subject), []) for r, req in enumerate(requests)]
    for r, text, target in texts:
        prompt_ids = tokenizer(text)["input_ids"]
        seqs.append(prompt_ids + target)
        n_prompt.append(len(prompt_ids))
        owner.append(r)
        idx.append(subject_last_index(tokenizer, text, requests[r].subject))
    input_ids, mask = pad_batch(seqs, pad_id_of(tokenizer), "right")
    labels = torch.full_like(input_ids, -100)
    for row, (seq, start) in enumerate(zip(seqs, n_prompt)):
        labels[row, start:len(seq)] = torch.tensor(seq[start:], dtype=torch.long)
    is_kl = [False] * (len(texts) - len(requests)) + [True] * len(requests)
    as_t = lambda x, dt=torch.long: torch.tensor(x, dtype=dt, device=device)  # noqa: E731
    return input_ids.to(device), mask.to(device), labels.to(device), as_t(owner), as_t(idx), as_t(is_kl, torch.bool)


def _logits_at(model, input_ids, mask, rows: torch.Tensor, cols: torch.Tensor, split: SubjectSplit | None = None,
               kept: torch.Tensor | None = None) -> torch.Tensor:
    """The model's logits at positions ``(rows[i], cols[i])`` only, ``[len(rows), vocab]``: the trunk runs on the
    batch, the LM head (and later the softmax) only where a target token or the KL distribution is read. With
    ``split`` the batch is the rows ``kept`` of the split's suffixes, run on their cached prefixes
    (:mod:`.subject_prefix`). Models whose logits need more than the head take the full forward."""
    trunk, head = trunk_and_head(model)
    if trunk is None:
        return model(input_ids=input_ids, attention_mask=mask).logits[rows, cols]
    if split is not None:
        hidden = trunk(**split.trunk_inputs(model, kept, input_ids.shape[1])).last_hidden_state
    else:
        hidden = trunk(input_ids=input_ids, attention_mask=mask).last_hidden_state
    return head(hidden[rows, cols])


def _optimize_chunk(model, tokenizer, requests, groups_of, kl_prompts, sites, cfg: TargetOptimization,
                    adaptive_nll: bool):
    device = next(model.parameters()).device
    input_ids, mask, labels, owner, idx, is_kl = _encode(tokenizer, requests, groups_of, kl_prompts, device)
    split = split_at_subject(model, input_ids, mask, labels, idx, pad_id_of(tokenizer))
    if split is not None:  # every row from the subject's last token on, which is then at column 0
        input_ids, mask, labels, idx = split.ids, split.mask, split.labels, torch.zeros_like(idx)
    n, rows = len(requests), torch.arange(len(owner), device=device)
    first_row = torch.stack([(owner == r).nonzero()[0, 0] for r in range(n)])
    deltas: dict[str, torch.Tensor] = {}
    init: dict[str, torch.Tensor] = {}
    seen: dict[str, torch.Tensor] = {}
    done = torch.zeros(n, dtype=torch.bool, device=device)
    history: list[list[float]] = [[] for _ in range(n)]
    factor_history: list[list[float]] = [[] for _ in range(n)]
    factor = torch.full((n,), cfg.nll_factor, device=device)  # NLL factor of the coming step, per request
    with torch.inference_mode(False), torch.enable_grad():
        # The first forward (δ = 0) gives v_init and the reference KL distribution.
        widths = {s: _site_width(model, s) for s in sites}
        plan = trunk_plan(model, sites)
        with torch.no_grad(), _add_at(model, sites, {s: torch.zeros(n, w, device=device) for s, w in widths.items()},
                                      rows, owner, idx, seen), recording(model, plan):
            kl_logits = _logits_at(model, input_ids, mask, rows[is_kl], idx[is_kl], split, rows)
        init_logp = torch.log_softmax(kl_logits.float(), dim=-1)
        for s in sites:
            init[s] = seen[s][first_row].float()
            deltas[s] = torch.zeros_like(init[s], requires_grad=True)
        optimizer = torch.optim.Adam(list(deltas.values()), lr=cfg.v_lr)
        for step in range(cfg.v_num_grad_steps):
            step_loss = _step_losses(model, plan, split, input_ids, mask, labels, owner, idx, is_kl, ~done, deltas,
                                     sites, init, init_logp, factor, cfg, adaptive_nll)
            loss, kl, argmax_ok = step_loss
            if not torch.isfinite(loss.detach()[~done]).all():
                raise FloatingPointError("non-finite loss in the target-vector optimisation")
            for r, (value, used) in enumerate(zip(loss.detach().tolist(), factor.tolist())):
                if not done[r]:
                    history[r].append(value)
                    factor_history[r].append(used)
            active = ~done
            done = done | (active & (loss.detach() < cfg.early_stop_loss))
            if adaptive_nll:  # PMET: decided on this step's logits, the new factor weighs the next step's loss
                done = done | (active & argmax_ok & (cfg.kl_factor * kl.detach() <= cfg.kl_stop))
                factor = torch.where(argmax_ok, 0.1 * cfg.nll_factor, cfg.nll_factor)
            if bool(done.all()) or step == cfg.v_num_grad_steps - 1:
                break
            frozen = {s: d.detach().clone() for s, d in deltas.items()}
            optimizer.zero_grad(set_to_none=True)
            loss[~done].sum().backward()
            optimizer.step()
            with torch.no_grad():
                for s, d in deltas.items():
                    d[done] = frozen[s][done]
                    limit = cfg.clamp_norm_factor * init[s].norm(dim=-1, keepdim=True)
                    norm = d.norm(dim=-1, keepdim=True)
                    d.mul_(torch.where(norm > limit, limit / norm.clamp(min=1e-12), torch.ones_like(norm)))
    return OptimizedTargets({s: v.detach() for s, v in init.items()}, {s: d.detach() for s, d in deltas.items()},
                            history, factor_history)


def _step_losses(model, plan: TrunkPlan, split: SubjectSplit | None, input_ids, mask, labels, owner, idx, is_kl,
                 active, deltas, sites, init, init_logp, factor, cfg: TargetOptimization, adaptive_nll: bool):
    """One step's per-request loss, KL and (PMET) whether every target token is the argmax, computed on the rows of
    the ``active`` requests only (the batch trimmed to their longest row), from the first block the δ changes
    (``plan``: :mod:`.cached_trunk`); finished requests get 0 (unused)."""
    n, device = len(active), input_ids.device
    keep = active[owner]
    kept = keep.nonzero().squeeze(-1)
    width = int(mask[kept].sum(-1).max())
    ids, att, lab = input_ids[kept, :width], mask[kept, :width], labels[kept, :width]
    own, at, kl_row = owner[kept], idx[kept], is_kl[kept]
    local = torch.arange(len(kept), device=device)
    seen: dict[str, torch.Tensor] = {}
    shifted = lab[:, 1:]
    t_rows, t_cols = (shifted != -100).nonzero(as_tuple=True)  # position t predicts token t + 1
    def add_deltas(hidden):  # every site's δ, added to the last replayed block's output
        added = sum(deltas[s][own] for s in sites).to(hidden.dtype)
        return hidden + torch.zeros_like(hidden).index_put((local, at), added)

    hooks = contextlib.nullcontext() if plan.add_at_last else _add_at(model, sites, deltas, local, own, at, seen)
    with hooks, replayed_blocks(model, plan, kept, width, add_deltas):
        logits = _logits_at(model, ids, att, torch.cat([t_rows, local[kl_row]]), torch.cat([t_cols, at[kl_row]]),
                            split, kept)
    n_t = len(t_rows)
    target_ids = shifted[t_rows, t_cols]
    picked = torch.log_softmax(logits[:n_t].float(), dim=-1).gather(-1, target_ids.unsqueeze(-1)).squeeze(-1)
    row_logp = torch.zeros(len(kept), device=device).index_add(0, t_rows, picked)
    row_count = torch.bincount(t_rows, minlength=len(kept)).clamp(min=1)
    row_nll = -row_logp / row_count
    rewrite = ~kl_row
    per_request = torch.zeros(n, device=device).index_add(0, own[rewrite], row_nll[rewrite])
    templates = torch.bincount(own[rewrite], minlength=n).clamp(min=1)
    nll = per_request / templates
    kl = torch.zeros(n, device=device)
    kl_logp = torch.log_softmax(logits[n_t:].float(), dim=-1)
    kl_owner = own[kl_row]
    kl = kl.index_put((kl_owner,), (kl_logp.exp() * (kl_logp - init_logp[kl_owner])).sum(-1))
    decay = sum(deltas[s].norm(dim=-1) / init[s].norm(dim=-1).clamp(min=1e-12) ** 2 for s in sites)
    loss = factor * nll + cfg.kl_factor * kl + cfg.v_weight_decay * decay
    argmax_ok = _targets_are_argmax(logits[:n_t], target_ids, own[t_rows], n) if adaptive_nll else None
    return loss, kl, argmax_ok


def _targets_are_argmax(target_logits: torch.Tensor, target_ids: torch.Tensor, request_of: torch.Tensor,
                        n: int) -> torch.Tensor:
    """Per request (``[n]`` bool): its target token is the argmax at every target position of every prompt
    (``target_logits[i]`` predicts ``target_ids[i]`` for request ``request_of[i]``)."""
    misses = (target_logits.argmax(-1) != target_ids).float()
    return torch.zeros(n, device=target_logits.device).index_add(0, request_of, misses) == 0


def _site_width(model, site: str) -> int:
    """Width of a site's output: a projection's output size, or the residual width for a decoder block."""
    module = model.get_submodule(site)
    if isinstance(module, torch.nn.Linear):
        return module.out_features
    if is_conv1d(module):
        return module.nf
    return model.config.hidden_size
