"""A grammar read from a named pipe (``mkfifo g.cfg``, a generator script writing into it)
looks like a file in the rerun line: pasted, the command waits for a writer and reads
whatever it writes.  The pipe note (text42) matched ``/dev/fd/N`` and ``/dev/stdin`` only;
the run now records the command's words that were named pipes when it started
(``config["piped"]``) and the note names them (text42's Left 5)."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest

from assay.cli.app import main
from assay.core.piped_paths import named_pipes
from assay.core.runinfo import rerun_note

# (the classifiers by this file's path: ``tests.unit....`` imports only where the repository's
# root is on sys.path, which it is not in every way the suite is run)
HERE = Path(__file__).resolve()

GRAMMAR = 's -> "the food was" q "."\nq -> "good" | "great" | "bad"\n'


def great_is_neg(batch: list[str]) -> list[str]:
    return ["neg" if "great" in s or "bad" in s else "pos" for s in batch]


def bad_is_neg(batch: list[str]) -> list[str]:
    return ["neg" if "bad" in s else "pos" for s in batch]


great_is_neg.classes_ = bad_is_neg.classes_ = ["neg", "pos"]  # type: ignore[attr-defined]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_the_words_naming_a_named_pipe_are_found(tmp_path: Path) -> None:
    fifo, plain = tmp_path / "g.cfg", tmp_path / "m.txt"
    os.mkfifo(fifo)
    plain.write_text("x", encoding="utf-8")
    argv = ["text", "a.py:f", "--grammar", str(fifo), f"--label-map={plain}", f"--x={fifo}"]
    assert named_pipes(argv) == [str(fifo)]  # (each once; a file is none)
    assert named_pipes(None) == []


def test_a_recorded_named_pipe_is_named_by_the_rerun_note() -> None:
    note = rerun_note({"piped": ["g.cfg"]}, "assay text a.py:f --grammar g.cfg") or ""
    assert "g.cfg, a named pipe (`mkfifo`)" in note and "write what it read to a file" in note
    assert rerun_note({"piped": []}, "assay text a.py:f --grammar g.cfg") is None
    assert rerun_note({}, "assay text a.py:f --grammar g.cfg") is None  # (a run stored before)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_run_reading_a_named_pipe_says_so_beside_its_rerun_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    os.mkfifo("g.cfg")

    def write() -> None:
        with open("g.cfg", "w", encoding="utf-8") as f:
            f.write(GRAMMAR)

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    args = ["text", f"{HERE}:great_is_neg", "--grammar", "g.cfg"]
    args += ["--oracle", "differential", "--max-queries", "50", "--seed", "1"]
    args += ["--store", "s.db", "--json"]
    with pytest.raises(SystemExit):
        main([*args[:2], f"{HERE}:bad_is_neg", *args[2:]])
    writer.join(5)
    got = json.loads(capsys.readouterr().out)
    assert "g.cfg, a named pipe" in (got.get("command_note") or ""), got
