"""``scripts/world_v2_seeds.sh``: the seeds job runs both stages and the probe per (arch, seed) with the options as
given, and summarises each probe; run here with a stand-in ``mke`` that records its calls."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

FAKE_MKE = """#!/usr/bin/env bash
echo "$*" >> "$CALLS"
last="${@: -1}"
case "$1" in
  world) while [ "$1" != --out ]; do shift; done; mkdir -p "$2" && touch "$2/world.json" ;;
  probe) mkdir -p "$last" && python - "$last" <<'PY'
import json, sys
seed = int(sys.argv[1].split("-s")[-1].split("/")[0])
langs = ["en", "ru", "zh"]
transfer = {src: {lang: (1.0 if lang == src else 0.1 * (seed + 1)) for lang in langs} for src in ("en", "zh")}
recall = {kind: {"all": 0.9} for kind in ("prompt", "paraphrase", "held_out_template")}
json.dump({"recall": recall, "transfer": transfer, "rankc_cross_script_mean": 0.8}, open(sys.argv[1] + "/probe.json", "w"))
PY
  ;;
esac
"""


def _with_fake_mke(tmp_path: Path, **variables: str) -> tuple[dict, Path]:
    """The environment that puts the stand-in ``mke`` first on PATH, and the file its calls go to."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "mke").write_text(FAKE_MKE)
    (bin_dir / "mke").chmod(0o755)
    calls = tmp_path / "calls"
    return {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "CALLS": str(calls), **variables}, calls


@pytest.mark.skipif(shutil.which("bash") is None, reason="the seeds job is a bash script")
def test_the_seeds_job_trains_both_stages_and_probes_every_arch_and_seed(tmp_path):
    env, calls = _with_fake_mke(tmp_path, SEEDS="0 2", ARCHS="gpt2 llama", ACCELERATOR="gpu", PARALLEL="2")
    out = tmp_path / "recipe"
    done = subprocess.run(["bash", str(ROOT / "scripts/world_v2_seeds.sh"), str(out), "--more_templates", "6"],
                          cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    lines = calls.read_text().splitlines()
    assert lines[0] == f"world generate --version 2 --out {out}/data --more_templates 6"
    for arch in ("gpt2", "llama"):
        for seed in (0, 2):
            model = f"{out}/{arch}-s{seed}"
            stage1 = [c for c in lines if f"pretrain_{arch}.yaml" in c and f"--seed_everything {seed} " in c]
            stage2 = [c for c in lines if f"in_context_{arch}.yaml" in c and f"--seed_everything {seed} " in c]
            assert len(stage1) == len(stage2) == 1
            for call in stage1 + stage2:
                assert f"--data.init_args.seed {seed}" in call and "--trainer.accelerator gpu" in call
                assert f"--data.init_args.world_dir {out}/data" in call
                assert f"--data.init_args.tokenizer_dir {model}/tokenizer" in call
                assert not call.endswith(" ") and "  " not in call     # no FIT_OPTIONS: no empty argument
            assert f"--model.init_args.export_dir {model}/sentences" in stage1[0]
            assert f"--model.init_args.init_from {model}/sentences --model.init_args.export_dir {model}/model" in stage2[0]
            assert lines.index(stage1[0]) < lines.index(stage2[0]) < lines.index(
                f"probe --model {model}/model --data {out}/data/test.jsonl --out {model}/probe")
    summary = done.stdout.strip().splitlines()
    assert summary[0] == ("gpt2 seed 0: prompt 90.0 paraphrase 90.0 held-out 90.0 en->X 10.0 zh->X 10.0 "
                          "RankC cross-script 80.0")
    assert summary[3].startswith("llama seed 2:") and "en->X 30.0 zh->X 30.0" in summary[3]
    subprocess.run(["bash", str(ROOT / "scripts/world_v2_seeds.sh"), str(out)], cwd=ROOT, env=env, check=True,
                   capture_output=True)
    assert sum(c.startswith("world generate") for c in calls.read_text().splitlines()) == 1  # the world is kept
    assert json.loads((out / "gpt2-s2/probe/probe.json").read_text())["rankc_cross_script_mean"] == 0.8


@pytest.mark.skipif(shutil.which("bash") is None, reason="the seeds job is a bash script")
def test_fit_options_reach_both_stages(tmp_path):
    options = "--model.init_args.name_alignment_weight 1.0 --trainer.max_epochs 4"
    env, calls = _with_fake_mke(tmp_path, SEEDS="1", ARCHS="gpt2", FIT_OPTIONS=options)
    subprocess.run(["bash", str(ROOT / "scripts/world_v2_seeds.sh"), str(tmp_path / "recipe")], cwd=ROOT, env=env,
                   check=True, capture_output=True)
    fits = [c for c in calls.read_text().splitlines() if c.startswith("fit ")]
    assert len(fits) == 2 and all(options in c for c in fits)
