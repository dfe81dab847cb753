"""What an evaluation's figures rest on: cases per language and pair, and the metrics the data could not give."""

from __future__ import annotations

from mke_lightning.metrics import CrossLingualMetrics

#: Why a metric can have no value: the fields of a case it needs.
NEEDS = {"es": "target_true", "ps": "target_true and paraphrases", "ns": "neighborhood prompts",
         "qs": "multihop questions", "rel_f1": "a prompt", "gen_f1": "paraphrases",
         "loc_f1": "neighborhood prompts"}


def unscored_metrics(collection: CrossLingualMetrics) -> dict[str, str]:
    """``{metric: reason}`` for each computed metric that no (source, target) cell got a value for."""
    out = {}
    for metric in collection.metric_names:
        if not any(collection.metric_count(metric, s, t) for s in collection.src for t in collection.tgt):
            out[metric] = f"no scored case has {NEEDS.get(metric, 'what it needs')}"
    return out


def counts_summary(counts: dict[str, dict[str, int]]) -> str:
    """One line: cases edited per source language, and the range of cases scored per pair."""
    edited = ", ".join(f"{s} {n}" for s, n in counts["edited"].items())
    scored = counts["scored"].values()
    pairs = f"{min(scored)}–{max(scored)}" if min(scored) != max(scored) else f"{min(scored)}"
    missing = [pair for pair, n in counts["scored"].items() if n == 0]
    text = f"{sum(counts['edited'].values())} edits scored (per source language: {edited}); cases per pair: {pairs}"
    return text + (f"; pairs with no case: {', '.join(missing)}" if missing else "")
