"""Text corpora for precomputed statistics (covariance of FFN keys, ...): the world corpus, local files, or a
``datasets`` hub corpus, all read with ``datasets``.

``corpus`` is one of

* ``"world"``: the shipped synthetic world's corpus ``checkpoints/world-data/corpus.jsonl.gz`` (field ``text``; all
  eight languages), looked up relative to the working directory, then to the repository that holds the package;
* a local ``.txt`` file (one text per line), ``.json`` / ``.jsonl`` file (``text_field`` of each record), any of
  them gzip-compressed (``.jsonl.gz``, ...), or a directory of such files (``datasets``' folder loader; ``split``
  picks e.g. ``train`` by file name);
* anything else is a ``datasets`` hub id, streamed (only the first ``n_samples`` texts are downloaded; needs the
  network). ``"id:config"`` selects a configuration, e.g. ``"wikimedia/wikipedia:20231101.de"``.

The first ``n_samples`` non-empty texts are used, in file order (references take the first texts of Wikipedia too).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterator
from pathlib import Path

from mke_lightning.data.schema import DatasetFormatError
from mke_lightning.data.world.export import CORPUS_FILE, find_corpus_file

log = logging.getLogger(__name__)

WORLD_DATA = Path("checkpoints/world-data")
_LOCAL_SUFFIXES = {".txt": "text", ".json": "json", ".jsonl": "json"}
#: local corpora up to this many bytes are identified by a hash of their content, larger ones by name/size/mtime.
CONTENT_HASH_LIMIT = 256 * 2**20


def resolve_local_corpus(corpus: str) -> Path | None:
    """The local path ``corpus`` names (``"world"`` included), or ``None`` when it is not a local path."""
    if corpus == "world":
        for base in (Path.cwd(), Path(__file__).resolve().parents[3]):
            found = find_corpus_file(base / WORLD_DATA)
            if found is not None:
                return found.resolve()
        raise FileNotFoundError(f"world corpus not found: {WORLD_DATA / CORPUS_FILE} (run `mke world generate` or "
                                f"pass a corpus)")
    path = Path(corpus).expanduser()
    if path.exists():
        return path.resolve()
    if corpus.startswith((".", "/", "~")) or _text_suffix(Path(corpus)) in _LOCAL_SUFFIXES:
        raise FileNotFoundError(f"corpus not found: {corpus}")
    return None


def _text_suffix(path: Path) -> str:
    """The suffix that says how a file holds its texts: ``.jsonl`` for ``c.jsonl`` and ``c.jsonl.gz`` alike."""
    return Path(path.stem).suffix if path.suffix == ".gz" else path.suffix


def _corpus_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    files = sorted(p for p in path.rglob("*") if p.is_file() and _text_suffix(p) in _LOCAL_SUFFIXES)
    if not files:
        raise FileNotFoundError(f"no .txt/.json/.jsonl files in corpus directory {path}")
    return files


def _load(corpus: str, split: str, text_field: str):
    from datasets import load_dataset

    path = resolve_local_corpus(corpus)
    if path is None:
        name, _, config = corpus.partition(":")
        return load_dataset(name, config or None, split=split, streaming=True), corpus, text_field
    if path.is_dir():
        ds = load_dataset(str(path), split=split)
        field = text_field
    else:
        builder = _LOCAL_SUFFIXES.get(_text_suffix(path))
        if builder is None:
            raise DatasetFormatError(f"unsupported corpus file type {''.join(path.suffixes)!r} (use .txt, .json or "
                                     f".jsonl, optionally .gz)", file=str(path))
        ds = load_dataset(builder, data_files=str(path), split="train")  # datasets decompresses .gz itself
        field = "text" if builder == "text" else text_field
    return ds, str(path), field


def iter_corpus_texts(corpus: str, n_samples: int, text_field: str = "text", split: str = "train") -> Iterator[str]:
    """Yield the first ``n_samples`` non-empty texts of ``corpus`` (see the module docstring for what it may be).

    A record without ``text_field`` (or with a non-string value there) is a :class:`DatasetFormatError` naming the
    file, the record index and the field. Fewer texts than ``n_samples`` is logged as a warning, not an error.
    """
    if n_samples <= 0:
        raise ValueError(f"n_samples must be positive, got {n_samples}")
    ds, source, field = _load(corpus, split, text_field)
    columns = getattr(ds, "column_names", None)
    if columns is not None and field not in columns:
        raise DatasetFormatError(f"corpus has no field {field!r} (fields: {', '.join(columns)})", file=source,
                                 record=0, field=field)
    given = 0
    for index, record in enumerate(ds):
        text = record.get(field)
        if not isinstance(text, str):
            raise DatasetFormatError(f"expected a string in field {field!r}, got {type(text).__name__}",
                                     file=source, record=index, field=field)
        if not text.strip():
            continue
        yield text
        given += 1
        if given >= n_samples:
            return
    log.warning("corpus %s has only %d non-empty texts (asked for %d)", source, given, n_samples)


def corpus_identity(corpus: str, text_field: str = "text", split: str = "train") -> str:
    """A string that changes when the texts :func:`iter_corpus_texts` yields can change (for cache keys).

    Local corpora: a SHA-256 over file names and contents (up to :data:`CONTENT_HASH_LIMIT` bytes in all; larger
    corpora use names, sizes and modification times). Hub corpora: the id, configuration and split (pin a
    revision by using a local copy when that matters).
    """
    path = resolve_local_corpus(corpus)
    if path is None:
        return json.dumps({"hub": corpus, "split": split, "field": text_field})
    files = _corpus_files(path)
    by_content = sum(f.stat().st_size for f in files) <= CONTENT_HASH_LIMIT
    h = hashlib.sha256()
    for f in files:
        h.update(f"{f.relative_to(path) if path.is_dir() else f.name}|{f.stat().st_size}\n".encode())
        if by_content:
            with f.open("rb") as fh:
                for chunk in iter(lambda fh=fh: fh.read(1 << 20), b""):
                    h.update(chunk)
        else:
            h.update(str(f.stat().st_mtime_ns).encode())
    kind = "content" if by_content else "stat"
    return json.dumps({"local": kind, "sha256": h.hexdigest()[:16], "split": split if path.is_dir() else None,
                       "field": text_field})
