"""EditDataModule with readers: reader per split, language and record policies, hub sources, `mke data stats`,
and the F1 protocol end to end on a benchmark without original answers."""

from __future__ import annotations

import json
import os
from pathlib import Path

import lightning as L
import pytest

from mke_lightning.cli import cli_main
from mke_lightning.data import EditDataModule
from mke_lightning.data.readers import MappingReader, MzsREReader, ZsREReader
from mke_lightning.data.reading import load_records
from mke_lightning.data.schema import DatasetFormatError

FLAT = {"subject": "subject", "prompt": "src", "target_new": "alt"}


def _zsre(path: Path, n: int, empty_at: int | None = None) -> str:
    rows = [{"subject": f"S{i}", "src": f"Where is S{i}?", "alt": "" if i == empty_at else f"T{i}", "answers": [f"O{i}"],
             "pred": f"P{i}", "rephrase": f"S{i} is where?", "loc": "nq question: q", "loc_ans": "a"} for i in range(n)]
    path.write_text(json.dumps(rows), encoding="utf-8")
    return str(path)


def _blocks(path: Path, records: list[dict]) -> str:
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    return str(path)


def _view(subject: str, prompt: str | None = None) -> dict:
    return {"subject": subject, "src": prompt or f"{subject} lives in", "alt": "Oslo"}


def test_train_reader_differs_from_reader_and_pred_option(tmp_path):
    train = _zsre(tmp_path / "train.json", 5)
    test = _blocks(tmp_path / "test.json", [{"en": _view("Ada"), "de": _view("Ada")}])
    dm = EditDataModule(train_path=train, test_path=test, reader=MappingReader({k: "{lang}." + v for k, v in FLAT.items()}),
                        train_reader=ZsREReader(target_true="pred"), languages=["en"], max_train_cases=3, seed=1)
    dm.setup("fit")
    dm.setup("test")
    assert len(dm.splits["train"]) == 3 and all(c.views["en"].target_true.startswith("P") for c in dm.splits["train"])
    assert list(dm.splits["test"][0].views) == ["en"]
    assert ZsREReader().read(train)[0][0].views["en"].target_true == "O0"
    assert ZsREReader(target_true="none").read(train)[0][0].views["en"].target_true is None


def test_records_lacking_a_language_block_are_rejected_or_skipped_with_a_count(tmp_path):
    test = _blocks(tmp_path / "t.json", [{"en": _view("Ada"), "de": _view("Ada")}, {"en": _view("Bob")}])
    reader = MappingReader({k: "{lang}." + v for k, v in FLAT.items()})
    dm = EditDataModule(test_path=test, reader=reader, languages=["en", "de"], on_language_missing="error")
    with pytest.raises(DatasetFormatError, match="no 'de' view") as info:
        dm.setup("test")
    assert (info.value.record, info.value.field) == (1, "views.de")
    for policy, kept in (("skip", ["Ada"]), ("keep", ["Ada", "Bob"])):
        dm = EditDataModule(test_path=test, reader=reader, languages=["en", "de"], on_language_missing=policy)
        dm.setup("test")
        report = dm.reports["test"]
        assert [c.views["en"].subject for c in dm.splits["test"]] == kept
        assert report.language_missing == {"de": 1} and report.cases_missing_language == 1
        assert report.cases_skipped_for_language == (policy == "skip")


def test_subject_policies_keep_skip_error(tmp_path):
    test = _blocks(tmp_path / "t.json", [{"en": _view("Ada"), "ru": _view("Ада", "Аду видели в")}])
    reader = MappingReader({k: "{lang}." + v for k, v in FLAT.items()})
    with pytest.raises(DatasetFormatError, match="does not occur"):
        EditDataModule(test_path=test, reader=reader).setup("test")
    for policy, langs in (("keep", ["en", "ru"]), ("skip", ["en"])):
        dm = EditDataModule(test_path=test, reader=reader, on_subject_missing=policy)
        dm.setup("test")
        assert sorted(dm.splits["test"][0].views) == langs and dm.reports["test"].subject_missing == {"ru": 1}
        assert dm.reports["test"].subject_located_share("ru") == 0.0


def test_invalid_records_policy(tmp_path):
    train = _zsre(tmp_path / "train.json", 4, empty_at=2)
    with pytest.raises(DatasetFormatError, match="empty string"):
        EditDataModule(train_path=train, reader=ZsREReader()).setup("fit")
    dm = EditDataModule(train_path=train, reader=ZsREReader(), on_invalid_record="skip")
    dm.setup("fit")
    assert [c.case_id for c in dm.splits["train"]] == ["0", "1", "3"] and len(dm.reports["train"].invalid_records) == 1


def test_hub_sources_go_through_datasets(monkeypatch):
    calls = []

    class _Rows:
        def to_list(self):
            return [{"x": 1}]

    def fake_load_dataset(name, **kwargs):
        calls.append((name, kwargs))
        return _Rows()

    import datasets

    monkeypatch.setattr(datasets, "load_dataset", fake_load_dataset)
    assert load_records("hub:someone/bench:test") == [{"x": 1}]
    assert load_records("hf://datasets/someone/bench/data.jsonl") == [{"x": 1}]
    assert calls == [("someone/bench", {"split": "test"}),
                     ("json", {"data_files": "hf://datasets/someone/bench/data.jsonl", "split": "train"})]


def test_data_stats_verb_prints_and_writes_figures(tmp_path, capsys):
    test = _blocks(tmp_path / "t.json", [{"en": _view("Ada"), "ru": _view("Ада", "Аду видели в")},
                                         {"en": _view("Bob"), "ru": _view("Боб")}])
    config = tmp_path / "d.yaml"
    config.write_text(f"""
data:
  class_path: mke_lightning.data.EditDataModule
  init_args:
    test_path: {test}
    reader:
      class_path: mke_lightning.data.readers.MappingReader
      init_args: {{fields: {{subject: "{{lang}}.subject", prompt: "{{lang}}.src", target_new: "{{lang}}.alt"}}}}
""")
    out = tmp_path / "stats.json"
    cli_main(["data", "stats", "--config", str(config), "--json", str(out)])
    printed = capsys.readouterr().out
    assert "| ru | 2 | 50.0% |" in printed and "| en | 2 | 100.0% |" in printed
    figures = json.loads(out.read_text())["test"]
    assert figures["views_per_language"] == {"en": 2, "ru": 2} and figures["subject_located_share"]["ru"] == 0.5
    cli_main(["data", "stats", "--reader", "zsre", "--path", _zsre(tmp_path / "z.json", 3, empty_at=0)])
    assert "malformed skipped 1" in capsys.readouterr().out
    cli_main(["data", "stats", "--config", str(config), "--split", "val"])  # a split the config does not have
    assert capsys.readouterr().out.strip() == ""
    with pytest.raises(SystemExit):
        cli_main(["data", "stats"])


def test_mzsre_f1_protocol_end_to_end(tiny_models, tmp_path):
    """A benchmark without target_true: the loop reports rel_f1/gen_f1/loc_f1 per pair, no ES/PS."""
    shared = Path(os.environ.get("MKE_SHARED_DATA", Path(__file__).resolve().parents[3] / ".." / "shared" / "data")) / "mzsre"
    if not shared.is_dir():
        pytest.skip(f"MzsRE not found at {shared}")
    from mke_lightning.editors import UneditedEditor
    from mke_lightning.evaluation import EditEvaluationCallback

    callback = EditEvaluationCallback(max_new_tokens=4)
    dm = EditDataModule(test_path=str(shared), reader=MzsREReader(file_languages=["de", "zh"]), max_eval_cases=2,
                        languages=["en", "de", "zh"], edit_languages=["en", "de"], on_subject_missing="keep")
    trainer = L.Trainer(accelerator="cpu", devices=1, logger=False, callbacks=[callback], enable_progress_bar=False,
                        enable_model_summary=False)
    trainer.test(UneditedEditor(tiny_models["llama"]), datamodule=dm)
    results = callback.results["test"]
    for metric in ("rel_f1", "gen_f1", "loc_f1"):
        assert {f"test/{metric}/{s}-{t}" for s in ("en", "de") for t in ("en", "de", "zh")} <= set(results)
    assert not any(k.startswith(("test/es/", "test/ps/")) and results[k] == results[k] for k in results)
    assert results["test/loc_f1/mono"] == 1.0 and callback.cases_scored == 4


def test_data_stats_measures_reads_that_keep_nothing_and_counts_repeats_and_bad_views(tmp_path, capsys):
    """`mke data stats` is how one finds out why a read keeps nothing: it gives the figures with the error."""
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"views": {"en": {"subject": "A", "prompt": "A is", "target_new": "B"}}}) + "\n")
    out = tmp_path / "stats.json"
    cli_main(["data", "stats", "--reader", "unified", "--path", str(bad), "--json", str(out)])
    printed = capsys.readouterr().out
    assert "ERROR: file" in printed and "0 of 1 records kept: 1 malformed" in printed
    figures = json.loads(out.read_text())["path"]
    assert figures["malformed_records_skipped"] == 1 and "field 'case_id'" in figures["first_malformed"][0]

    view = {"subject": "A", "prompt": "A is", "target_new": "B"}
    rows = [{"case_id": "a", "views": {"en": view, "de": view}}, {"case_id": "a", "views": {"en": view}},
            {"case_id": "b", "views": {"en": view, "de": {**view, "target_new": ""}}}]
    data = tmp_path / "d.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in rows))
    config = tmp_path / "d.yaml"
    config.write_text(f"data:\n  class_path: mke_lightning.data.EditDataModule\n  init_args: {{test_path: {data}}}\n")
    cli_main(["data", "stats", "--config", str(config), "--json", str(out)])
    assert "| de | 1 | 100.0% | 1 | 1 |" in capsys.readouterr().out
    figures = json.loads(out.read_text())["test"]
    assert figures["cases_per_language"] == {"de": 1, "en": 2} and figures["duplicate_cases_skipped"] == 1
    assert figures["malformed_views_skipped"] == {"de": 1} and "error" not in figures
