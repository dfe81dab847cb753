"""`mke covariance`: one pass vs one pass per layer in one run, identical statistics, then a disk-cache hit."""

from __future__ import annotations

import json

from mke_lightning.cli import cli_main


def test_covariance_command(tiny_models, tmp_path, capsys):
    corpus = tmp_path / "c.txt"
    corpus.write_text("\n".join(f"text number {i} about Sore and Tezenia" for i in range(12)), encoding="utf-8")
    out, cache = tmp_path / "cov.json", tmp_path / "cache"
    args = ["covariance", "--model", tiny_models["gpt2"], "--corpus", str(corpus), "--n_samples", "10",
            "--layers", "[0, 2]", "--batch_size", "4", "--max_length", "6", "--dtype", "float64",
            "--cache_dir", str(cache), "--progress", "false", "--output", str(out)]
    cli_main(args + ["--repeats", "2"])
    first = json.loads(out.read_text())
    assert len(first["one_pass_runs_s"]) == len(first["per_layer_runs_s"]) == first["repeats"] == 2
    assert first["layers"] == [0, 2] and first["texts"] == 10 and first["effective_length"] == 6
    assert first["identical"] and first["cache_matches_compute"]
    assert [p["layers"] for p in first["per_layer_passes"]] == [[0], [2]]
    assert first["cache_get"][0]["computed"] == [0, 2]
    assert first["cache_get"][1] | {"seconds": 0} == {"seconds": 0, "loaded": [0, 2], "computed": []}
    assert "one pass per layer (2 passes)" in capsys.readouterr().out
    cli_main(args)  # a second run: the cache is warm from the start
    second = json.loads(out.read_text())
    assert second["cache_get"][0]["loaded"] == [0, 2] and second["cache_get"][0]["computed"] == []
    assert len(list(cache.rglob("*.pt"))) == 2
