"""``--call-timeout`` bounds loading's calls too: a text classifier that hung on the sentences
loading asks it (the 2 of the probe, or the 64 asked of one answering labels by name) was
waited on for the default 60 s whatever ``--call-timeout`` said, and the error then said
"did not answer within 60 s (--call-timeout)" of a run given ``--call-timeout 5``."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assay.cli.app import app, register
from assay.core.store import RunStore
from assay.errors import ModelError
from assay.text.api import check_text

register()
GRAMMAR = 'S -> "the" N "is" A\nN -> "food" | "tea" | "soup" | "cake"\nA -> "good" | "bad"\n'
RELEASE = threading.Event()  # set at the end: no thread is left waiting


def quick(batch: Sequence[str]) -> list[str]:
    return ["pos" if "good" in s else "neg" for s in batch]


def hangs_on_many(batch: Sequence[str]) -> list[str]:
    """Answers loading's 2 sentences, hangs on the 64 asked to read its labels."""
    if len(batch) > 2:
        RELEASE.wait(40)
    return quick(batch)


def hangs_always(batch: Sequence[str]) -> list[str]:
    RELEASE.wait(40)
    return quick(batch)


hangs_always.classes_ = ["neg", "pos"]  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _release() -> object:
    RELEASE.clear()
    yield None
    RELEASE.set()


@pytest.mark.parametrize("hung", [hangs_on_many, hangs_always])
def test_loading_a_hung_classifier_stops_at_the_call_timeout(tmp_path: Path, hung: object) -> None:
    started = time.monotonic()
    with pytest.raises(ModelError, match=r"within 1\.5 s"):
        check_text(
            [quick, hung],
            grammar=GRAMMAR,
            max_queries=300,
            seed=1,
            call_timeout=1.5,
            store=RunStore(tmp_path / "runs.db"),
        )
    assert time.monotonic() - started < 20


def test_the_command_line_says_the_timeout_it_was_given(tmp_path: Path) -> None:
    (tmp_path / "g.cfg").write_text(GRAMMAR, encoding="utf-8")
    (tmp_path / "clf.py").write_text(
        "import time\n"
        "def quick(batch):\n    return ['pos' if 'good' in s else 'neg' for s in batch]\n"
        "def hangs(batch):\n    time.sleep(30 if len(batch) > 2 else 0)\n    return quick(batch)\n",
        encoding="utf-8",
    )
    started = time.monotonic()
    result = CliRunner().invoke(
        app,
        [
            "text",
            f"{tmp_path}/clf.py:quick",
            f"{tmp_path}/clf.py:hangs",
            "--grammar",
            str(tmp_path / "g.cfg"),
            "--max-queries",
            "300",
            "--call-timeout",
            "2",
            "--store",
            str(tmp_path / "runs.db"),
        ],
    )
    assert result.exit_code == 3, result.output
    assert "within 2 s" in result.output, result.output
    # no run was made: nothing "made before" is kept (the line said both)
    assert "No run was made" in result.output and "are kept" not in result.output
    assert time.monotonic() - started < 20
