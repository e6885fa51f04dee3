"""Plain progress lines (stderr not a terminal): a phase's counts as it ended are said before
the next phase's line, once, and never counts older than a line already said; a phase that
counts nothing (the answer, the checks) never has a line of counts said for it
(mutation34: mutants PL4, PL5 of ``cli/console.py`` survived the lead's tests)."""

from __future__ import annotations

import time

import pytest

from assay.cli.console import Output


class _Clock:
    """``time.monotonic`` as the test sets it."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _lines(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    events: list[tuple[float, dict[str, object]]],
) -> list[str]:
    clock = _Clock()
    monkeypatch.setattr(time, "monotonic", clock)
    out = Output()  # stderr captured: not a terminal
    with out.progress(1000, None) as update:
        for at, event in events:
            clock.now = 1000.0 + at
            update(event)
    return [line.strip() for line in capsys.readouterr().err.splitlines()]


def test_a_line_said_on_time_is_not_followed_by_older_counts(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = _lines(
        capsys,
        monkeypatch,
        [
            (0.0, {"phase": "search", "queries": 10, "findings": 0, "elapsed": 0.0}),
            (1.0, {"phase": "search", "queries": 20, "findings": 1, "elapsed": 1.0}),
            (6.0, {"phase": "search", "queries": 30, "findings": 2, "elapsed": 6.0}),
            (7.0, {"phase": "estimate", "queries": 30, "findings": 2, "elapsed": 7.0}),
            (8.0, {"phase": "done", "queries": 40, "findings": 2, "elapsed": 8.0, "final": True}),
        ],
    )
    assert lines == [
        "search: 10 queries, 0 findings, 0 s",
        "search: 30 queries, 2 findings, 6 s",  # (said at 5 s and more: its 20 said no more)
        "estimate: 30 queries, 2 findings, 7 s",
        "done: 40 queries, 2 findings, 8 s",
    ]


def test_a_phase_that_counts_nothing_gets_no_line_of_counts(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = _lines(
        capsys,
        monkeypatch,
        [
            (0.0, {"phase": "search", "queries": 10, "findings": 1, "elapsed": 0.0}),
            (1.0, {"phase": "answer", "elapsed": 1.0}),
            (2.0, {"phase": "answer", "elapsed": 2.0}),  # (no line: within 5 s)
            (3.0, {"phase": "checks", "elapsed": 3.0}),
            (4.0, {"phase": "done", "queries": 10, "findings": 1, "elapsed": 4.0, "final": True}),
        ],
    )
    assert lines == [
        "search: 10 queries, 1 findings, 0 s",
        "answer: 1 s",
        "checks: 3 s",
        "done: 10 queries, 1 findings, 4 s",
    ]
