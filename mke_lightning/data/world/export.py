"""Writing and reading the exported world directory (the embedded default data).

Layout of a world directory::

    world.json          config, entities (surface form per language), facts, splits, edit targets
    train.jsonl         edit cases in the unified schema (design.md §3.1), one case a line
    val.jsonl
    test.jsonl
    corpus.jsonl.gz     pretraining rows: {"lang", "kind", "prompt", "answer", "end", "text"}, gzip-compressed

Every file is written atomically; :func:`export_world` is what ``mke world generate`` runs.

The corpus is compressed (27 MB of JSON lines for the v2 world, 3 MB compressed) with a fixed header (no file name, time
0), so the same world writes the same bytes. :func:`corpus_file` and :func:`read_corpus` also take an uncompressed
``corpus.jsonl`` (worlds written before the corpus was compressed, or one a user unpacked); ``datasets`` reads either.
"""

from __future__ import annotations

import dataclasses
import gzip
import json
from pathlib import Path

from mke_lightning.data.reading import write_edit_cases
from mke_lightning.data.world.generator import V2_FIELDS, World, WorldConfig, build_world

SPLITS = ("train", "val", "test")
#: the corpus file :func:`export_world` writes, and the uncompressed name :func:`corpus_file` also accepts.
CORPUS_FILE = "corpus.jsonl.gz"
PLAIN_CORPUS_FILE = "corpus.jsonl"


def _write_gzip_json_lines(rows, path: Path) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    with tmp.open("wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as fh:
        for row in rows:
            fh.write((json.dumps(row, ensure_ascii=False) + "\n").encode("utf-8"))
    tmp.replace(path)


def world_summary(world: World) -> dict:
    config = dataclasses.asdict(world.config)
    if world.config.version == 1:  # byte for byte the first world's file
        config = {k: v for k, v in config.items() if k not in V2_FIELDS}
    return {
        "config": config,
        **({"single_language_facts": [{"subject": s, "relation": r, "language": lang}
                                      for (s, r), lang in sorted(world.single_language.items())]}
           if world.single_language else {}),
        "entities": {e.id: {"type": e.type, "names": e.names} for e in world.entities.values()},
        "facts": [{"subject": s, "relation": r, "object": o, "object_new": world.new_objects[(s, r)],
                   "split": world.split_of[s]} for (s, r), o in world.facts.items()],
    }


def export_world(out_dir: str | Path, config: WorldConfig | None = None) -> dict[str, int]:
    """Generate the world for ``config`` and write it under ``out_dir``; returns the number of rows per file."""
    world = build_world(config)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    counts = {}
    tmp = out / "world.json.tmp"
    tmp.write_text(json.dumps(world_summary(world), ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(out / "world.json")
    for split in SPLITS:
        cases = world.edit_cases(split)
        write_edit_cases(cases, out / f"{split}.jsonl")
        counts[split] = len(cases)
    corpus = list(world.corpus())
    _write_gzip_json_lines(corpus, out / CORPUS_FILE)
    (out / PLAIN_CORPUS_FILE).unlink(missing_ok=True)  # an earlier world's corpus no longer matches
    counts["corpus"] = len(corpus)
    return counts


def load_world_config(world_dir: str | Path) -> WorldConfig:
    """The :class:`WorldConfig` a world directory was generated with."""
    raw = json.loads((Path(world_dir) / "world.json").read_text(encoding="utf-8"))["config"]
    raw["split_fractions"] = tuple(raw["split_fractions"])
    for key in ("languages", "single_languages"):
        if key in raw:
            raw[key] = tuple(raw[key])
    return WorldConfig(**raw)


def find_corpus_file(world_dir: str | Path) -> Path | None:
    """The corpus file of a world directory (``corpus.jsonl.gz``, else ``corpus.jsonl``), or ``None``."""
    for name in (CORPUS_FILE, PLAIN_CORPUS_FILE):
        if (Path(world_dir) / name).is_file():
            return Path(world_dir) / name
    return None


def corpus_file(world_dir: str | Path) -> Path:
    """:func:`find_corpus_file`, or a :class:`FileNotFoundError` naming both names and how to make the world."""
    path = find_corpus_file(world_dir)
    if path is None:
        raise FileNotFoundError(f"world corpus not found: {Path(world_dir) / CORPUS_FILE} (nor {PLAIN_CORPUS_FILE}; "
                                f"run `mke world generate --out {world_dir}`)")
    return path


def read_corpus(world_dir: str | Path) -> list[dict[str, str]]:
    """Every row of the world's corpus, in file order."""
    path = corpus_file(world_dir)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]
