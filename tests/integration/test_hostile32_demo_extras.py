"""The README's start: after ``make demo``, "the other techniques have demonstrations of
their own: ``.venv/bin/assay demo text`` and ``.venv/bin/assay demo backdoor``".  ``make
demo`` installed ``assay[onnx]`` only, and ``.venv/bin/assay demo text`` then ended "the text
demonstration (VADER vs TextBlob) needs vaderSentiment and textblob: pip install
'assay[text]'" (exit 2): a command the README prints, failing as printed.  The demo's
install names the extras of every demonstration the README sends its reader to."""

from __future__ import annotations

import importlib.util
import re
import shlex
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from assay.cli.app import app, register

register()

ROOT = Path(__file__).resolve().parents[2]
# what each demonstration imports beyond assay's own dependencies
NEEDS = {"text": {"vaderSentiment", "textblob"}, "backdoor": set()}


def _demo_extras() -> set[str]:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"^\$\(VENV\)/\.demo:.*\n((?:\t.*\n)+)", makefile, re.MULTILINE)
    assert recipe, "no .demo target in the Makefile"
    installs = re.findall(r'pip install [^\n]*-e "\.\[([^\]]*)\]"', recipe.group(1))
    assert installs, recipe.group(1)
    return {extra.strip() for extra in installs[0].split(",")}


def _installed_by(extras: set[str]) -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    optional = project["optional-dependencies"]
    named = set()
    for extra in extras:
        for requirement in optional[extra]:
            named.add(re.split(r"[<>=\[ ;]", requirement, maxsplit=1)[0])
    return named


def test_make_demo_installs_what_the_demos_the_readme_names_need() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    named = set(re.findall(r"\.venv/bin/assay demo (\w+)", readme))
    assert named == {"text", "backdoor"}, named  # the README's list, as this test knows it
    installed = _installed_by(_demo_extras())
    for demo in named:
        missing = NEEDS[demo] - installed
        assert not missing, f"`.venv/bin/assay demo {demo}` needs {missing} after `make demo`"


def test_the_missing_extra_is_installed_by_the_interpreter_running_assay(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The message said "pip install 'assay[text]'": after ``make demo`` the README runs
    ``.venv/bin/assay`` without activating the venv, and a bare ``pip`` is another Python's
    (here pyenv's: it installed the extra where this assay never looks, or a package named
    ``assay`` from the registry).  It names the interpreter that runs assay."""
    real = importlib.util.find_spec

    def find_spec(name: str, *args: Any, **kwargs: Any) -> Any:
        return None if name == "textblob" else real(name, *args, **kwargs)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    result = CliRunner().invoke(app, ["demo", "text", "--store", str(tmp_path / "runs.db")])
    said = " ".join(result.output.split())
    assert result.exit_code == 2, said
    line = re.search(r"needs textblob: (.*-m pip install 'assay\[text\]')", said)
    assert line, said
    assert shlex.split(line.group(1)) == [sys.executable, "-m", "pip", "install", "assay[text]"]


def test_the_printed_assay_commands_work_after_make_demo() -> None:
    """``make demo`` ends with lines to paste ("to reproduce: assay demo --seed 0 ...", "see
    every run: assay runs"), and the README's next commands are ``.venv/bin/assay ...``: the
    venv is not activated, and ``assay`` pasted was "command not found".  The README and
    ``make demo`` say how to put it on the PATH."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme[readme.index("## Start here") : readme.index("## The command line")]
    assert ". .venv/bin/activate" in start, start
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"^demo:.*\n((?:\t.*\n)+)", makefile, re.MULTILINE)
    assert recipe and "bin/activate" in recipe.group(1), makefile
    assert "exit $$code" in recipe.group(1), recipe.group(1)  # the demo's exit code kept
