"""The figures behind ``mke data stats`` (:mod:`mke_lightning.commands.data`): what a data config (or a reader on a
path) reads, per split and language: cases read and kept, views per language, the share whose subject occurs
verbatim in the prompt, and what was skipped and why. Subject, malformed-record and duplicate policies are set to
count (``keep`` / ``skip`` / ``skip``) so the whole file is measured; the language policy is the config's. A read
that keeps nothing (an :class:`~mke_lightning.data.reading.EmptyReadError`) still gives its figures, with the error
under ``error``: the figures are how one finds out why."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import Any

import yaml

from mke_lightning.data.reading import EmptyReadError, ReadReport

#: The policies ``mke data stats`` reads with: count everything, stop at nothing.
COUNTING = {"on_subject_missing": "keep", "on_invalid_record": "skip", "on_duplicate_case": "skip"}


def report_figures(report: ReadReport, error: str | None = None) -> dict[str, Any]:
    """The figures of one read, JSON-ready (``error``: why the read failed, when it kept nothing)."""
    langs = sorted(report.views_total)
    figures = {
        "source": report.source, "cases_read": report.cases_read, "cases_kept": report.cases_kept,
        "cases_per_language": report.cases_per_language(),
        "views_per_language": {lang: report.views_total[lang] for lang in langs},
        "subject_located_share": {lang: round(report.subject_located_share(lang), 4) for lang in langs},
        "cases_lacking_a_language": report.cases_missing_language,
        "cases_skipped_missing_language": report.cases_skipped_for_language,
        "malformed_records_skipped": len(report.invalid_records),
        "first_malformed": report.invalid_records[:3],
        "malformed_views_skipped": dict(sorted(report.invalid_views.items())),
        "first_malformed_view": dict(sorted(report.first_invalid_view.items())),
        "duplicate_cases_skipped": len(report.duplicate_cases), "first_duplicate": report.duplicate_cases[:3],
        "reader_notes": dict(report.notes),
    }
    if error is not None:
        figures["error"] = error
    return figures


def format_table(split: str, figures: dict[str, Any]) -> str:
    """A markdown table of one split's figures."""
    lines = [f"### {split}: {figures['source']}"]
    if figures.get("error"):
        lines.append(f"ERROR: {figures['error']}")
    lines += [f"cases read {figures['cases_read']}, kept {figures['cases_kept']}; malformed skipped "
              f"{figures['malformed_records_skipped']}; lacking a requested language "
              f"{figures['cases_lacking_a_language']} (skipped {figures['cases_skipped_missing_language']}); "
              f"repeated case_id skipped {figures.get('duplicate_cases_skipped', 0)}", "",
              "| language | views read | subject located | cases kept | malformed views skipped |",
              "|---|---:|---:|---:|---:|"]
    views, kept = figures["views_per_language"], figures.get("cases_per_language", {})
    bad = figures.get("malformed_views_skipped", {})
    for lang in sorted(set(views) | set(bad)):
        n, share = views.get(lang, 0), figures["subject_located_share"].get(lang, math.nan)
        located = "n/a" if math.isnan(share) else f"{100 * share:.1f}%"
        lines.append(f"| {lang} | {n} | {located} | {kept.get(lang, 0)} | {bad.get(lang, 0)} |")
    if figures["reader_notes"]:
        lines.append(f"\nreader notes: {figures['reader_notes']}")
    return "\n".join(lines)


def _counted_read(reader, path: str, **options: Any) -> dict[str, Any]:
    """Figures of ``reader`` on ``path`` under the counting policies; a read keeping nothing still gives them."""
    try:
        _, report = reader.read(path, **COUNTING, **options)
    except EmptyReadError as err:
        return report_figures(err.report, str(err))
    return report_figures(report)


def _datamodule_from_configs(configs: Sequence[str], overrides: dict[str, Any], extra: Sequence[str] = ()):
    import lightning as L
    from jsonargparse import ArgumentParser

    import mke_lightning.data.datamodule  # noqa: F401  (short class names resolve)

    parser = ArgumentParser(exit_on_error=False)
    parser.add_subclass_arguments(L.LightningDataModule, "data")
    args = []
    for path in configs:
        with open(path, encoding="utf-8") as fh:
            data = (yaml.safe_load(fh) or {}).get("data")
        if data is not None:
            args += ["--data", json.dumps(data)]
    if not args:
        raise ValueError(f"no data section in {list(configs)}")
    args += list(extra)
    for key, value in overrides.items():
        args += [f"--data.init_args.{key}", value if isinstance(value, str) else json.dumps(value)]
    cfg = parser.parse_args(args)
    instantiate = getattr(parser, "instantiate", None) or parser.instantiate_classes  # renamed in jsonargparse 4.49
    return instantiate(cfg).data


def data_stats(configs: Sequence[str] = (), reader: str | None = None, path: str | None = None,
               splits: Sequence[str] = ("train", "val", "test"),
               overrides: Sequence[str] = ()) -> dict[str, dict[str, Any]]:
    """Figures per split of a data config (``configs``, later ones win, then ``--data.*`` ``overrides``) or of
    ``reader`` on ``path``. The config's readers, paths and languages are used; the policies are :data:`COUNTING`."""
    if reader is not None:
        from mke_lightning.data.readers import build_reader

        if path is None:
            raise ValueError("--reader needs --path PATH")
        return {"path": _counted_read(build_reader(reader), path)}
    bad = [o for o in overrides if o.startswith("--") and not o.startswith("--data.")]
    if bad:
        raise ValueError(f"mke data stats takes --data.* overrides only, got {bad}")
    dm = _datamodule_from_configs(configs, {}, overrides)
    out = {}
    for split in splits:
        path = getattr(dm.hparams, f"{split}_path", None)
        if path is None:
            continue
        reader = dm.train_reader if split == "train" else dm.reader
        out[split] = _counted_read(reader, path, languages=dm.languages,
                                   on_language_missing=dm.hparams.on_language_missing)
    return out
