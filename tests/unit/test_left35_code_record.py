"""The record of model code this account named (``core.named_code``) is listed, forgotten
and pruned (hostile34b's Left: it was never pruned and no command showed it): ``assay
code``; a module spec is noted with the file it imports from, found without running a
package's ``__init__``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from assay.cli.app import main
from assay.core import named_code
from assay.models.callable import resolve_spec


@pytest.fixture(autouse=True)
def _state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    return tmp_path / "state" / "assay" / "named-code"


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(["code", *args])
    out, err = capsys.readouterr()
    return int(exit_info.value.code or 0), out, err


def _files(tmp: Path) -> tuple[Path, Path]:
    one, two = tmp / "one.py", tmp / "two.py"
    for f in (one, two):
        f.write_text("def predict(X):\n    return X\n")
        named_code.remember(f)
    return one, two


def test_assay_code_lists_and_drops_entries_whose_file_is_gone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], _state: Path
) -> None:
    one, two = _files(tmp_path)
    code, out, _ = _cli(capsys)
    assert code == 0 and str(one.resolve()) in out and str(two.resolve()) in out
    assert str(_state) in out
    one.unlink()
    code, out, err = _cli(capsys)
    assert code == 0 and str(one.resolve()) not in out and str(two.resolve()) in out
    assert "dropped 1 entries whose file is gone" in err
    assert str(one.resolve()) not in _state.read_text()


def test_forget_and_clear(tmp_path: Path, capsys: pytest.CaptureFixture[str], _state: Path) -> None:
    one, two = _files(tmp_path)
    code, _, err = _cli(capsys, "--forget", str(tmp_path / "nothere.py"))
    assert code == 2 and "argument --forget" in err and "is not in the record" in err
    code, out, _ = _cli(capsys, "--forget", str(one))
    assert code == 0 and f"forgot {one.resolve()}" in out
    assert not named_code.was_named(one) and named_code.was_named(two)
    code, out, _ = _cli(capsys, "--clear")
    assert code == 0 and f"forgot {two.resolve()}" in out and not _state.read_text()
    named_code.remember(one)
    code, out, _ = _cli(capsys, "--forget", "left35_none:predict", "--json")
    assert code == 2
    code, out, _ = _cli(capsys, "--json")  # (last: --json keeps stdout for the process)
    got = json.loads(out)
    assert [e["file"] for e in got["entries"]] == [str(one.resolve())]
    assert got["entries"][0]["spec"] is None and got["record"] == str(_state)


def test_writing_the_record_drops_entries_whose_file_is_gone(tmp_path: Path, _state: Path) -> None:
    one, two = _files(tmp_path)
    one.unlink()
    three = tmp_path / "three.py"
    three.write_text("")
    named_code.remember(three)
    held = _state.read_text()
    assert str(one.resolve()) not in held and str(two.resolve()) in held
    assert str(three.resolve()) in held
    assert oct(_state.stat().st_mode & 0o777) == "0o600"


def test_a_module_spec_is_noted_with_its_file_found_without_running_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    pkg = tmp_path / "left35pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text(
        "import pathlib\npathlib.Path(__file__).with_name('RAN').touch()\n"
    )
    (pkg / "mod.py").write_text("def predict(X):\n    return X\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    origin = named_code.module_origin("left35pkg.mod")
    assert origin == str((pkg / "mod.py").resolve())
    assert not (pkg / "RAN").exists()  # (found, not imported)
    assert named_code.module_origin("left35pkg.nothere") is None
    resolve_spec("left35pkg.mod:predict")
    assert (pkg / "RAN").exists()
    assert f"left35pkg.mod:predict ({origin})" in _cli(capsys)[1]
    monkeypatch.delitem(sys.modules, "left35pkg.mod")
    monkeypatch.delitem(sys.modules, "left35pkg")
    assert named_code.module_origin("left35pkg.mod") == origin


def test_assays_own_builtin_models_are_not_asked_for() -> None:
    named_code.check_named("r", ["builtin:vader", "builtin:tree"], [], verb="verify")
    with pytest.raises(Exception, match=r"Python code \(left35_nowhere:predict\)"):
        named_code.check_named("r", ["left35_nowhere:predict"], [], verb="verify")
