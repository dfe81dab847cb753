"""Numbers in a config are checked when it is parsed: finite everywhere, in the range each option declares, the
error naming the option by its config key; unknown abbreviations of options are refused; failed runs leave no
empty run folder."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from mke_lightning.cli import cli_main
from mke_lightning.editors.gradient_editor import MetaTraining
from mke_lightning.option_ranges import POSITIVE, PositiveFloat, PositiveInt, Range, UnitFloat, config_problems


class _Options:
    def __init__(self, lr: PositiveFloat = 1.0, sizes: list[PositiveInt] | None = None, share: UnitFloat = 0.5,
                 offset: float = 0.0, n: int | None = None):
        pass


class _Subclass(_Options):
    def __init__(self, **kwargs):  # a subclass that only passes options on declares its base's ranges
        super().__init__(**kwargs)


def _block(**init_args):
    return {"model": {"class_path": f"{__name__}._Subclass", "init_args": init_args}}


def test_range_bounds_and_text():
    assert Range(gt=0).problem(0.0) == "must be > 0" and Range(gt=0).problem(1e-9) is None
    assert Range(ge=0, le=1).problem(1.5) == "must be <= 1" and repr(Range(ge=0, le=1)) == ">=0,<=1"
    assert POSITIVE.problem(float("nan")) == "must be > 0"  # NaN fails every comparison


@pytest.mark.parametrize(("init_args", "expected"), [
    ({"lr": -1.0}, "option model.lr: must be > 0, got -1.0"),
    ({"lr": math.nan}, "option model.lr: must be a finite number, got nan"),
    ({"sizes": [2, 0]}, "option model.sizes[1]: must be >= 1, got 0"),
    ({"share": 1.5}, "option model.share: must be <= 1, got 1.5"),
    ({"offset": math.inf}, "option model.offset: must be a finite number, got inf"),
])
def test_declared_ranges_and_finiteness(init_args, expected):
    assert config_problems(_block(**init_args)) == [expected]


def test_valid_values_bools_and_undeclared_numbers_pass():
    assert config_problems(_block(lr=3e-4, sizes=[1, 2], share=0.0, offset=-5.0, n=None)) == []
    assert config_problems({"trainer": {"deterministic": True, "max_steps": -1, "limit_val_batches": 1.0}}) == []


def test_every_number_of_the_config_is_checked_for_finiteness():
    config = {"trainer": {"gradient_clip_val": math.nan,
                          "callbacks": [{"class_path": "not.a.Module", "init_args": {"x": -math.inf}}]}}
    assert config_problems(config) == ["option trainer.gradient_clip_val: must be a finite number, got nan",
                                       "option trainer.callbacks[0].x: must be a finite number, got -inf"]


def test_option_groups_check_their_fields_in_python_too():
    with pytest.raises(ValueError, match=r"model\.meta\.lr: must be a finite number, got nan"):
        MetaTraining(lr=math.nan)
    with pytest.raises(ValueError, match=r"model\.meta\.sss_weight: must be <= 1, got 2"):
        MetaTraining(sss_weight=2.0)


def _fails(args, capsys) -> str:
    with pytest.raises(SystemExit) as exit_info:
        cli_main(args)
    assert exit_info.value.code == 2
    return capsys.readouterr().err


def test_nan_written_in_yaml_stops_the_run_at_parse_time(tmp_path, capsys):
    bad = tmp_path / "nan.yaml"
    bad.write_text("model:\n  init_args:\n    meta:\n      lr: .nan\ntrainer:\n  gradient_clip_val: .inf\n")
    err = _fails(["fit", "--config", "configs/mend.yaml", "--config", str(bad),
                  "--trainer.logger.init_args.save_dir", str(tmp_path / "runs")], capsys)
    assert "option model.meta.lr: must be a finite number, got nan" in err
    assert "option trainer.gradient_clip_val: must be a finite number, got inf" in err
    assert not (tmp_path / "runs").exists()  # refused before anything was built or written


def test_negative_value_names_the_option(tmp_path, capsys):
    err = _fails(["test", "--config", "configs/mend.yaml", "--model.edit_lr", "-1",
                  "--trainer.logger.init_args.save_dir", str(tmp_path / "runs")], capsys)
    assert "option model.edit_lr: must be > 0, got -1.0" in err


def test_abbreviated_options_are_unknown_not_completed(tmp_path, capsys):
    err = _fails(["test", "--config", "configs/unedited.yaml", "--trainer.max_step", "3",
                  "--trainer.logger.init_args.save_dir", str(tmp_path / "runs")], capsys)
    assert "--trainer.max_step" in err


def test_a_failed_run_leaves_no_empty_run_folder(tmp_path, capsys):
    missing = tmp_path / "empty.jsonl"
    missing.write_text("")
    with pytest.raises(SystemExit):
        cli_main(["test", "--config", "configs/unedited.yaml", "--data.init_args.test_path", str(missing),
                  "--data.init_args.languages", "[en,zh]", "--trainer.logger.init_args.save_dir", str(tmp_path / "runs")])
    capsys.readouterr()
    runs = Path(tmp_path / "runs")
    assert not runs.exists() or not any(p.name.startswith("version_") for p in runs.rglob("*"))
