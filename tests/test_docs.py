"""The docs: every registered editor has a page, and every ``mke`` command in the README and in ``docs/`` parses
(Lightning verbs through ``MkeCLI --print_config``, the other verbs through their own parsers, the experiment
options of ``mke edit|bench|reach|data`` through the experiment parser) with config files that exist."""

from __future__ import annotations

import contextlib
import io
import re
import shlex
from pathlib import Path

import pytest

from mke_lightning.cli import VERBS, parse_verb
from mke_lightning.editors import EDITORS

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs"
PAGES = [REPO / "README.md", *sorted(DOCS.rglob("*.md"))]


def _commands(page: Path) -> list[str]:
    """The ``mke`` / ``python -m mke_lightning`` command lines of a page's bash blocks (continuations joined)."""
    found = []
    for block in re.findall(r"```(?:bash|sh|shell)\n(.*?)```", page.read_text(encoding="utf-8"), flags=re.S):
        for line in block.replace("\\\n", " ").splitlines():
            words = shlex.split(line, comments=True)
            if words[:1] == ["mke"]:
                found.append(words[1:])
            elif words[:3] == ["python", "-m", "mke_lightning"]:
                found.append(words[3:])
    return [" ".join(shlex.quote(w) for w in words) for words in found]


COMMANDS = [(page.relative_to(REPO).as_posix(), command) for page in PAGES for command in _commands(page)]


def test_every_registered_editor_has_a_page():
    missing = [name for name in EDITORS if not (DOCS / "editors" / f"{name}.md").is_file()]
    assert not missing, f"no docs/editors/<name>.md for {missing}"
    for name, cls in EDITORS.items():
        assert f"`{cls.__name__}`" in (DOCS / "editors" / f"{name}.md").read_text(encoding="utf-8"), name


def test_the_docs_hold_commands():
    pages = {page for page, _ in COMMANDS}
    assert "README.md" in pages and len(COMMANDS) >= 20


def _parses_as_experiment(verb: str, args: list[str]) -> None:
    from mke_lightning.experiment import MkeCLI

    for i, arg in enumerate(args):
        if arg == "--config":
            assert (REPO / args[i + 1]).is_file(), f"config {args[i + 1]} does not exist"
    with contextlib.redirect_stdout(io.StringIO()), pytest.raises(SystemExit) as exit_info:
        MkeCLI(args=[verb, *args, "--print_config"])
    assert exit_info.value.code in (0, None)


@pytest.mark.parametrize(("page", "command"), COMMANDS, ids=[f"{p}:{c[:60]}" for p, c in COMMANDS])
def test_documented_command_parses(page, command, monkeypatch):
    monkeypatch.chdir(REPO)
    words = shlex.split(command)
    verb, args = words[0], words[1:]
    assert verb in VERBS, f"{page}: unknown verb {verb!r}"
    if VERBS[verb].module is None:  # fit / validate / test
        _parses_as_experiment(verb, args)
        return
    _function, kwargs = parse_verb(verb, args)
    if VERBS[verb].experiment and kwargs["config"]:
        options = [a for c in kwargs["config"] for a in ("--config", c)] + list(kwargs["overrides"])
        _parses_as_experiment("test", options)
