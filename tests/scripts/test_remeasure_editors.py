"""``scripts/remeasure_editors.sh``: each config edits the model of its architecture with the world's own cases and
covariance corpus, at the table's case counts; finished runs are not run again, and a failed one fails the job;
run here with a stand-in ``mke`` that records its calls."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

FAKE_MKE = """#!/usr/bin/env bash
echo "$*" >> "$CALLS"
[ "$1" = test ] || exit 0
[[ "$3" == *"${FAIL:-none}"* ]] && exit 1
while [ $# -gt 0 ]; do
  case "$1" in --trainer.logger.init_args.save_dir) save=$2 ;; --trainer.logger.init_args.name) name=$2 ;; esac
  shift
done
mkdir -p "$save/$name/version_0" && echo '{}' > "$save/$name/version_0/edit_metrics.json"
"""

pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="the re-measure job is a bash script")


def _job(tmp_path: Path, out: Path, **variables: str) -> tuple[subprocess.CompletedProcess, list[str]]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    (bin_dir / "mke").write_text(FAKE_MKE)
    (bin_dir / "mke").chmod(0o755)
    calls = tmp_path / "calls"
    calls.unlink(missing_ok=True)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "CALLS": str(calls), **variables}
    done = subprocess.run(["bash", str(ROOT / "scripts/remeasure_editors.sh"), str(out)], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    return done, calls.read_text().splitlines() if calls.exists() else []


def _data(tmp_path: Path) -> Path:
    data = tmp_path / "world"
    data.mkdir(parents=True)
    for name in ("test.jsonl", "val.jsonl", "corpus.jsonl.gz"):
        (data / name).write_text("")
    return data


def test_each_config_edits_its_architectures_model_with_the_worlds_cases_and_corpus(tmp_path):
    data, out = _data(tmp_path), tmp_path / "out"
    variables = dict(GPT2="models/g", LLAMA="models/l", DATA=str(data), CONFIGS="unedited rome m_memit_llama ft_m",
                     CASES="5", M_CASES="2", PARALLEL="2", ACCELERATOR="gpu")
    done, calls = _job(tmp_path, out, **variables)
    assert done.returncode == 0, done.stderr
    tests = {c.split("--trainer.logger.init_args.name ")[1].split()[0]: c for c in calls if c.startswith("test ")}
    assert sorted(tests) == ["ft_m", "m_memit_llama", "rome", "unedited", "unedited_llama"]
    model = {name: call.split("--model.init_args.model_name_or_path ")[1].split()[0] for name, call in tests.items()}
    assert model == {"unedited": "models/g", "unedited_llama": "models/l", "rome": "models/g",
                     "m_memit_llama": "models/l", "ft_m": "models/g"}
    for name, call in tests.items():
        assert f"--data.init_args.test_path {data}/test.jsonl --data.init_args.val_path {data}/val.jsonl" in call
        assert f"--trainer.logger.init_args.save_dir {out} " in call and "--trainer.accelerator gpu" in call
        # the covariance corpus only where the config has covariance statistics (ROME, M-MEMIT; not FT-M, unedited)
        assert (f"--model.init_args.covariance.corpus {data}/corpus.jsonl.gz" in call) == (name in ("rome", "m_memit_llama"))
        assert call.endswith("--data.init_args.max_eval_cases " + ("2" if name.startswith("m_") else "5"))
    assert tests["unedited_llama"].startswith("test --config configs/unedited.yaml ")
    runs = " ".join(f"{out}/{name}/version_0" for name in ["unedited", "unedited_llama", "rome", "m_memit_llama", "ft_m"])
    assert calls[-1] == f"compare {runs} --group_seeds false --figures false --output_dir {out}/compare"

    again, calls = _job(tmp_path, out, **variables)           # every run has its edit_metrics.json: only compare
    assert again.returncode == 0 and [c.split()[0] for c in calls] == ["compare"]


def test_a_failed_run_or_missing_world_file_fails_the_job_and_says_where(tmp_path):
    data = _data(tmp_path)
    done, calls = _job(tmp_path, tmp_path / "out", DATA=str(data), CONFIGS="rome pmet", FAIL="pmet")
    assert done.returncode == 1 and f"{tmp_path}/out/pmet.log" in done.stderr
    assert not [c for c in calls if c.startswith("compare")]
    (data / "corpus.jsonl.gz").rename(data / "corpus.jsonl")  # an unpacked corpus serves as well
    done, calls = _job(tmp_path, tmp_path / "out1", DATA=str(data), CONFIGS="rome")
    assert done.returncode == 0 and f"--model.init_args.covariance.corpus {data}/corpus.jsonl " in calls[0]
    (data / "corpus.jsonl").unlink()
    done, calls = _job(tmp_path, tmp_path / "out2", DATA=str(data))
    assert done.returncode == 2 and "has no corpus.jsonl.gz (nor corpus.jsonl)" in done.stderr and not calls
    done, calls = _job(tmp_path, tmp_path / "out3", DATA=str(_data(tmp_path / "x")), CONFIGS="rome nosuch")
    assert done.returncode == 2 and "no configs/nosuch.yaml" in done.stderr and not calls
