"""An option of one value given twice with different values is refused (exit 2, naming the
option and both values): the parser kept the last and dropped the first without a word, so
``--protected sex --protected race`` tested race alone and could exit 0 whatever the model
did with sex."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer

from assay.cli.app import app, main, register
from assay.cli.repeated import RepeatedOption, refuse_repeated


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exc:
        main(args)
    out = capsys.readouterr()
    return int(exc.value.code or 0), out.out + out.err


@pytest.fixture(scope="module")
def root() -> Any:
    register()
    return typer.main.get_command(app)


def test_a_second_protected_attribute_is_not_dropped_silently(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "runs.db"
    code, out = _run(
        ["fairness", "--dataset", "adult", "--protected", "sex", "--protected", "race",
         "--max-queries", "500", "--store", str(store)],
        capsys,
    )  # fmt: skip
    assert code == 2, out
    assert "--protected was given twice ('sex', then 'race')" in out
    assert "--protected sex,race" in out  # the way to ask for both
    assert "Traceback" not in out
    assert not store.exists()  # refused before anything ran


def test_json_and_junit_readers_get_the_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    junit = tmp_path / "j.xml"
    code, out = _run(
        ["fairness", "--dataset", "adult", "--max-queries=500", "--max-queries", "900",
         "--json", "--junit", str(junit), "--store", str(tmp_path / "r.db")],
        capsys,
    )  # fmt: skip
    assert code == 2
    assert '"kind": "usage_error"' in out and "--max-queries was given twice" in out
    assert 'errors="1"' in junit.read_text()  # never an earlier pass left in place


@pytest.mark.parametrize(
    "args",
    [
        ["fairness", "--protected", "sex", "--protected", "sex"],  # the same value twice
        ["fairness", "--trust", "a.B", "--trust", "c.D"],  # an option of several values
        ["fairness", "--quiet", "--quiet"],  # a flag
        ["fairness", "--exact", "--no-exact"],  # a flag's two spellings
        ["fairness", "--protected", "sex", "--", "--protected", "race"],  # after '--'
        ["text", "--max-queries", "5"],
        ["nonsense", "--a", "1", "--a", "2"],  # the parser says it is unknown
        ["fairness", "--protected"],  # the parser says what is missing
    ],
)
def test_what_is_not_refused(root: Any, args: list[str]) -> None:
    refuse_repeated(root, args)


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["text", "--max-queries", "500", "--max-queries", "600"], "--max-queries"),
        (["backdoor", "m.onnx", "--seed", "1", "--seed=2"], "--seed"),
        (["fairness", "--drop", "a", "--drop", "b"], "--drop a,b"),
        (["report", "R", "--html", "a.html", "--html", "b.html"], "--html"),
    ],
)
def test_every_command_refuses_a_repeated_value(root: Any, args: list[str], said: str) -> None:
    with pytest.raises(RepeatedOption, match="given twice") as exc:
        refuse_repeated(root, args)
    assert said in str(exc.value)
    assert exc.value.ctx.command_path == f"assay {args[0]}"


@pytest.mark.parametrize("value", ["", " , "])
def test_an_empty_protected_list_is_refused_not_taken_for_the_default(
    value: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--protected "$ATTRS"`` with the variable unset tested the dataset's default (sex)."""
    store = tmp_path / "runs.db"
    code, out = _run(
        ["fairness", "--dataset", "adult", "--protected", value, "--max-queries", "500",
         "--store", str(store)],
        capsys,
    )  # fmt: skip
    assert code == 2 and "names no attribute" in out, out
    assert not store.exists()
