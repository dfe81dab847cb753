"""``mke compare`` on runs written by short real ``mke test`` runs (tiny model): seeds of one configuration are one
row with their mean ± sample std, event files and ``edit_metrics.json`` give the same values, the figures are
written with every configuration in one language order, and bad input names what is wrong."""

from __future__ import annotations

import contextlib
import io
import json
import statistics
from pathlib import Path

import pytest

from mke_lightning.analysis.run_table import as_csv, group_runs, table_rows
from mke_lightning.analysis.runs import RunResult, find_run_dirs, language_order, read_run
from mke_lightning.cli import cli_main
from mke_lightning.commands.compare import compare
from mke_lightning.data.reading import write_edit_cases
from tests.experiment_yaml import mke_test_yaml


def _run(tmp: Path, tiny_models, name, editor, seed, languages, extra=""):
    config = tmp / f"{name}.yaml"
    config.write_text(mke_test_yaml(tmp / "runs", name, editor, tiny_models["gpt2"], tmp / "cases.jsonl",
                                           languages, "[es, ps, ns]", extra))
    with contextlib.redirect_stdout(io.StringIO()):
        cli_main(["test", "--config", str(config), "--seed_everything", str(seed)])


@pytest.fixture(scope="module")
def runs(tmp_path_factory, tiny_models, small_cases):
    tmp = tmp_path_factory.mktemp("compare")
    write_edit_cases(small_cases[:3], tmp / "cases.jsonl")
    ft = ", layers: [1], num_steps: 6, lr: 0.01"
    # Two seeds of one FT-M configuration (one row) and a second configuration with other languages (its own row).
    _run(tmp, tiny_models, "ft", "FTMEditor", 0, "[en, de, zh]", ft)
    _run(tmp, tiny_models, "ft", "FTMEditor", 1, "[en, de, zh]", ft)
    _run(tmp, tiny_models, "unedited", "UneditedEditor", 0, "[zh, en]")
    return tmp


def test_seeds_of_one_configuration_make_one_row(runs):
    results = [read_run(d) for d in find_run_dirs([str(runs / "runs")])]
    assert [r.name for r in results] == ["ft/version_0", "ft/version_1", "unedited/version_0"]
    assert [r.seed for r in results] == ["0", "1", "0"]
    groups = group_runs(results)
    assert [len(g.runs) for g in groups] == [2, 1]
    header, rows = table_rows(groups, ["es", "ns"])
    assert header[:7] == ["run", "editor", "model", "data", "stage", "seeds", "edits"]
    ft_row = dict(zip(header, rows[0]))
    assert ft_row["editor"] == "FTMEditor" and ft_row["seeds"] == "0,1" and ft_row["edits"] == "6"
    assert ft_row["data"] == f"{runs.name}/cases.jsonl" and ft_row["stage"] == "test"
    written = [json.loads((Path(r.path) / "edit_metrics.json").read_text())["test"]["test/es/mono"]
               for r in results[:2]]
    mean, _, std = ft_row["es mono"].partition(" ± ")
    assert float(mean) == pytest.approx(statistics.mean(written), abs=5e-4)
    assert float(std) == pytest.approx(statistics.stdev(written), abs=5e-4)
    assert " ± " not in dict(zip(header, rows[1]))["es mono"]  # one seed: no spread
    assert len(group_runs(results, by_seed=False)) == 3


def test_event_files_give_the_values_of_the_results_file(runs):
    run_dir = find_run_dirs([str(runs / "runs" / "ft")])[0]
    from_json, from_events = read_run(run_dir, source="json"), read_run(run_dir, source="events")
    assert from_events.source == "events" and from_events.step == 0
    assert from_json.values.keys() == from_events.values.keys()
    assert all(from_events.values[k] == pytest.approx(v, abs=1e-6) for k, v in from_json.values.items())
    assert from_events.hparams["editor"] == "FTMEditor" and from_events.hparams["seed_everything"] == "0"


def test_compare_writes_table_heatmaps_and_bars(runs, tmp_path, capsys):
    out = tmp_path / "cmp"
    result = compare([str(runs / "runs")], output_dir=str(out))
    printed = capsys.readouterr().out
    assert printed.splitlines()[0].startswith("| run | editor | model | data | stage | seeds | edits | es mono |")
    assert "| ft/version_0 (+1) | FTMEditor |" in printed
    names = sorted(p.name for p in out.iterdir())
    assert names == ["bars.png", "compare.md", "heatmap_es.png", "heatmap_ns.png", "heatmap_ps.png"]
    assert all((out / n).stat().st_size > 5000 for n in names if n.endswith(".png"))
    assert result["header"][7:9] == ["es mono", "es cross"]


def test_language_order_is_the_same_for_every_run(runs):
    results = [read_run(d) for d in find_run_dirs([str(runs / "runs")])]
    # The first run lists en, de, zh; the unedited run lists zh, en: the figures keep the first run's order.
    assert language_order(results) == (["en", "zh"], ["en", "de", "zh"])
    assert language_order(results[2:]) == (["zh", "en"], ["zh", "en"])


def test_csv_has_mean_and_std_columns(runs):
    results = [read_run(d) for d in find_run_dirs([str(runs / "runs")])]
    header, rows = table_rows(group_runs(results), ["es"])
    import csv

    table = list(csv.reader(io.StringIO(as_csv(header, rows))))
    assert table[0][7:] == ["es mono", "es mono std", "es cross", "es cross std"]
    first = dict(zip(table[0], table[1]))
    assert first["seeds"] == "0,1" and first["es mono"] == rows[0][7].split(" ± ")[0]
    assert first["es mono std"] == rows[0][7].split(" ± ")[1]


def test_mean_and_sample_std_skip_missing_values():
    runs = [RunResult(f"r{i}", f"x/version_{i}", "test", values, {"editor": "E"}, str(i))
            for i, values in enumerate([{"es/mono": 0.2}, {"es/mono": 0.6}, {"es/mono": float("nan")}, {}])]
    group = group_runs(runs)[0]
    assert len(group.runs) == 4
    mean, std = group.mean_std("es/mono")
    assert mean == pytest.approx(0.4) and std == pytest.approx(statistics.stdev([0.2, 0.6]))
    assert group.mean_std("ps/mono") == (None, None)


def test_bad_input_names_what_is_wrong(runs, tmp_path):
    with pytest.raises(FileNotFoundError, match="no such run folder"):
        find_run_dirs([str(tmp_path / "missing")])
    (tmp_path / "empty").mkdir()
    with pytest.raises(FileNotFoundError, match="holds no run"):
        find_run_dirs([str(tmp_path / "empty")])
    with pytest.raises(ValueError, match="no 'val' results"):
        read_run(find_run_dirs([str(runs / "runs" / "ft")])[0], stage="val")
    with pytest.raises(ValueError, match=r"--metrics \['qs'\]: no run reports them"):
        compare([str(runs / "runs")], metrics=["qs"], output_dir=None)


def test_cli_takes_the_runs_as_positional_arguments(runs, tmp_path, capsys):
    cli_main(["compare", str(runs / "runs" / "unedited"), "--output_dir", str(tmp_path / "o"), "--figures", "false",
              "--format", "csv"])
    assert capsys.readouterr().out.startswith("run,editor,model,data,stage,seeds,edits,es mono,es mono std")
    with pytest.raises(SystemExit) as exit_info:
        cli_main(["compare", "--stage", "test"])
    assert exit_info.value.code == 2
