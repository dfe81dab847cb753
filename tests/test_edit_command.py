"""``mke edit``: one fact edited, the answers before and after in every language of the case, the model restored."""

from __future__ import annotations

import json

import pytest
import torch

from mke_lightning.cli import cli_main
from mke_lightning.commands.edit import edit_one, format_rows
from mke_lightning.data.reading import write_edit_cases
from mke_lightning.editors import EDITORS, FTMEditor


def test_edit_one_shows_every_question_before_and_after_and_restores(tiny_models, small_cases):
    editor = FTMEditor(model_name_or_path=tiny_models["gpt2"], lr=5e-2, num_steps=10)
    editor.configure_model()
    before = {k: v.clone() for k, v in editor.base_model.state_dict().items()}
    case = small_cases[0]
    rows = edit_one(editor, case, "en", max_new_tokens=3)
    view = case.views["en"]
    expected = 1 + len(view.paraphrases) + len(view.neighborhood) + len(view.multihop)
    assert [r.kind for r in rows if r.lang == "en"][:1] == ["prompt"]
    assert sum(r.lang == "en" for r in rows) == expected and {r.lang for r in rows} == set(case.views)
    prompt_row = rows[0]
    assert prompt_row.logp_new[1] > prompt_row.logp_new[0]  # the edit raised log P(target_new) on its prompt
    assert all(torch.equal(before[k], v) for k, v in editor.base_model.state_dict().items())  # restored
    table = format_rows(rows)
    assert table.splitlines()[0].startswith("| lang | kind | prompt |") and len(table.splitlines()) == len(rows) + 2


def test_mke_edit_from_flags_and_from_a_record(tiny_models, small_cases, tmp_path, capsys):
    common = ["--config", "configs/ft_m.yaml", "--model.init_args.model_name_or_path", tiny_models["gpt2"],
              "--model.init_args.num_steps", "2"]
    out = tmp_path / "edit.json"
    cli_main(["edit", *common, "--subject", "Sore", "--prompt", "Sore is a city in", "--target_new", "Sizania",
              "--target_true", "Tezenia", "--max_new_tokens", "2", "--output", str(out)])
    printed = capsys.readouterr().out
    assert "FTMEditor: edit of case 'cli' in en" in printed and "| en | prompt | Sore is a city in |" in printed
    result = json.loads(out.read_text())
    assert [r["kind"] for r in result["rows"]] == ["prompt"] and len(result["rows"][0]["logp_true"]) == 2

    path = tmp_path / "case.jsonl"
    write_edit_cases(small_cases[:2], path)
    cli_main(["edit", *common, "--case", str(path), "--index", "1", "--edit_lang", "zh", "--max_new_tokens", "2"])
    assert f"edit of case {small_cases[1].case_id!r} in zh" in capsys.readouterr().out


@pytest.mark.parametrize(("args", "expected"), [
    (["--subject", "Sore"], "give the case as --case FILE, or as flags: missing --prompt, --target_new"),
    (["--subject", "Sore", "--prompt", "Sore is", "--target_new", "X", "--edit_lang", "de"],
     "--edit_lang de: the case has no 'de' view"),
])
def test_mke_edit_errors_name_what_is_missing(args, expected, capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli_main(["edit", "--config", "configs/unedited.yaml", *args])
    assert exit_info.value.code in (1, 2) and expected in capsys.readouterr().err


@pytest.mark.parametrize("name", sorted(EDITORS))
def test_mke_edit_works_for_every_registered_editor(name, tiny_models, small_cases):
    cls = EDITORS[name]
    editor = cls(model_name_or_path=tiny_models["gpt2"], **cls.fast_test_options)
    editor.configure_model()
    before = {k: v.clone() for k, v in editor.base_model.state_dict().items()}
    case = small_cases[0]
    rows = edit_one(editor, case, "en", max_new_tokens=2)
    questions = sum(1 + len(v.paraphrases) + len(v.neighborhood) + len(v.multihop) for v in case.views.values())
    assert len(rows) == questions
    prompt_row = next(r for r in rows if r.lang == "en" and r.kind == "prompt")
    moved = prompt_row.logp_new[1] != prompt_row.logp_new[0]
    assert moved == (name != "unedited"), "the edit must move log P(target_new) on its prompt (and no-op: not)"
    assert all(torch.equal(before[k], v) for k, v in editor.base_model.state_dict().items())
