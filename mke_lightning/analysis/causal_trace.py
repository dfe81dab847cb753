"""Causal tracing (Meng et al., "Locating and Editing Factual Associations in GPT", NeurIPS 2022, §2.1;
methods.md §6.1): where in the network (layer × token) does the model recall a fact?

For a fact (prompt with subject s, answer o) the tracer runs the model three ways:

1. clean: records every layer's states and ``p(o)``;
2. corrupted: Gaussian noise ``N(0, (noise_scale·σ)²)`` is added to the token embeddings of the subject tokens
   (σ = standard deviation of the subject-token embeddings of the traced facts, ``noise_scale`` = 3 as in ROME),
   ``samples`` noise draws, giving ``p*(o)``;
3. corrupted-with-restoration: as 2, but the clean state of one module at one (token, layer) is written back; the
   recovered ``p(o)`` (averaged over the noise draws) shows how much that state carries the fact.

``kind`` picks the restored state: ``hidden`` (the residual stream = a block's output), ``mlp`` (the FFN output) or
``attn`` (the attention output), the latter two read at the output projections the architecture adapter names; for
``mlp``/``attn`` a ``window`` of consecutive layers centred on the layer is restored at once (ROME uses 10 of GPT-2
XL's 48 layers; our default 1 suits the 4-layer world models).

Decisions: ``p(o)`` of a multi-token answer is its teacher-forced per-token geometric mean
``exp(mean_t log p(o_t | prompt, o_<t))`` (the project's ES/PS use the same mean-token log-probability; for a
single-token answer it is ROME's ``p(o)``). Answers are appended with the language's separator as in scoring.
Only prompt tokens are restored. Averages over facts use ROME's token categories (plus "before subject" for prompts
that do not start with the subject); a single-token subject counts as both its first and its last token.
By default only facts the clean model gets right (greedy teacher-forced match on every answer token) are traced,
as ROME traces "known" facts; skipped facts are counted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import torch
from torch import nn

from mke_lightning.data.spans import subject_token_span
from mke_lightning.evaluation.scorer import batch_target_logprobs
from mke_lightning.models.adapter import ArchitectureAdapter
from mke_lightning.models.encoding import encode_prompt_target
from mke_lightning.models.hooks import hidden_of, hooked

KINDS = ("hidden", "mlp", "attn")
CATEGORIES = ("before subject", "first subject token", "middle subject tokens", "last subject token",
              "first subsequent token", "further tokens", "last token")


@dataclass(frozen=True)
class TraceSettings:
    """How facts are traced (see the module docstring)."""

    kinds: tuple[str, ...] = KINDS
    samples: int = 10
    window: int = 1
    batch_size: int = 128

    def __post_init__(self):
        unknown = set(self.kinds) - set(KINDS)
        if unknown or not self.kinds:
            raise ValueError(f"kinds must be a non-empty subset of {KINDS}, got {list(self.kinds)}")
        if self.samples < 1 or self.window < 1 or self.batch_size < 1:
            raise ValueError("samples, window and batch_size must be positive")


@dataclass
class FactTrace:
    """One traced fact: ``scores[kind]`` is a ``[prompt tokens, layers]`` grid of recovered ``p(o)``."""

    prompt: str
    answer: str
    tokens: list[str]
    subject_first: int
    subject_last: int
    clean: float
    corrupted: float
    scores: dict[str, list[list[float]]] = field(default_factory=dict)

    def categories(self) -> dict[str, list[int]]:
        """Prompt token indices of each of :data:`CATEGORIES`."""
        n, first, last = len(self.tokens), self.subject_first, self.subject_last
        after = list(range(last + 1, n - 1))
        cats = {"before subject": list(range(first)), "first subject token": [first],
                "middle subject tokens": list(range(first + 1, last)), "last subject token": [last],
                "first subsequent token": after[:1], "further tokens": after[1:],
                "last token": [n - 1] if n - 1 > last else []}
        return cats


def layer_names(model: nn.Module, kind: str) -> list[str]:
    """The module whose output is restored, for each layer: the block, or the output projection of its FFN or of
    its attention (the projections, not the sub-blocks: BLOOM's sub-blocks add the residual inside)."""
    adapter = ArchitectureAdapter(model)
    name = {"hidden": adapter.block_name, "mlp": adapter.ffn_out_name, "attn": adapter.attn_out_name}[kind]
    return [name(layer) for layer in range(adapter.num_layers)]


def subject_embedding_std(model: nn.Module, tokenizer, facts: Sequence[tuple[str, str, str, str]]) -> float:
    """Standard deviation of the token embeddings of the subjects of ``facts`` (prompt, subject, answer, lang)."""
    emb = model.get_input_embeddings().weight
    ids = []
    for prompt, subject, _, _ in facts:
        span = subject_token_span(tokenizer, prompt, subject)
        ids += tokenizer(prompt)["input_ids"][span.first: span.last + 1]
    return emb[torch.tensor(ids, device=emb.device)].float().std().item()


def _restore_plan(kind: str, layer: int, n_layers: int, window: int) -> range:
    if kind == "hidden":
        return range(layer, layer + 1)
    return range(max(0, layer - window // 2), min(n_layers, layer - (-window // 2)))


@torch.no_grad()
def trace_fact(model: nn.Module, tokenizer, prompt: str, subject: str, answer: str, lang: str, noise_std: float,
               settings: TraceSettings = TraceSettings(), generator: torch.Generator | None = None,
               only_known: bool = False) -> FactTrace | None:
    """Trace one fact; ``None`` when ``only_known`` and the clean model does not produce ``answer``."""
    device = next(model.parameters()).device
    batch = encode_prompt_target(tokenizer, [prompt], [answer], [lang]).to(device)
    n_prompt = len(tokenizer(prompt)["input_ids"])
    span = subject_token_span(tokenizer, prompt, subject)
    n_layers = ArchitectureAdapter(model).num_layers

    clean_states: dict[str, list[torch.Tensor]] = {kind: [None] * n_layers for kind in settings.kinds}
    names = {kind: layer_names(model, kind) for kind in settings.kinds}
    recorders = {names[kind][i]: (lambda _m, _a, out, k=kind, i=i: clean_states[k].__setitem__(i, hidden_of(out)[0]))
                 for kind in settings.kinds for i in range(n_layers)}
    with hooked(model, recorders):
        logits = model(input_ids=batch.input_ids, attention_mask=batch.attention_mask).logits
    targets = batch.labels[0, 1:]
    at = targets != -100
    if only_known and not torch.equal(logits[0, :-1][at].argmax(-1), targets[at]):
        return None
    clean = batch_target_logprobs(model, batch).exp().item()

    specs = [None] + [(kind, layer, pos) for kind in settings.kinds for layer in range(n_layers)
                      for pos in range(n_prompt)]
    rows = [(spec, s) for spec in specs for s in range(settings.samples)]
    emb_dim = model.get_input_embeddings().weight.shape[1]
    noise = torch.randn(settings.samples, span.last - span.first + 1, emb_dim, generator=generator) * noise_std
    noise = noise.to(device=device, dtype=model.get_input_embeddings().weight.dtype)
    results = torch.empty(len(rows))
    for start in range(0, len(rows), settings.batch_size):
        chunk = rows[start:start + settings.batch_size]
        results[start:start + len(chunk)] = _corrupted_run(model, batch, chunk, noise, span, names, clean_states,
                                                           n_layers, settings.window).cpu()
    per_spec = results.view(len(specs), settings.samples).mean(-1)
    scores = {kind: [[0.0] * n_layers for _ in range(n_prompt)] for kind in settings.kinds}
    for (kind, layer, pos), value in zip(specs[1:], per_spec[1:].tolist()):
        scores[kind][pos][layer] = value
    tokens = [tokenizer.decode([t]) for t in batch.input_ids[0, :n_prompt].tolist()]
    return FactTrace(prompt, answer, tokens, span.first, span.last, clean, per_spec[0].item(), scores)


def _corrupted_run(model, batch, chunk, noise, span, names, clean_states, n_layers, window) -> torch.Tensor:
    """``p(o)`` of each row of ``chunk`` = ``[(spec or None, noise sample)]``: subject embeddings noised, then the
    clean state of ``spec = (kind, layer, position)`` restored."""
    device = batch.input_ids.device
    n = len(chunk)
    sample_idx = torch.tensor([s for _, s in chunk], device=device)

    def add_noise(_m, _a, out):
        out = out.clone()
        out[:, span.first: span.last + 1] += noise[sample_idx]
        return out

    restore: dict[tuple[str, int], tuple[list[int], list[int]]] = {}
    for row, (spec, _) in enumerate(chunk):
        if spec is None:
            continue
        kind, layer, pos = spec
        for target_layer in _restore_plan(kind, layer, n_layers, window):
            rows_pos = restore.setdefault((kind, target_layer), ([], []))
            rows_pos[0].append(row)
            rows_pos[1].append(pos)

    def put_back(kind, layer, rows, positions):
        rows, positions = torch.tensor(rows, device=device), torch.tensor(positions, device=device)

        def hook(_m, _a, out):
            hidden_of(out)[rows, positions] = clean_states[kind][layer][positions]
            return out

        return hook

    embeddings = model.get_input_embeddings()
    hooks = {next(name for name, m in model.named_modules() if m is embeddings): add_noise}
    hooks.update({names[kind][layer]: put_back(kind, layer, *rp) for (kind, layer), rp in restore.items()})
    with hooked(model, hooks):
        expanded = type(batch)(batch.input_ids.expand(n, -1), batch.attention_mask.expand(n, -1),
                               batch.labels.expand(n, -1))
        return batch_target_logprobs(model, expanded).exp()


def average_traces(traces: Sequence[FactTrace], effect: bool = False) -> dict[str, dict[str, list[float]]]:
    """``{kind: {category: [mean recovered p(o) per layer]}}`` over facts (categories no fact has are left out).

    With ``effect``, each fact's corrupted ``p*(o)`` is subtracted first (ROME's indirect effect): categories that
    only some facts have (middle subject tokens, tokens before the subject) are then comparable with the others.
    """
    if not traces:
        raise ValueError("no traced facts to average")
    out: dict[str, dict[str, list[float]]] = {}
    for kind in traces[0].scores:
        n_layers = len(traces[0].scores[kind][0])
        per_cat: dict[str, list[list[float]]] = {c: [] for c in CATEGORIES}
        for trace in traces:
            for cat, positions in trace.categories().items():
                if positions:
                    grid = torch.tensor([trace.scores[kind][p] for p in positions]) - effect * trace.corrupted
                    per_cat[cat].append(grid.mean(0).tolist())
        out[kind] = {c: torch.tensor(v).mean(0).tolist() for c, v in per_cat.items() if v}
        assert all(len(v) == n_layers for v in out[kind].values())
    return out


def best_layer(average: dict[str, dict[str, list[float]]], kind: str = "mlp",
               category: str = "last subject token") -> int:
    """The layer where restoring ``kind`` at ``category`` recovers the most (ROME's edit-layer heuristic); pass the
    ``effect=True`` average."""
    values = average[kind][category]
    return max(range(len(values)), key=values.__getitem__)
