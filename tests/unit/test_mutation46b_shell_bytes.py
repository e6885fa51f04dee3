"""mutation46b: surviving mutants of a command line written for a terminal that cannot write
or hold its characters (``core.shell_bytes``): a quote inside a ``$'...'`` word escaped, a
``&&`` read only as a word of its own, ``\\U`` read as 8 hex digits, and an ASCII (C locale)
terminal left to Python's UTF-8."""

from __future__ import annotations

import locale
import shlex
import subprocess

import pytest

from assay.core.shell_bytes import for_terminal


def _latin(line: str) -> str:
    return for_terminal(line, encodings=["latin-1"], argv_encoding="latin-1")


def _bash_words(line: str) -> list[str]:
    """The words bash gives a command of ``line`` (after its settings), as UTF-8 text."""
    shown = subprocess.run(
        ["bash", "-c", line.replace("assay", "printf '%s\\0'", 1)],
        capture_output=True,
        check=True,
    ).stdout
    return shown.decode("utf-8").split("\0")[:-1]


def test_a_quote_in_a_word_written_as_bytes_is_escaped() -> None:
    line = "assay show " + shlex.quote("a'高")
    got = _latin(line)
    assert got == "PYTHONUTF8=1 assay show $'a\\'\\xe9\\xab\\x98'"
    assert _bash_words(got) == ["show", "a'高"]


def test_and_and_is_a_word_of_its_own_or_the_line_is_left_as_it_was() -> None:
    assert _latin("cd 高 &&ls") == "cd 高 &&ls"
    assert _latin("cd 高 && ls") == "cd $'\\xe9\\xab\\x98' && PYTHONUTF8=1 ls"


def test_a_long_unicode_escape_is_read_as_eight_digits() -> None:
    got = _latin("cd 高 && assay show $'\\U00009ad8'")
    assert got == "cd $'\\xe9\\xab\\x98' && PYTHONUTF8=1 assay show $'\\xe9\\xab\\x98'"


def test_an_ascii_terminal_is_left_to_pythons_utf8(monkeypatch: pytest.MonkeyPatch) -> None:
    """Under ``LC_ALL=C`` Python reads its arguments and writes as UTF-8: a line of 高 is
    pasted as it is (the file system's encoding holds it), not rewritten as bytes."""
    monkeypatch.setattr(locale, "getencoding", lambda: "ANSI_X3.4-1968")
    monkeypatch.setattr("sys.getfilesystemencoding", lambda: "utf-8")
    assert for_terminal("assay show 高", encodings=["utf-8"]) == "assay show 高"
    monkeypatch.setattr(locale, "getencoding", lambda: "ISO-8859-1")
    assert for_terminal("assay show 高", encodings=["utf-8"]) == (
        "PYTHONUTF8=1 assay show $'\\xe9\\xab\\x98'"
    )


def test_files_this_terminal_cannot_name_are_it_or_them(monkeypatch: pytest.MonkeyPatch) -> None:
    """IN2: a stored run's one file whose name this terminal's encoding cannot hold is "it",
    two are "them" (the mutant's "them" for one)."""
    import os

    from assay.core.integrity import changed_files_note

    def latin_only(path: str) -> bytes:
        return path.encode("latin-1")

    monkeypatch.setattr(os, "fsencode", latin_only)
    one = {"model": {"sha256": "0" * 64, "path": "/runs/高.onnx"}}
    said = changed_files_note(one)
    assert said is not None and "the model file /runs/高.onnx not checked" in said
    assert said.endswith("cannot name it; the command, with PYTHONUTF8=1, reads it")
    two = {**one, "data": {"sha256": "1" * 64, "path": "/runs/高.csv"}}
    said = changed_files_note(two)
    assert said is not None
    assert said.endswith("cannot name them; the command, with PYTHONUTF8=1, reads them")
