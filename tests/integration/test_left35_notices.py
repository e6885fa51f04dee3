"""The plain-HTTP credential warning goes through assay's warning channel
(``core.notices``; hostile34b's Left: it went to stderr directly): the command line's
stderr, silenced by ``--quiet``; ``resume_run``'s ``on_note``; else an ``AssayWarning``.
And the API's notes name the program as the command line prints it (left34's Left 1)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

import assay
from assay.cli.app import main
from assay.core import program
from assay.core.notices import AssayWarning
from assay.core.store import RunStore
from assay.models import http_plain

FIT: dict[str, Any] = {"protected": "sex", "label": "y", "max_queries": 300}
SAID = "credentials (Authorization) go to http://127.0.0.1:"


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> Any:
    """A served model at 127.0.0.1 taken for another host (the warning's case); its URL
    with a password."""
    from serving_servers import FaultServer

    def answer(x: np.ndarray) -> np.ndarray:
        p = ((x[:, 0] > 40) | (x[:, 1] > 0)).astype(float)
        return np.stack([p, 1 - p], axis=1)

    monkeypatch.setattr(http_plain, "is_loopback", lambda host: False)
    http_plain._said.clear()
    with FaultServer(answer) as server:
        yield server.url.replace("http://", "http://alice:pw4left35@")
    http_plain._said.clear()


def _data(tmp: Path) -> str:
    rows = "".join(f"{20 + i % 50},{i % 2},{i % 3 % 2}\n" for i in range(200))
    (tmp / "d.csv").write_text("age,sex,y\n" + rows)
    return str(tmp / "d.csv")


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    return int(exit_info.value.code or 0), capsys.readouterr().err


def test_quiet_silences_the_warning_and_without_it_the_command_says_it(
    served: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fit = ("--protected", "sex", "--label", "y", "--max-queries", "300")
    run = ("fairness", served, "--data", _data(tmp_path), *fit)
    code, err = _cli(capsys, *run, "--store", str(tmp_path / "a.db"), "--quiet")
    assert code in (0, 1), err
    assert "credentials" not in err
    http_plain._said.clear()
    code, err = _cli(capsys, *run, "--store", str(tmp_path / "b.db"))
    assert code in (0, 1), err
    assert f"assay: warning: {SAID}" in err and "pw4left35" not in err


def test_the_api_warns_and_resume_run_tells_on_note(served: str, tmp_path: Path) -> None:
    store = tmp_path / "r.db"
    with pytest.warns(AssayWarning, match="over plain HTTP"):
        first = assay.check_fairness(served, data=_data(tmp_path), **FIT, store=store)
    with RunStore(store) as opened:
        opened.checkpoint(first.run_id, status="interrupted")
    http_plain._said.clear()
    notes: list[str] = []
    assay.resume_run(first.run_id, store=store, model=served, on_note=notes.append)
    assert [n for n in notes if SAID in n] and not any("pw4left35" in n for n in notes)


def test_the_apis_notes_name_the_program_as_the_command_line_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A note holding a command (here the wall-clock note, made to hold one) names assay as
    the command line prints it: ``python -m assay`` where ``assay`` is not on the PATH,
    once (the command line prints the API's note as it came)."""
    store = tmp_path / "r.db"
    first = assay.check_fairness(_rule_file(tmp_path), data=_data(tmp_path), **FIT, store=store)
    here = "/venv/bin/python -m assay"
    monkeypatch.setattr(program, "program", lambda: here)
    monkeypatch.setattr(
        "assay.api.resumed_time_note", lambda *a, **k: f"see it: assay show {first.run_id}"
    )
    with RunStore(store) as opened:
        opened.checkpoint(first.run_id, status="interrupted")
    notes: list[str] = []
    assay.resume_run(first.run_id, store=store, on_note=notes.append)
    assert f"see it: {here} show {first.run_id}" in notes
    with RunStore(store) as opened:
        opened.checkpoint(first.run_id, status="interrupted")
    code, err = _cli(capsys, "resume", first.run_id, "--store", str(store))
    assert code in (0, 1), err
    assert f"note: see it: {here} show {first.run_id}" in err


def _rule_file(tmp: Path) -> str:
    (tmp / "rule.py").write_text(
        "def predict(X):\n    return ((X[:, 0] > 40) | (X[:, 1] > 0)).astype(int)\n"
    )
    return str(tmp / "rule.py") + ":predict"


def test_a_command_rewritten_once_is_not_rewritten_again(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(program, "program", lambda: "/venv/bin/python -m assay")
    once = program.as_invoked("resume with: assay resume RUN")
    assert once == "resume with: /venv/bin/python -m assay resume RUN"
    assert program.as_invoked(once) == once
