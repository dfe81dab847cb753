"""The figures behind ``mke data stats`` (:mod:`mke_lightning.commands.data`): what a data config (or a reader on a
path) reads, per split and language: cases read and kept, views per language, the share whose subject occurs
verbatim in the prompt, and what was skipped and why. Subject and malformed-record policies are set to count
(``keep`` / ``skip``) so the whole file is measured."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import Any

import yaml

from mke_lightning.data.reading import ReadReport


def report_figures(report: ReadReport) -> dict[str, Any]:
    """The figures of one read, JSON-ready."""
    langs = sorted(report.views_total)
    return {
        "source": report.source, "cases_read": report.cases_read, "cases_kept": report.cases_kept,
        "views_per_language": {lang: report.views_total[lang] for lang in langs},
        "subject_located_share": {lang: round(report.subject_located_share(lang), 4) for lang in langs},
        "cases_lacking_a_language": report.cases_missing_language,
        "cases_skipped_missing_language": report.cases_skipped_for_language,
        "malformed_records_skipped": len(report.invalid_records),
        "first_malformed": report.invalid_records[:3], "reader_notes": dict(report.notes),
    }


def format_table(split: str, figures: dict[str, Any]) -> str:
    """A markdown table of one split's figures."""
    lines = [f"### {split}: {figures['source']}",
             f"cases read {figures['cases_read']}, kept {figures['cases_kept']}; malformed skipped "
             f"{figures['malformed_records_skipped']}; lacking a requested language "
             f"{figures['cases_lacking_a_language']} (skipped {figures['cases_skipped_missing_language']})", "",
             "| language | cases | subject located |", "|---|---:|---:|"]
    for lang, n in figures["views_per_language"].items():
        share = figures["subject_located_share"][lang]
        lines.append(f"| {lang} | {n} | {'n/a' if math.isnan(share) else f'{100 * share:.1f}%'} |")
    if figures["reader_notes"]:
        lines.append(f"\nreader notes: {figures['reader_notes']}")
    return "\n".join(lines)


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
    ``reader`` on ``path``."""
    if reader is not None:
        from mke_lightning.data.readers import build_reader

        if path is None:
            raise ValueError("--reader needs --path PATH")
        _, report = build_reader(reader).read(path, on_subject_missing="keep", on_invalid_record="skip")
        return {"path": report_figures(report)}
    bad = [o for o in overrides if o.startswith("--") and not o.startswith("--data.")]
    if bad:
        raise ValueError(f"mke data stats takes --data.* overrides only, got {bad}")
    dm = _datamodule_from_configs(configs, {"on_subject_missing": "keep", "on_invalid_record": "skip"}, overrides)
    out = {}
    for split in splits:
        path = getattr(dm.hparams, f"{split}_path", None)
        if path is None:
            continue
        dm._read(split, path, None)
        out[split] = report_figures(dm.reports[split])
    return out
