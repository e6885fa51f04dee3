"""What a hostile string does to the terminal: a column name, a category, a label or a file
name holding ``ESC ] 0 ; ... BEL`` set the terminal's title, ``ESC [ 2 J`` cleared it and
U+202E reversed the rest of the line, in every line of ``assay fairness`` (the answer, the
example, the headline, the printed commands), of ``assay runs``/``show`` and in error
messages.  Every line the command line prints now shows them as escapes, and a printed
command quotes such a word as ``$'...'``, so that it still runs pasted into bash."""

from __future__ import annotations

import io
import os
import shlex
import shutil
import subprocess

import pytest

from assay.cli.console import Output
from assay.core.runinfo import pasteable
from assay.core.terminal import shell_join, shown_command, terminal_text

HOSTILE = [
    "\x1b]0;pwned\x07sex",
    "F\x1b[2J",
    "M\u202egnp.exe",
    "X\x9b31m",
    "nul\x00byte",
    "cr\rover",
    "del\x7f",
    "sep\u2028line",
    "tag\U000e0041",
    "it's a \\ back",
]


@pytest.mark.parametrize("text", HOSTILE[:9])
def test_a_control_character_is_shown_as_an_escape(text: str) -> None:
    shown = terminal_text(text)
    assert shown.isprintable(), repr(shown)
    assert shown != text


def test_plain_text_layout_and_scripts_are_kept() -> None:
    for text in ["plain", "two\nlines\tand a tab", "Ωμέγα 名前 مرحبا", "emoji 👩\u200d💻"]:
        assert terminal_text(text) == text


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_a_command_word_with_a_control_character_reads_back_in_bash() -> None:
    words = ["assay", "fairness", "m.py:f", "--protected", *HOSTILE, "a b", "--x=y"]
    line = shell_join(words)
    assert line.isprintable()
    got = subprocess.run(
        ["bash", "-c", f"printf '%s\\0' {line}"],
        capture_output=True,
        check=True,
        env={**os.environ, "LC_ALL": "C.UTF-8"},  # ($'\u202e' needs a UTF-8 locale)
    ).stdout
    # (bash cannot pass a NUL in an argument: the word ends there, as it would in any argv)
    want = [w.split("\x00")[0] for w in words]
    assert got.decode("utf-8").split("\x00")[:-1] == want


def test_a_command_without_control_characters_is_shlex_join() -> None:
    words = ["assay", "fairness", "my model.py:f", "--protected", "sex,race"]
    assert shell_join(words) == shlex.join(words)
    assert shown_command(shlex.join(words)) == shlex.join(words)


def test_the_printed_rerun_command_quotes_a_hostile_column_for_the_shell() -> None:
    command = shlex.join(["assay", "fairness", "m.py:f", "--protected", "\x1b]0;pwned\x07sex"])
    shown = pasteable(command, {"cwd": "/tmp/\x1b[2Jdir"}, anywhere=True)
    assert shown.isprintable()
    assert "--protected $'\\x1b]0;pwned\\x07sex'" in shown
    assert shown.startswith("cd $'/tmp/\\x1b[2Jdir' && assay fairness")


def test_every_line_of_the_command_line_is_escaped(monkeypatch: pytest.MonkeyPatch) -> None:
    out = Output()
    buffers = {"out": io.StringIO(), "err": io.StringIO()}
    out.out.file = buffers["out"]
    out.err.file = buffers["err"]
    for text in HOSTILE:
        out.say(f"say {text}")
        out.note(f"note {text}")
        out.error(f"error {text}")
    written = buffers["out"].getvalue() + buffers["err"].getvalue()
    assert "\x1b" not in written and "\x07" not in written and "\u202e" not in written
    assert "\x9b" not in written and "\x00" not in written and "\r" not in written
    assert "say \\x1b]0;pwned\\x07sex" in written


def test_a_message_of_megabytes_is_cut_in_its_middle() -> None:
    from assay.core.terminal import LONGEST_LINE

    message = "label values ('0', '" + "Y" * 10_000_000 + "') are names: the end"
    shown = terminal_text(message)
    assert len(shown) < LONGEST_LINE + 100
    assert shown.startswith("label values ('0', 'YYY") and shown.endswith("are names: the end")
    assert "characters cut" in shown
    assert terminal_text("x" * LONGEST_LINE) == "x" * LONGEST_LINE
