"""Reading finished runs for ``mke compare``: what each run is (editor, model, data, seed) and what it measured.

A run is a folder a ``mke test`` / ``validate`` / ``fit`` wrote (``runs/NAME/version_N``): its metric values come
from ``edit_metrics.json`` (the last evaluation of each stage, with the number of edits behind it) or, where that
file is missing or ``source="events"`` is asked, from its TensorBoard event files through TensorBoard's own reader
(the last logged step of each tag). What the run is comes from the hyperparameters the evaluation callback logs to
TensorBoard (editor, its options, the data options, the seed), else from the ``config.yaml`` LightningCLI saves.

Decisions:

* the seed of a run that tests a trained editor (``--ckpt_path``) is the seed of the run that trained the checkpoint
  when that run's folder can be read (the test run's own seed only orders the cases, it changes no weight);
* two runs are seeds of one configuration when their hyperparameters are equal except for the seed.
"""

from __future__ import annotations

import ast
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Source = Literal["auto", "json", "events"]
RESULTS_FILE = "edit_metrics.json"
#: Hyperparameters that do not make a configuration (its seeds are grouped).
SEED_KEYS = ("seed_everything",)


@dataclass
class RunResult:
    """One stage of one run: ``values`` maps ``metric/mono``, ``metric/cross`` and ``metric/src-tgt`` to a value."""

    path: str
    name: str
    stage: str
    values: dict[str, float]
    hparams: dict[str, str] = field(default_factory=dict)
    seed: str | None = None
    edits: int | None = None
    step: int | None = None
    source: str = RESULTS_FILE

    @property
    def editor(self) -> str:
        return self.hparams.get("editor") or self.hparams.get("_class_path", "?").rsplit(".", 1)[-1]

    @property
    def model(self) -> str:
        path = self.hparams.get("model_name_or_path")
        return Path(path).name if path else "?"

    @property
    def data(self) -> str:
        path = self.hparams.get(f"data/{self.stage}_path") or self.hparams.get("data/test_path")
        reader = self.hparams.get("data/reader")
        where = "/".join(Path(path).parts[-2:]) if path and path != "None" else "?"
        return where if reader in (None, "None") else f"{where} ({reader})"

    def configuration(self) -> str:
        """What the run's seeds share: the stage and every hyperparameter but the seed."""
        kept = {k: v for k, v in sorted(self.hparams.items()) if k not in SEED_KEYS}
        return json.dumps([self.stage, kept])


def find_run_dirs(paths: list[str]) -> list[str]:
    """The run folders in ``paths`` (each a run folder, its ``edit_metrics.json``, or a folder of runs searched
    recursively), in the order given, each once."""
    found: list[str] = []
    for given in paths:
        path = Path(given)
        if path.is_file() and path.name == RESULTS_FILE:
            path = path.parent
        if not path.exists():
            raise FileNotFoundError(f"{given}: no such run folder or log folder")
        here = [root for root, _dirs, files in sorted(os.walk(path))
                if RESULTS_FILE in files or any(f.startswith("events.out.tfevents") for f in files)]
        if not here:
            raise FileNotFoundError(f"{given}: holds no run (no {RESULTS_FILE} and no TensorBoard event file)")
        found += [str(Path(p)) for p in sorted(here) if str(Path(p)) not in found]
    return found


def _run_name(run_dir: str) -> str:
    parts = Path(run_dir).resolve().parts
    return "/".join(parts[-2:])


def _events_accumulator(run_dir: str):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    accumulator = EventAccumulator(run_dir, size_guidance={"scalars": 0, "tensors": 0})
    accumulator.Reload()
    return accumulator


def _event_hparams(accumulator) -> dict[str, str]:
    """The hyperparameters of the run's HParams summary (every value as text)."""
    from tensorboard.plugins.hparams import plugin_data_pb2

    try:
        start = accumulator.PluginTagToContent("hparams").get("_hparams_/session_start_info")
    except KeyError:  # the run logged no hyperparameters
        return {}
    if start is None:
        return {}
    out = {}
    for key, value in plugin_data_pb2.HParamsPluginData.FromString(start).session_start_info.hparams.items():
        kind = value.WhichOneof("kind")
        raw = getattr(value, kind) if kind else None
        out[key] = str(int(raw)) if isinstance(raw, float) and raw.is_integer() else str(raw)
    return out


def _config_hparams(run_dir: str) -> dict[str, str]:
    """The same keys from LightningCLI's ``config.yaml`` (for runs whose events hold no HParams summary)."""
    path = Path(run_dir) / "config.yaml"
    if not path.is_file():
        return {}
    import yaml

    config = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    model, data = config.get("model") or {}, config.get("data") or {}
    out = {"_class_path": str(model.get("class_path", "?"))}
    out.update({k: str(v) for k, v in (model.get("init_args") or {}).items()})
    out.update({f"data/{k}": str(v) for k, v in (data.get("init_args") or {}).items()})
    if "seed_everything" in config:
        out["seed_everything"] = str(config["seed_everything"])
    return out


def _training_seed(run_dir: str) -> str | None:
    """The seed of the run that trained the ``ckpt_path`` this run loaded (``None``: no checkpoint or unreadable)."""
    path = Path(run_dir) / "config.yaml"
    if not path.is_file():
        return None
    import yaml

    ckpt = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("ckpt_path")
    if not ckpt:
        return None
    trained = Path(ckpt).parent.parent
    seed = _config_hparams(str(trained)).get("seed_everything") if trained.is_dir() else None
    return seed


def _from_json(run_dir: str) -> tuple[dict[str, dict[str, float]], dict[str, int | None]]:
    results = json.loads((Path(run_dir) / RESULTS_FILE).read_text(encoding="utf-8"))
    counts = results.get("case_counts", {})
    stages, edits = {}, {}
    for stage, values in results.items():
        if stage in ("cases_scored", "case_counts", "not_scored") or not isinstance(values, dict):
            continue
        stages[stage] = {k.split("/", 1)[1]: float(v) for k, v in values.items() if k.startswith(f"{stage}/")}
        edited = counts.get(stage, {}).get("edited")
        edits[stage] = sum(edited.values()) if edited else None
    return stages, edits


def _from_events(accumulator, step: int | None) -> tuple[dict[str, dict[str, float]], dict[str, int | None]]:
    stages: dict[str, dict[str, float]] = {}
    steps: dict[str, int | None] = {}
    for tag in accumulator.Tags().get("scalars", []):
        stage, _, rest = tag.partition("/")
        if rest.count("/") != 1:  # {stage}/{metric}/{pair|mono|cross}
            continue
        events = accumulator.Scalars(tag)
        chosen = [e for e in events if step is None or e.step == step]
        if not chosen:
            continue
        last = max(chosen, key=lambda e: (e.step, e.wall_time))
        stages.setdefault(stage, {})[rest] = float(last.value)
        steps[stage] = last.step
    return stages, steps


def read_run(run_dir: str, stage: str | None = None, source: Source = "auto", step: int | None = None
             ) -> RunResult:
    """The results of ``stage`` in ``run_dir`` (``None``: ``test`` when the run has it, else ``val``)."""
    use_json = source == "json" or (source == "auto" and step is None and (Path(run_dir) / RESULTS_FILE).is_file())
    accumulator = None
    has_events = any(p.name.startswith("events.out.tfevents") for p in Path(run_dir).iterdir())
    if has_events:
        accumulator = _events_accumulator(run_dir)
    if use_json:
        if not (Path(run_dir) / RESULTS_FILE).is_file():
            raise FileNotFoundError(f"{run_dir}: no {RESULTS_FILE} (source json)")
        stages, edits = _from_json(run_dir)
        steps: dict[str, int | None] = {}
        origin = RESULTS_FILE
    else:
        if accumulator is None:
            raise FileNotFoundError(f"{run_dir}: no TensorBoard event file (source events)")
        stages, steps = _from_events(accumulator, step)
        edits, origin = {}, "events"
    if not stages:
        raise ValueError(f"{run_dir}: no metric values in its {origin}"
                         + (f" at step {step}" if step is not None else ""))
    chosen = stage or ("test" if "test" in stages else "val" if "val" in stages else next(iter(stages)))
    if chosen not in stages:
        raise ValueError(f"{run_dir}: no {chosen!r} results in its {origin} (it has {sorted(stages)})")
    hparams = (_event_hparams(accumulator) if accumulator is not None else {}) or _config_hparams(run_dir)
    seed = _training_seed(run_dir) or hparams.get("seed_everything")
    return RunResult(str(run_dir), _run_name(run_dir), chosen, stages[chosen], hparams,
                     None if seed in (None, "None") else seed, edits.get(chosen), steps.get(chosen), origin)


def language_order(runs: list[RunResult]) -> tuple[list[str], list[str]]:
    """Source and target languages over all runs, in the order the runs' data lists them (the first run's list
    first, languages only later runs have after it), so that every figure shows them in the same order."""
    canonical: list[str] = []
    pairs: list[tuple[str, str]] = []
    for run in runs:
        listed = run.hparams.get("data/languages") or ""
        canonical += [lang for lang in (ast.literal_eval(listed) if listed.startswith("[") else [])
                      if lang not in canonical]
        pairs += [tuple(key.split("/", 1)[1].split("-", 1)) for key in run.values if "-" in key.split("/", 1)[1]]
    canonical += [lang for pair in pairs for lang in pair if lang not in canonical]
    canonical = list(dict.fromkeys(canonical))
    return ([lang for lang in canonical if any(s == lang for s, _ in pairs)],
            [lang for lang in canonical if any(t == lang for _, t in pairs)])
