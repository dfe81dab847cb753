"""``mke covariance``: time the covariance statistics of a model, one forward pass for all layers vs one pass per
layer (as the reference implementations do), in one run, check both give identical statistics, then fill and
re-read the on-disk cache. Prints a table and writes JSON.

Run it twice: on the second run the first ``get`` already hits the disk cache.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Sequence

from mke_lightning.commands.output import write_json


def covariance(model: str = "checkpoints/world-gpt2", layers: Sequence[int] | None = None, corpus: str = "world",
               n_samples: int = 10_000, dtype: str = "float32", max_length: int = 128, batch_size: int = 16,
               cache_dir: str | None = None, device: str = "cpu", progress: bool = True,
               repeats: int = 1, output: str | None = "runs/covariance.json") -> dict:
    """Benchmark :class:`~mke_lightning.editors.shared.covariance.CovarianceCache` on ``model``.

    Args:
        model: a local HF directory or hub id.
        layers: layers to compute (default: all).
        corpus: as for ``CovarianceCache`` (``world``, a local file/directory, or a ``datasets`` hub id).
        n_samples: texts of the corpus.
        dtype: accumulation dtype (``float32`` or ``float64``).
        max_length: tokens per text at most.
        batch_size: texts per forward pass.
        cache_dir: the on-disk cache (default: ``$MKE_CACHE_DIR/covariance`` or ``~/.cache/mke_lightning/covariance``).
        device: ``cpu``, ``cuda`` or ``cuda:N``.
        progress: show progress bars.
        repeats: time each way this many times (alternating which goes first) and report the medians.
        output: JSON file for the figures (``None``: print only).
    """
    import torch

    from mke_lightning.editors.shared import CovarianceCache, model_fingerprint
    from mke_lightning.editors.shared.covariance import CovarianceOptions
    from mke_lightning.models.adapter import ArchitectureAdapter
    from mke_lightning.models.loading import load_causal_lm

    if repeats < 1:
        raise ValueError(f"repeats must be positive, got {repeats}")
    lm, tokenizer = load_causal_lm(model)
    lm.to(device)
    layers = list(range(ArchitectureAdapter(lm).num_layers)) if layers is None else list(layers)

    def cache() -> CovarianceCache:
        return CovarianceCache(CovarianceOptions(corpus, n_samples, dtype, cache_dir), max_length=max_length,
                               batch_size=batch_size, progress=progress)

    def synced() -> float:
        if torch.cuda.is_available():
            torch.cuda.synchronize()
        return time.perf_counter()

    t0 = synced()
    fingerprint = model_fingerprint(lm)
    fingerprint_s = synced() - t0
    one_times, per_times = [], []
    for repeat in range(repeats):  # alternate the order, so drifting machine load does not favour one side
        for one_pass in (True, False) if repeat % 2 == 0 else (False, True):
            stats, report = cache().compute(lm, tokenizer, layers, one_pass=one_pass)
            (one_times if one_pass else per_times).append(sum(p["seconds"] for p in report["passes"]))
            if one_pass:
                one, one_report = stats, report
            else:
                per, per_report = stats, report
    identical = all(torch.equal(one[layer], per[layer]) for layer in one)
    runs = []
    for _ in range(2):  # the first may compute (cold cache), the second reads the disk (a fresh object: no memory)
        c = cache()
        t0 = synced()
        got = c.get(lm, tokenizer, layers, fingerprint=fingerprint)
        runs.append({"seconds": synced() - t0, "loaded": c.last_report["loaded"],
                     "computed": c.last_report["computed"]})
    from_cache_matches = all(torch.equal(got[layer], one[layer].float()) for layer in one)
    one_s, per_s = statistics.median(one_times), statistics.median(per_times)
    result = {"model": model, "device": str(next(lm.parameters()).device), "layers": layers, "corpus": corpus,
              "n_samples": n_samples, "texts": one_report["texts"], "tokens": one_report["tokens"], "dtype": dtype,
              "max_length": max_length, "effective_length": cache().effective_length(lm), "batch_size": batch_size, "fingerprint": fingerprint,
              "fingerprint_s": fingerprint_s, "tokenize_s": one_report["tokenize_s"], "one_pass_s": one_s,
              "per_layer_s": per_s, "repeats": repeats, "one_pass_runs_s": one_times,
              "per_layer_runs_s": per_times, "per_layer_passes": per_report["passes"], "speedup": per_s / one_s,
              "identical": identical, "cache_get": runs, "cache_matches_compute": from_cache_matches,
              "cache_dir": str(cache().cache_dir)}
    print(f"{model} on {result['device']}: {len(layers)} layers, {result['texts']} texts, {result['tokens']} tokens "
          f"({corpus}, max_length {result['effective_length']}, {dtype})")
    print("| what | seconds |\n|---|---|")
    median = f" (median of {repeats})" if repeats > 1 else ""
    print(f"| one pass, all {len(layers)} layers{median} | {one_s:.2f} |")
    print(f"| one pass per layer ({len(layers)} passes){median} | {per_s:.2f} |")
    for p in per_report["passes"]:
        print(f"|   layer {p['layers'][0]} | {p['seconds']:.2f} |")
    for i, run in enumerate(runs, 1):
        print(f"| cache get #{i} (loaded {run['loaded']}, computed {run['computed']}) | {run['seconds']:.3f} |")
    print(f"| model fingerprint | {fingerprint_s:.3f} |")
    print(f"per-layer / one-pass: {result['speedup']:.2f}x; statistics identical: {identical}; "
          f"cache == computed: {from_cache_matches}")
    write_json(output, result)
    return result
