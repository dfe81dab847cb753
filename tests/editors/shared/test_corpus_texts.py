"""Corpora for precomputed statistics: the world corpus, local .txt/.json/.jsonl files and directories, errors."""

from __future__ import annotations

import gzip
import json

import pytest

from mke_lightning.data.schema import DatasetFormatError
from mke_lightning.editors.shared.corpus import corpus_identity, iter_corpus_texts


def test_world_corpus_is_the_shipped_jsonl_in_all_languages():
    texts = list(iter_corpus_texts("world", 40))
    assert len(texts) == 40
    with gzip.open("checkpoints/world-data/corpus.jsonl.gz", "rt", encoding="utf-8") as fh:
        expected = [json.loads(next(fh))["text"] for _ in range(40)]
    assert texts == expected


def test_gzip_compressed_files_read_like_their_plain_form(tmp_path):
    rows = [{"text": f"text {i}"} for i in range(5)]
    plain = tmp_path / "c.jsonl"
    plain.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    packed = tmp_path / "c.jsonl.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    (tmp_path / "t.txt.gz").write_bytes(gzip.compress(b"first\nsecond\n"))
    assert list(iter_corpus_texts(str(packed), 5)) == list(iter_corpus_texts(str(plain), 5)) == [r["text"] for r in rows]
    assert list(iter_corpus_texts(str(tmp_path / "t.txt.gz"), 5)) == ["first", "second"]
    assert corpus_identity(str(packed)) != corpus_identity(str(plain))
    with pytest.raises(FileNotFoundError, match="corpus not found"):
        list(iter_corpus_texts("missing.jsonl.gz", 1))  # a relative name: known by its suffix
    (tmp_path / "c.csv.gz").write_bytes(gzip.compress(b"a,b\n"))
    with pytest.raises(DatasetFormatError, match="'.csv.gz'"):
        list(iter_corpus_texts(str(tmp_path / "c.csv.gz"), 1))


def test_txt_file_one_text_per_line_empty_lines_skipped(tmp_path):
    path = tmp_path / "c.txt"
    path.write_text("first text\n\n   \nsecond text\nthird text\n", encoding="utf-8")
    assert list(iter_corpus_texts(str(path), 2)) == ["first text", "second text"]
    assert list(iter_corpus_texts(str(path), 10)) == ["first text", "second text", "third text"]


def test_jsonl_text_field_and_missing_field_named(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text("\n".join(json.dumps({"body": f"text {i}", "n": i}) for i in range(5)), encoding="utf-8")
    assert list(iter_corpus_texts(str(path), 3, text_field="body")) == ["text 0", "text 1", "text 2"]
    with pytest.raises(DatasetFormatError, match="field 'text'") as err:
        list(iter_corpus_texts(str(path), 3))
    assert err.value.field == "text" and str(path) in str(err.value)


def test_non_string_text_names_the_record(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text("\n".join(json.dumps({"text": v}) for v in ["ok", "fine", None]), encoding="utf-8")
    with pytest.raises(DatasetFormatError) as err:
        list(iter_corpus_texts(str(path), 5))
    assert err.value.record == 2 and err.value.field == "text"


def test_directory_of_files_with_split(tmp_path):
    (tmp_path / "train.txt").write_text("a b\nc d\n", encoding="utf-8")
    (tmp_path / "test.txt").write_text("e f\n", encoding="utf-8")
    assert list(iter_corpus_texts(str(tmp_path), 10)) == ["a b", "c d"]
    assert list(iter_corpus_texts(str(tmp_path), 10, split="test")) == ["e f"]


def test_bad_inputs(tmp_path):
    with pytest.raises(FileNotFoundError, match="corpus not found"):
        list(iter_corpus_texts(str(tmp_path / "nope.jsonl"), 3))
    (tmp_path / "c.csv").write_text("text\nx\n")
    with pytest.raises(DatasetFormatError, match="unsupported corpus file type"):
        list(iter_corpus_texts(str(tmp_path / "c.csv"), 3))
    with pytest.raises(ValueError, match="n_samples"):
        list(iter_corpus_texts("world", 0))


def test_identity_follows_content_not_location(tmp_path):
    a, b = tmp_path / "a" / "c.txt", tmp_path / "b" / "c.txt"
    for p in (a, b):
        p.parent.mkdir()
        p.write_text("same text\n", encoding="utf-8")
    assert corpus_identity(str(a)) == corpus_identity(str(b))
    b.write_text("other text\n", encoding="utf-8")
    assert corpus_identity(str(a)) != corpus_identity(str(b))
    assert corpus_identity(str(a)) != corpus_identity(str(a), text_field="body")
    assert "hub" in corpus_identity("some-org/some-corpus:en")
