"""mutation41: a ``--json`` command whose model replaced ``sys.stdout`` (a ``StringIO`` to
silence a library) and then failed lost its JSON error document: the failure's ``Output``
kept stdout again, taking the model's ``StringIO`` for it (``sys.stdout`` was no longer the
stderr the command's first keep made of it), and stdout was left empty (exit 3, nothing to
parse).  Found through ST3 (``kept_streams.restored`` putting the streams back inside a
command, which hid it); reproduced end to end with ``assay fairness m.py:predict ... --json``
on a model that sets ``sys.stdout = io.StringIO()`` in its 3rd call and raises in its 6th."""

from __future__ import annotations

import io
import json
import sys

import pytest

from assay.cli.console import Output, command_streams


def test_a_second_json_output_of_a_command_writes_where_the_first_kept_stdout(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdout", sys.stdout)  # (put back after the test)
    monkeypatch.setattr(sys, "stderr", sys.stderr)
    models = io.StringIO()
    with command_streams():
        Output(as_json=True)  # (the command's own, at its start: stdout kept for the JSON)
        sys.stdout = models  # (the model's, in one of its calls, never put back)
        Output(quiet=True, as_json=True).emit_json({"error": "the model failed"})
    assert models.getvalue() == ""  # before: the JSON document went here
    assert json.loads(capsys.readouterr().out) == {"error": "the model failed"}


def test_a_command_after_it_keeps_stdout_afresh(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """(The keep is the command's: the next command, the program's stdout replaced by it
    meanwhile, keeps the one it finds.)"""
    monkeypatch.setattr(sys, "stdout", sys.stdout)
    monkeypatch.setattr(sys, "stderr", sys.stderr)
    with command_streams():
        Output(as_json=True)
    mine = io.StringIO()
    sys.stdout = mine
    with command_streams():
        Output(quiet=True, as_json=True).emit_json({"n": 1})
    assert json.loads(mine.getvalue()) == {"n": 1}
