"""The record of model code this account named (``core.named_code``, left35) at the edges
mutation36 found untested: a module spec forgotten by its spec."""

from __future__ import annotations

import types
from pathlib import Path

import pytest

from assay.core import named_code


@pytest.fixture(autouse=True)
def _state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))


def test_a_module_spec_is_forgotten_by_its_spec(tmp_path: Path) -> None:
    source = tmp_path / "m36mod.py"
    source.write_text("def predict(X):\n    return X\n")
    module = types.SimpleNamespace(__spec__=types.SimpleNamespace(origin=str(source)))
    named_code.remember_module("m36mod:predict", module)
    assert [e.spec for e in named_code.entries()] == ["m36mod:predict"]
    dropped = named_code.forget(["m36mod:predict"], gone=False)
    assert [e.spec for e in dropped] == ["m36mod:predict"] and named_code.entries() == []


def test_a_stored_url_or_file_with_a_colon_is_not_asked_for_as_code() -> None:
    """A served model's URL (``http://host:8000/predict``) or a path with a colon is
    no module spec (its parts are not identifiers): resuming its run asks nothing."""
    stored = ["http://localhost:8000/predict", "https://h.example:443/v2/models/m/infer"]
    named_code.check_named(
        "r", [*stored, "my-model:v2", "models/m.onnx:probabilities"], [], verb="resume"
    )


def test_the_printed_assay_code_names_the_program_as_invoked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``assay code`` (left35) is a command the printed lines rewrite, as every other, when
    assay is not on the PATH; a command already rewritten is left alone."""
    from assay.core import program

    monkeypatch.setattr(program, "program", lambda: "/venv/bin/python -m assay")
    said = program.as_invoked("see what it names: assay code --forget m.py")
    assert said == "see what it names: /venv/bin/python -m assay code --forget m.py"
    assert program.as_invoked(said) == said


def test_a_built_in_modules_entry_is_never_gone() -> None:
    module = types.SimpleNamespace(__spec__=types.SimpleNamespace(origin="built-in"))
    named_code.remember_module("math:sqrt", module)
    assert named_code.forget([], gone=True) == []
    assert [e.spec for e in named_code.entries()] == ["math:sqrt"]


def test_past_its_size_the_record_keeps_its_newest_entries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(named_code, "LARGEST", 3 * len(str(tmp_path / "f0.py")) + 3)
    files = []
    for i in range(5):
        f = tmp_path / f"f{i}.py"
        f.write_text("def predict(X):\n    return X\n")
        named_code.remember(f)
        files.append(str(f.resolve()))
    kept = [e.origin for e in named_code.entries()]
    assert kept == files[-len(kept) :] and files[-1] in kept and files[0] not in kept


def test_a_file_is_forgotten_by_a_relative_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "f.py").write_text("def predict(X):\n    return X\n")
    named_code.remember(tmp_path / "f.py")
    monkeypatch.chdir(tmp_path)
    assert [e.origin for e in named_code.forget(["f.py"], gone=False)] == [
        str((tmp_path / "f.py").resolve())
    ]


def test_clear_with_forget_is_refused_and_forgets_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from assay.cli.app import main

    (tmp_path / "f.py").write_text("def predict(X):\n    return X\n")
    named_code.remember(tmp_path / "f.py")
    with pytest.raises(SystemExit) as exit_info:
        main(["code", "--clear", "--forget", str(tmp_path / "f.py")])
    assert exit_info.value.code == 2 and "--clear" in capsys.readouterr().err
    assert len(named_code.entries()) == 1
