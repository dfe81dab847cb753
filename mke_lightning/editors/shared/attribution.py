"""Integrated-gradients attribution of a fact to FFN neurons, written once for KN, MEMLA and LAFN.

Papers: Dai et al. 2022, "Knowledge Neurons in Pretrained Transformers" (ACL; methods.md §9.1); MEMLA (Xie et al.
2024, ``jiakuan01/memla4mke``, methods.md §10.1) and LAFN (Zhang et al., COLING 2025, methods.md §11) locate
neurons the same way. A *neuron* of layer ℓ is one coordinate of the FFN intermediate activation, i.e. of the
**input of the FFN output projection** (:meth:`~mke_lightning.models.adapter.ArchitectureAdapter.ffn_out`, width
``d_ff``), at one token position.

For a prompt, its target, a layer ℓ and a position ``p``, with ``a`` the real activation at ``p`` and ``a'`` a
baseline::

    attr_i = (a_i − a'_i) · 1/m · Σ_k ∂F(a' + α_k (a − a'))/∂a_i

where ``F`` is the target score with the activation at ``p`` (and only there) replaced by its argument. For each
step, the scaled activation is written into the out-projection's input by a forward **pre-hook** at position ``p``
of that row only; all other positions and layers keep the activations the (partly replaced) forward computes. Rows
of all requested layers × items × baselines × steps are run in **batched** forwards (chunks of ``batch_size`` rows;
one pre-hook per requested layer acts on its own rows), after one clean forward that reads ``a``. Gradients are
taken with ``torch.autograd.grad`` w.r.t. the scaled activations only: parameters never receive ``.grad``, the
model is left in its training mode and no hook outlives the call (:func:`~mke_lightning.models.hooks.hooked`).
Completeness holds: ``Σ_i attr_i → F(a) − F(a')`` as ``m`` grows (tests check it on GPT-2 and LLaMA).

Decisions (methods.md §14 items 8, 9, 10):

* **Score F** (``score``): ``"prob"`` (default) is the *probability* ``P(y | prefix)`` of the answer token, as in
  Dai et al., the EleutherAI/EasyEdit ports and MEMLA (methods.md §9.1, §10.1). ``"logprob"`` (``log P``) is
  offered for methods that want a log-likelihood attribution (LAFN is not code-verified).
* **Multi-token targets** (``tokens``): ``"each"`` (default) is the reference ports' rule (methods.md §9.1): for
  each target token ``y_j`` the prefix is ``prompt + y_<j`` and ``F = P(y_j | prefix)``; the attributions of the
  target's tokens are **averaged**. Unlike EleutherAI/EasyEdit/MEMLA, which append the model's *greedy* token,
  we append the **gold** target tokens (teacher forcing, the package's encoding
  :func:`~mke_lightning.models.encoding.encode_prompt_target`: prompt and ``separator + target`` tokenized apart),
  so the attribution is of the fact asked for and deterministic. ``"first"`` scores the first target token only
  (Dai et al.'s single-token answers). A single-token target gives the same result either way.
* **Position** (``position``): ``"last"`` (default) is the last token of the prefix, the prediction position of
  causal LMs (KN, MEMLA); with ``tokens="each"`` it moves along with the prefix. ``"subject_last"`` is the
  subject's last token in the prompt (LAFN's update position; needs ``subjects``), fixed for every target token.
* **Grid** (``grid``): ``α_k = k/m``, ``k = 1..m`` (``"right"``, default: right Riemann sum, the path ends at the
  real activation), ``k = 0..m−1`` (``"left"``: Dai et al.'s code) or ``(k − ½)/m`` (``"midpoint"``: the most
  accurate for a given ``m``). EleutherAI's ``linspace(0, 1, m)`` is not offered.
* **Baseline** (``baseline``): ``"zero"`` (default, Dai et al.). ``"sig"`` is MEMLA's baseline: for every token
  ``j`` of the prefix, the activation ``b_j`` at ``p`` with token ``j`` replaced by EOS, one path per ``j``,
  attributions averaged over ``j``; we multiply by ``(a − b_j)`` (proper IG, so completeness holds) where the
  MEMLA code multiplies by ``a``. It costs ``len(prefix)`` times more.
* Output: per layer a ``[n_prompts, d_ff]`` tensor on CPU, float32 (float64 for a float64 model); sums are
  accumulated in float64.

:class:`AttributionCache` caches results on disk, one file per layer, keyed like
:class:`~mke_lightning.editors.shared.covariance.CovarianceCache`: the model's weights fingerprint, then a digest of
the tokenizer fingerprint, the settings and the exact inputs; files are written atomically.

Cost: ``len(layers) × n_items × n_baselines × steps`` forward+backward rows (``n_items`` = prompts, × target tokens
with ``tokens="each"``), plus one clean forward per item (and one per baseline for ``"sig"``).
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import torch
from torch import nn

from mke_lightning.editors.shared.disk_cache import (
    atomic_torch_save,
    default_cache_dir,
    load_cached_layers,
    settings_digest,
)
from mke_lightning.editors.shared.fingerprint import model_fingerprint, tokenizer_fingerprint
from mke_lightning.models.adapter import ArchitectureAdapter
from mke_lightning.models.encoding import targets_token_ids, trunk_and_head
from mke_lightning.models.hooks import hooked
from mke_lightning.models.padding import pad_batch, pad_id_of

log = logging.getLogger(__name__)

#: bump when the way attributions are computed changes, so old cache files are not reused.
ATTRIBUTION_VERSION = 1
Score = Literal["prob", "logprob"]
Tokens = Literal["each", "first"]
Position = Literal["last", "subject_last"]
Grid = Literal["right", "left", "midpoint"]
Baseline = Literal["zero", "sig"]
_CHOICES = {"score": ("prob", "logprob"), "tokens": ("each", "first"), "position": ("last", "subject_last"),
            "grid": ("right", "left", "midpoint"), "baseline": ("zero", "sig")}
_GRID_OFFSET = {"right": 1.0, "left": 0.0, "midpoint": 0.5}


@dataclass(frozen=True)
class AttributionItem:
    """One attribution unit: ``ids`` (the prefix) predicts ``target`` at its last token; the neuron activation is
    scaled at ``position``; ``prompt`` is the index of the prompt the item belongs to."""

    ids: tuple[int, ...]
    position: int
    target: int
    prompt: int


def _check(name: str, value) -> None:
    if value not in _CHOICES[name]:
        raise ValueError(f"{name} must be one of {_CHOICES[name]}, got {value!r}")


def alphas(steps: int, grid: Grid = "right") -> torch.Tensor:
    """The ``steps`` interpolation coefficients of ``grid`` (float64)."""
    _check("grid", grid)
    if steps <= 0:
        raise ValueError(f"steps must be positive, got {steps}")
    return (torch.arange(steps, dtype=torch.float64) + _GRID_OFFSET[grid]) / steps


def attribution_items(tokenizer, prompts: Sequence[str], targets: Sequence[str], langs: Sequence[str],
                      tokens: Tokens = "each", position: Position = "last",
                      subjects: Sequence[str] | None = None) -> list[AttributionItem]:
    """The items of each (prompt, target) pair, in the package's prompt + target encoding."""
    _check("tokens", tokens)
    _check("position", position)
    if not len(prompts) == len(targets) == len(langs):
        raise ValueError("prompts, targets and langs must have the same length")
    if position == "subject_last":
        if subjects is None or len(subjects) != len(prompts):
            raise ValueError("position='subject_last' needs one subject per prompt")
        from mke_lightning.data.spans import subject_token_span

        subject_pos = [subject_token_span(tokenizer, p, s).last for p, s in zip(prompts, subjects)]
    prompt_ids = tokenizer(list(prompts))["input_ids"] if prompts else []
    items = []
    for i, (p_ids, t_ids) in enumerate(zip(prompt_ids, targets_token_ids(tokenizer, targets, langs))):
        if not p_ids:
            raise ValueError(f"prompt {prompts[i]!r} encodes to no token")
        for j in range(len(t_ids) if tokens == "each" else 1):
            ids = tuple(p_ids) + tuple(t_ids[:j])
            pos = len(ids) - 1 if position == "last" else subject_pos[i]
            items.append(AttributionItem(ids, pos, t_ids[j], i))
    return items


def _target_scores(model: nn.Module, ids: torch.Tensor, mask: torch.Tensor, last: torch.Tensor,
                   target: torch.Tensor, score: Score) -> torch.Tensor:
    """``F`` per row: P (or log P) of ``target`` at position ``last``; the LM head only at that position."""
    rows = torch.arange(ids.shape[0], device=ids.device)
    trunk, head = trunk_and_head(model)
    if trunk is None:
        logits = model(input_ids=ids, attention_mask=mask, use_cache=False).logits[rows, last]
    else:
        hidden = trunk(input_ids=ids, attention_mask=mask, use_cache=False).last_hidden_state
        logits = head(hidden[rows, last])
    logits = logits.to(torch.promote_types(logits.dtype, torch.float32))
    logp = torch.log_softmax(logits, dim=-1).gather(-1, target.unsqueeze(-1)).squeeze(-1)
    return logp.exp() if score == "prob" else logp


def _batch(items: Sequence[AttributionItem], pad_id: int, device, ids_override: Sequence[Sequence[int]] | None = None):
    seqs = ids_override if ids_override is not None else [it.ids for it in items]
    ids, mask = pad_batch(seqs, pad_id, "right")
    last = torch.tensor([len(s) - 1 for s in seqs], device=device)
    pos = torch.tensor([it.position for it in items], device=device)
    target = torch.tensor([it.target for it in items], device=device)
    return ids.to(device), mask.to(device), last, pos, target


@torch.no_grad()
def _read_activations(model, adapter, items, layers, pad_id, batch_size, device,
                      seqs: Sequence[Sequence[int]] | None = None) -> dict[int, torch.Tensor]:
    """``{layer: [n, d_ff]}``: the out-projection input of each layer at each item's position (clean forwards;
    ``seqs`` replaces the items' token ids, e.g. for the SIG baselines)."""
    out: dict[int, list[torch.Tensor]] = {layer: [] for layer in layers}
    now: dict[str, torch.Tensor] = {}

    def reader(layer: int):
        def hook(_module, args):
            rows = torch.arange(args[0].shape[0], device=args[0].device)
            out[layer].append(args[0][rows, now["pos"]].detach())
        return hook

    trunk, _head = trunk_and_head(model)
    with hooked(model, {adapter.ffn_out_name(layer): reader(layer) for layer in layers}, "pre"):
        for start in range(0, len(items), batch_size):
            chunk = items[start:start + batch_size]
            ids, mask, last, now["pos"], _ = _batch(chunk, pad_id, device,
                                                    None if seqs is None else seqs[start:start + batch_size])
            (trunk or model)(input_ids=ids, attention_mask=mask, use_cache=False)
    return {layer: torch.cat(vals) for layer, vals in out.items()}


def integrated_gradients(model: nn.Module, tokenizer, prompts: Sequence[str], targets: Sequence[str],
                         langs: Sequence[str], layers: Sequence[int], steps: int = 20, batch_size: int = 64,
                         baseline: Baseline = "zero", position: Position = "last", tokens: Tokens = "each",
                         score: Score = "prob", grid: Grid = "right",
                         subjects: Sequence[str] | None = None) -> dict[int, torch.Tensor]:
    """``{layer: [n_prompts, d_ff]}``: integrated-gradients attribution of each target's score to each neuron.

    Args:
        model: a HF causal LM supported by :class:`~mke_lightning.models.adapter.ArchitectureAdapter`.
        tokenizer: its tokenizer.
        prompts, targets, langs: the facts; each target follows its prompt after the language's separator.
        layers: layer indices (negative count from the end); each layer is attributed separately.
        steps: ``m``, the number of points of the Riemann sum (KN, MEMLA: 20).
        batch_size: rows (layer × item × baseline × step) per forward; results do not depend on it.
        baseline: ``"zero"`` (KN) or ``"sig"`` (MEMLA; see the module docstring).
        position: ``"last"`` (last prefix token) or ``"subject_last"`` (needs ``subjects``).
        tokens: ``"each"`` (mean over the target's tokens, gold prefix) or ``"first"``.
        score: ``"prob"`` (the papers) or ``"logprob"``.
        grid: ``"right"`` (``k/m``, ``k = 1..m``), ``"left"`` or ``"midpoint"``.
        subjects: one per prompt, for ``position="subject_last"``.
    """
    for name, value in (("baseline", baseline), ("score", score)):
        _check(name, value)
    if batch_size <= 0:
        raise ValueError(f"batch_size must be positive, got {batch_size}")
    coeffs = alphas(steps, grid)
    adapter = ArchitectureAdapter(model)
    wanted = adapter.resolve_layers(layers)
    items = attribution_items(tokenizer, prompts, targets, langs, tokens, position, subjects)
    d_ff = adapter.ffn_dims(wanted[0])[1]
    param = next(model.parameters())
    device, act_dtype = param.device, param.dtype
    out_dtype = torch.promote_types(act_dtype, torch.float32)
    pad_id = pad_id_of(tokenizer)
    was_training = model.training
    model.eval()
    try:
        real = _read_activations(model, adapter, items, wanted, pad_id, batch_size, device)
        # baselines[layer][item]: [n_baselines, d_ff]
        if baseline == "zero":
            bases = {layer: [torch.zeros(1, d_ff, dtype=act_dtype, device=device) for _ in items]
                     for layer in wanted}
        else:
            bases = _sig_baselines(model, adapter, tokenizer, items, wanted, pad_id, batch_size, device)
        # one row per (layer, item, baseline, step)
        rows = [(layer, i, b, k) for layer in wanted for i in range(len(items))
                for b in range(bases[layer][i].shape[0]) for k in range(steps)]
        per_item = {layer: torch.zeros(len(items), d_ff, dtype=torch.float64) for layer in wanted}
        with torch.enable_grad():
            for start in range(0, len(rows), batch_size):
                _ig_chunk(model, adapter, items, rows[start:start + batch_size], real, bases, coeffs, score,
                          pad_id, device, per_item)
    finally:
        model.train(was_training)
    index = torch.tensor([it.prompt for it in items], dtype=torch.long)
    counts = torch.bincount(index, minlength=len(prompts))
    result = {}
    for layer in wanted:
        summed = torch.zeros(len(prompts), d_ff, dtype=torch.float64).index_add_(0, index, per_item[layer])
        result[layer] = (summed / counts.clamp(min=1).unsqueeze(-1).double()).to(out_dtype)
    return result


def _sig_baselines(model, adapter, tokenizer, items, layers, pad_id, batch_size, device):
    """MEMLA's SIG baselines: for each item and token j of its prefix, the activation with token j set to EOS."""
    eos = tokenizer.eos_token_id
    if eos is None:
        raise ValueError("baseline='sig' needs a tokenizer with an EOS token")
    flat_items, seqs, owner = [], [], []
    for i, it in enumerate(items):
        for j in range(len(it.ids)):
            seqs.append(it.ids[:j] + (eos,) + it.ids[j + 1:])
            flat_items.append(it)
            owner.append(i)
    acts = _read_activations(model, adapter, flat_items, layers, pad_id, batch_size, device, seqs)
    owner_t = torch.tensor(owner)
    return {layer: [acts[layer][owner_t == i] for i in range(len(items))] for layer in layers}


def _ig_chunk(model, adapter, items, chunk, real, bases, coeffs, score, pad_id, device, per_item) -> None:
    """One batched forward + backward over ``chunk`` rows; adds each row's ``(a − b) · grad / (m · n_b)``."""
    steps = len(coeffs)
    batch_items = [items[i] for _layer, i, _b, _k in chunk]
    ids, mask, last, pos, target = _batch(batch_items, pad_id, device)
    leaves, row_sel, diffs = {}, {}, {}
    for layer in {row[0] for row in chunk}:
        sel = [r for r, row in enumerate(chunk) if row[0] == layer]
        a = torch.stack([real[layer][chunk[r][1]] for r in sel])
        b = torch.stack([bases[layer][chunk[r][1]][chunk[r][2]] for r in sel])
        alpha = coeffs[[chunk[r][3] for r in sel]].to(device=device, dtype=a.dtype).unsqueeze(-1)
        leaves[layer] = (b + alpha * (a - b)).detach().requires_grad_(True)
        row_sel[layer] = torch.tensor(sel, device=device)
        n_base = torch.tensor([bases[layer][chunk[r][1]].shape[0] for r in sel], device=device)
        diffs[layer] = (a - b).to(torch.float64) / (steps * n_base.to(torch.float64)).unsqueeze(-1)

    def replacer(layer: int):
        def hook(_module, args):
            h = args[0]
            sel = row_sel[layer]
            h = h.index_put((sel, pos[sel]), leaves[layer].to(h.dtype))
            return (h, *args[1:])
        return hook

    with hooked(model, {adapter.ffn_out_name(layer): replacer(layer) for layer in leaves}, "pre"):
        total = _target_scores(model, ids, mask, last, target, score).sum()
    order = sorted(leaves)
    grads = torch.autograd.grad(total, [leaves[layer] for layer in order])
    for layer, grad in zip(order, grads):
        contrib = (diffs[layer] * grad.to(torch.float64)).cpu()
        index = torch.tensor([chunk[r][1] for r in row_sel[layer].tolist()], dtype=torch.long)
        per_item[layer].index_add_(0, index, contrib)


def inputs_digest(prompts: Sequence[str], targets: Sequence[str], langs: Sequence[str],
                  subjects: Sequence[str] | None = None) -> str:
    """SHA-256 (hex, 16 digits) of the exact inputs, in order."""
    payload = json.dumps([list(prompts), list(targets), list(langs), None if subjects is None else list(subjects)],
                         ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


class AttributionCache:
    """:func:`integrated_gradients` with an on-disk cache, one file per layer.

    Usage: ``AttributionCache(steps=20).get(model, tokenizer, prompts, targets, langs, layers=[0, 1])`` returns
    ``{0: [n, d_ff], 1: [n, d_ff]}``. Layers already on disk are loaded; the missing ones are computed together.
    After each ``get``, :attr:`last_report` says which layers were ``loaded`` and which ``computed``, and how long
    it took. ``batch_size`` is not part of the key (results do not depend on it).
    """

    def __init__(self, cache_dir: str | None = None, steps: int = 20, batch_size: int = 64,
                 baseline: Baseline = "zero", position: Position = "last", tokens: Tokens = "each",
                 score: Score = "prob", grid: Grid = "right"):
        for name, value in (("baseline", baseline), ("position", position), ("tokens", tokens), ("score", score),
                            ("grid", grid)):
            _check(name, value)
        if steps <= 0 or batch_size <= 0:
            raise ValueError(f"steps and batch_size must be positive, got {steps} and {batch_size}")
        self.steps, self.batch_size, self.baseline, self.position = steps, batch_size, baseline, position
        self.tokens, self.score, self.grid = tokens, score, grid
        self.cache_dir = Path(cache_dir).expanduser() if cache_dir else default_cache_dir("attribution")
        self.last_report: dict = {}

    def _settings(self, tokenizer, prompts, targets, langs, subjects) -> dict:
        return {"version": ATTRIBUTION_VERSION, "tokenizer": tokenizer_fingerprint(tokenizer), "steps": self.steps,
                "baseline": self.baseline, "position": self.position, "tokens": self.tokens, "score": self.score,
                "grid": self.grid, "inputs": inputs_digest(prompts, targets, langs, subjects)}

    def cache_path(self, fingerprint: str, settings: dict, layer: int) -> Path:
        return self.cache_dir / fingerprint / f"layer{layer}-{settings_digest(settings)}.pt"

    def get(self, model: nn.Module, tokenizer, prompts: Sequence[str], targets: Sequence[str], langs: Sequence[str],
            layers: Sequence[int], subjects: Sequence[str] | None = None,
            fingerprint: str | None = None) -> dict[int, torch.Tensor]:
        """``{layer: [n_prompts, d_ff]}`` (CPU); ``fingerprint``: the model's :func:`model_fingerprint` when the caller
        already has it (computed once on the unedited model), else computed from the current weights."""
        t0 = time.perf_counter()
        wanted = ArchitectureAdapter(model).resolve_layers(layers)
        fingerprint = fingerprint or model_fingerprint(model)
        settings = self._settings(tokenizer, prompts, targets, langs, subjects)
        paths = {layer: self.cache_path(fingerprint, settings, layer) for layer in wanted}
        result, missing = load_cached_layers(paths, lambda path: self._load(path, len(prompts)))
        report: dict = {"loaded": sorted(result), "computed": missing}
        if missing:
            log.info("attribution: computing layers %s for %d prompts (%d steps)", missing, len(prompts), self.steps)
            computed = integrated_gradients(model, tokenizer, prompts, targets, langs, missing, self.steps,
                                            self.batch_size, self.baseline, self.position, self.tokens, self.score,
                                            self.grid, subjects)
            for layer, attr in computed.items():
                atomic_torch_save({"attribution": attr, "layer": layer, "fingerprint": fingerprint,
                                   "settings": settings}, paths[layer])
                result[layer] = attr
        report["seconds"] = time.perf_counter() - t0
        self.last_report = report
        return {layer: result[layer] for layer in wanted}

    @staticmethod
    def _load(path: Path, n_prompts: int) -> torch.Tensor | None:
        if not path.is_file():
            return None
        try:
            attr = torch.load(path, map_location="cpu", weights_only=True)["attribution"]
        except Exception as err:  # noqa: BLE001 - an unreadable cache file is recomputed, not fatal
            log.warning("attribution: ignoring unreadable cache file %s (%s); recomputing", path, err)
            return None
        return attr if attr.shape[0] == n_prompts else None
