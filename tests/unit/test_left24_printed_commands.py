"""The command a run prints to reproduce it holds what changed the run, and works pasted:
an option given empty text (a script's empty variable: ``--trust "$TRUST"``) is left out as
the run left it out, a model file whose name starts with ``-`` is given as ``./-name``, and
options a run would have ignored (``--schema`` beside ``--dataset``) or refused only after its
search (``--favourable`` naming no class) are refused before a run is made."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest

from assay.cli.app import main

_GERMAN = ["fairness", "--dataset", "german", "--protected", "sex", "--max-queries", "300",
           "--no-determinism-check", "--seed", "1"]  # fmt: skip


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(args)
    out = capsys.readouterr()
    return int(exc.value.code or 0), out.out, out.err


def _command(args: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    code, out, err = _run([*args, "--json"], capsys)
    assert code in (0, 1), err
    command: str = json.loads(out)["command"]
    return command


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        (["--trust", ""], None),
        (["--trust", "", "--trust", "x.Y"], "--trust x.Y"),
        (["--drop", " "], None),
        (["--header-env", ""], None),
        (["--template", ""], None),
        (["--output", ""], None),
        (["--label", ""], None),
    ],
)
def test_an_option_given_empty_is_left_out_of_the_rerun_command(
    given: list[str], kept: str | None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    command = _command([*_GERMAN, *given, "--store", str(tmp_path / "r.db")], capsys)
    assert "''" not in command and "' '" not in command, command
    words = shlex.split(command)
    if kept is not None:
        assert kept in command
        assert words.count(kept.split()[0]) == 1  # the empty one left out, the other kept


def test_a_model_named_with_a_dash_is_given_so_that_the_pasted_command_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "we ird $HOME d'é"
    folder.mkdir()
    (folder / "-m.py").write_text(
        "import numpy as np\n"
        "def predict(X):\n"
        "    X = np.asarray(X)\n"
        "    return ((X[:, 0].astype(float) > 40) & (X[:, 1] == 'M')).astype(int)\n"
    )
    rows = ["age,sex"] + [f"{18 + (i * 7) % 50},{'MF'[i % 2]}" for i in range(60)]
    (folder / "da ta$x'é.csv").write_text("\n".join(rows) + "\n")
    monkeypatch.chdir(folder)
    args = ["fairness", "--data", "da ta$x'é.csv", "--protected", "sex", "--max-queries",
            "200", "--seed", "3", "--store", "st ore$é.db", "--no-determinism-check",
            "--json", "--", "-m.py:predict"]  # fmt: skip
    code, out, err = _run(args, capsys)
    assert code == 1, err
    first = json.loads(out)
    command = first["command"]
    assert " ./-m.py:predict " in command
    # pasted elsewhere: `cd DIR && assay ...`, as a shell splits it
    monkeypatch.chdir(tmp_path)
    words = shlex.split(command)
    assert words[:3] == ["cd", str(folder), "&&"] and words[3] == "assay"
    monkeypatch.chdir(words[1])
    code, out, err = _run([*words[4:], "--json"], capsys)
    assert code == 1, err
    again = json.loads(out)
    found = "IDIs found"
    assert again["summary"]["metrics"][found] == first["summary"]["metrics"][found] > 0


@pytest.mark.parametrize(
    ("given", "said"),
    [
        (["--schema", "s.yaml"], "brings its own schema: leave --schema out"),
        (["--schema", ""], "brings its own schema: leave --schema out"),
        (["--label", "y"], "brings its own labels"),
        (["--drop", "age"], "leave --drop out"),
        (["--favourable", "approved"], "'approved' is not one of the model's classes: bad, good"),
    ],
)
def test_an_option_the_run_would_ignore_or_refuse_late_is_refused_before_it(
    given: list[str], said: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "r.db"
    code, out, err = _run([*_GERMAN, *given, "--store", str(store)], capsys)
    assert code == 2, out + err
    assert said in err
    assert not store.exists()  # no run made, nothing searched first


def test_the_api_refuses_a_schema_file_beside_a_dataset_too(tmp_path: Path) -> None:
    import assay
    from assay.errors import UsageError

    with pytest.raises(UsageError, match="brings its own schema"):
        assay.check_fairness(
            dataset="german", schema=tmp_path / "s.yaml", protected="sex", max_queries=300,
            store=tmp_path / "r.db",
        )  # fmt: skip
    assert not (tmp_path / "r.db").exists()
