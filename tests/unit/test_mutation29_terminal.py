"""``core.terminal`` (hostile28): a ``$'...'`` word holding a quote or a backslash beside a
control character reads back in bash as it was, and a message cut in its middle says how
many characters were cut (each test kills a hand-made mutant hostile28's tests let live)."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from assay.core.terminal import LONGEST_LINE, shell_join, terminal_text


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_a_control_word_with_a_quote_and_a_backslash_reads_back_in_bash() -> None:
    words = ["assay", "it's\x1b[2J a \\ back", "\x07'\\'"]
    line = shell_join(words)
    assert line.isprintable() and "$'" in line
    got = subprocess.run(
        ["bash", "-c", f"printf '%s\\0' {line}"],
        capture_output=True,
        check=True,
        env={**os.environ, "LC_ALL": "C.UTF-8"},
    ).stdout
    assert got.decode("utf-8").split("\x00")[:-1] == words


def test_a_cut_message_says_how_many_characters_it_cut() -> None:
    text = "a" * 15_000 + "b" * 15_000
    shown = terminal_text(text)
    assert shown == f"{'a' * 10_000} [... 10,000 characters cut ...] {'b' * 10_000}"
    assert len(text) - 2 * (LONGEST_LINE // 2) == 10_000
