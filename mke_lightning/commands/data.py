"""``mke data stats``: what a data config (or a reader on a path) reads, per split and language.

Prints, per split, the cases read and kept and, per language, the views present and the share whose subject occurs
verbatim in the prompt, plus what was skipped and why. Subject and malformed-record policies are set to count
(``keep`` / ``skip``) so the whole file is measured.

    mke data stats --config configs/data/mzsre.yaml
    mke data stats --reader mzsre --path ../shared/data/mzsre
"""

from __future__ import annotations

from typing import Any, Literal

from mke_lightning.commands.output import write_json

Split = Literal["train", "val", "test"]


def stats(config: list[str], overrides: list[str], reader: str | None = None, path: str | None = None,
          split: Split | list[Split] | None = None, json: str | None = None) -> dict[str, dict[str, Any]]:
    """Cases per language and the share of subjects located in their prompt, per split.

    Args:
        config: data config files (``--config``, repeatable; later ones win).
        overrides: ``--data.*`` options applied after the configs.
        reader: a reader by name instead of a config (mzsre, bizsre, mlake, counterfact, zsre, mkeb, ...).
        path: the data path for ``--reader``.
        split: a split or a list of splits to read (default: all the config has).
        json: also write the figures to this JSON file.
    """
    from mke_lightning.data.stats import data_stats, format_table

    if not config and not reader:
        raise ValueError("mke data stats: give --config FILE or --reader NAME --path PATH")
    splits = [split] if isinstance(split, str) else split or ["train", "val", "test"]
    figures = data_stats(config, reader, path, splits, overrides)
    for name, fig in figures.items():
        print(format_table(name, fig) + "\n")
    write_json(json, figures)
    return figures
