"""``core.shell_bytes.for_terminal``: a command line for a terminal whose encoding cannot
write every character of it (left45o)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from assay.core.shell_bytes import for_terminal

LINE = (
    "cd '/tmp/数据' && PYTHONPATH=. assay fairness '模型.py:predict' "
    "--label 'revenu élevé' --seed 1 --x=$'a\\x1bb'"
)


def test_a_word_a_latin1_terminal_cannot_hold_is_given_as_its_utf8_bytes() -> None:
    """The run's words came from a UTF-8 terminal: every word beyond ASCII as its UTF-8
    bytes (``é`` too: Python reads them all as UTF-8 there), ``PYTHONUTF8=1`` before assay."""
    line = for_terminal(LINE, encodings=["iso8859-1"], argv_encoding="iso8859-1")
    assert line == (
        "cd $'/tmp/\\xe6\\x95\\xb0\\xe6\\x8d\\xae' && PYTHONPATH=. PYTHONUTF8=1 assay fairness "
        "$'\\xe6\\xa8\\xa1\\xe5\\x9e\\x8b.py:predict' --label $'revenu \\xc3\\xa9lev\\xc3\\xa9' "
        "--seed 1 $'--x=a\\x1bb'"
    )


def test_a_line_the_terminal_writes_is_left_as_it_is() -> None:
    latin = "assay show x --label 'revenu élevé'"
    assert for_terminal(latin, encodings=["iso8859-1"], argv_encoding="iso8859-1") == latin
    assert for_terminal(LINE, encodings=["utf-8"], argv_encoding="utf-8") == LINE
    odd = "assay show '好' | tee x"  # (not a line of assay's shape: as it was)
    assert for_terminal(odd, encodings=["ascii"], argv_encoding="ascii") == odd


def test_a_stream_narrower_than_the_locale_gets_the_locales_bytes_without_the_setting() -> None:
    """``PYTHONIOENCODING=ascii`` in a UTF-8 terminal: ``é`` written ``\\xc3\\xa9``, the line
    printed without ``\\xe9`` escapes assay would read as backslashes."""
    line = for_terminal(
        "assay show x --label 'revenu élevé' --store '/a/b\udce9'",
        encodings=["ascii"], argv_encoding="utf-8",
    )  # fmt: skip
    assert line == "assay show x --label $'revenu \\xc3\\xa9lev\\xc3\\xa9' --store $'/a/b\\xe9'"


@pytest.mark.skipif(shutil.which("bash") is None, reason="no bash")
def test_the_line_pasted_in_bash_gives_the_same_words(tmp_path: Path) -> None:
    """The words of the line, run by bash, reach Python as the run's words were (an
    ``assay`` on the PATH that prints its arguments)."""
    probe = tmp_path / "assay"
    probe.write_text(
        f"#!{sys.executable}\nimport json, os, sys\n"
        "print(json.dumps([os.getcwd(), os.environ.get('PYTHONUTF8'), *sys.argv[1:]]))\n"
    )
    probe.chmod(0o755)
    (tmp_path / "数据").mkdir()
    words = ["fairness", "模型.py:predict", "--label", "revenu élevé", "--x=a\x1bb"]
    line = f"cd '{tmp_path}/数据' && PYTHONPATH=. assay " + " ".join(
        "'" + w + "'" if " " in w or not w.isascii() else w for w in words[:-1]
    )
    line += " --x=$'a\\x1bb'"
    pasted = for_terminal(line, encodings=["iso8859-1"], argv_encoding="iso8859-1")
    env = {**os.environ, "PATH": f"{tmp_path}{os.pathsep}{os.environ['PATH']}", "LC_ALL": "C"}
    env.pop("PYTHONUTF8", None)
    done = subprocess.run(["bash", "-c", pasted], env=env, capture_output=True, timeout=60)
    got = json.loads(done.stdout)
    assert got == [str(tmp_path / "数据"), "1", *words], (pasted, done.stderr)
