"""Three lines a new user met that said less than they should: ``--threshold 1`` refused
"must be between 0 and 1, not 1.0"; "determinism checks: 31 queries in 1 calls"; and the
refusal to resume or verify a run of in-memory classifiers on the command line asked for
``model=[...]``, a Python keyword, as if the command took it, and its resume lines (after
the refusal, in ``assay show``) gave ``assay resume RUN``, which can never load them."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assay.cli.app import app, register
from assay.cli.text_cmd import _checks_line
from assay.core.store import RunStore
from assay.errors import UsageError
from assay.text.api import check_text

register()
GRAMMAR = 'S -> "the" N "is" A\nN -> "food" | "tea" | "soup" | "cake"\nA -> "good" | "bad"\n'


def first(batch: Sequence[str]) -> list[str]:
    return ["pos" if "good" in s else "neg" for s in batch]


def second(batch: Sequence[str]) -> list[str]:
    return ["pos" if "good" in s and "tea" not in s else "neg" for s in batch]


def test_a_threshold_of_one_is_refused_saying_the_ends_are_out(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="above 0 and below 1"):
        check_text(
            [first, second], grammar=GRAMMAR, mode="distance", threshold=1.0, max_queries=100,
            store=RunStore(tmp_path / "runs.db"),
        )  # fmt: skip


def test_one_call_is_one_call() -> None:
    line = _checks_line({"determinism": {"queries": 31, "calls": 1, "within_budget": True}})
    assert line is not None and "31 queries in 1 call (" in line, line
    line = _checks_line({"determinism": {"queries": 1, "calls": 2, "within_budget": True}})
    assert line is not None and "1 query in 2 calls (" in line, line


def test_resuming_in_memory_classifiers_on_the_command_line_says_how(tmp_path: Path) -> None:
    class After:  # the run stops at its first steps: interrupted, resumable
        n = 0

        def is_set(self) -> bool:
            self.n += 1
            return self.n > 2

    store = RunStore(tmp_path / "runs.db")
    r = check_text(
        [first, second], grammar="builtin:reviews", max_queries=3000, seed=1, store=store,
        stop=After(),
    )  # fmt: skip
    assert r.status == "interrupted", r.headline
    got = CliRunner().invoke(app, ["resume", r.run_id, "--store", str(tmp_path / "runs.db")])
    assert got.exit_code == 2, got.output
    assert "assay.resume_run(" in got.output and "command line has no way" in got.output
    # the resume lines (after the refusal, and of assay show) say the same, never a command
    # that can never work
    assert f"assay resume {r.run_id}" not in got.output, got.output
    shown = CliRunner().invoke(app, ["show", r.run_id, "--store", str(tmp_path / "runs.db")])
    assert f"assay.resume_run({r.run_id!r}" in shown.output, shown.output
    assert f"assay resume {r.run_id}" not in shown.output, shown.output
