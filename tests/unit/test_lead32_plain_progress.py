"""Progress lines in a pipe (stderr not a terminal) say each phase's counts as it ended, not
only the counts it started from: a CI log read "search: 440 queries, 0 findings" (the group
metrics' queries, asked before the search) and then "estimate: 1,340 queries, 42 findings",
so the search seemed to have found nothing (hostile33's Left 1)."""

from __future__ import annotations

import pytest

from assay.cli.console import Output


def _plain_lines(capsys: pytest.CaptureFixture[str], events: list[dict[str, object]]) -> list[str]:
    out = Output()  # stderr captured: not a terminal
    with out.progress(1000, None) as update:
        for event in events:
            update(event)
    return [line.strip() for line in capsys.readouterr().err.splitlines()]


def test_a_search_that_found_its_findings_between_lines_says_them_before_the_next_phase(
    capsys: pytest.CaptureFixture[str],
) -> None:
    lines = _plain_lines(
        capsys,
        [
            {"phase": "checks"},
            {"phase": "search", "queries": 440, "findings": 0, "elapsed": 0.1},
            {"phase": "search", "queries": 900, "findings": 30, "elapsed": 0.2},
            {"phase": "done", "queries": 1340, "findings": 42, "elapsed": 0.3},
            {"phase": "estimate", "queries": 1340, "findings": 42, "elapsed": 0.3},
            {"phase": "estimate", "queries": 1800, "findings": 42, "elapsed": 0.4},
            {"phase": "done", "queries": 1800, "findings": 42, "elapsed": 0.4, "final": True},
        ],
    )
    assert lines == [
        "checks: 0 s",
        "search: 440 queries, 0 findings, 0 s",
        "search: 1,340 queries, 42 findings, 0 s",
        "estimate: 1,340 queries, 42 findings, 0 s",
        "done: 1,800 queries, 42 findings, 0 s",
    ]


def test_a_phase_whose_last_line_was_said_is_not_said_twice(
    capsys: pytest.CaptureFixture[str],
) -> None:
    lines = _plain_lines(
        capsys,
        [
            {"phase": "search", "queries": 10, "findings": 1, "elapsed": 0.1},
            {"phase": "answer"},
            {"phase": "done", "queries": 10, "findings": 1, "elapsed": 0.2, "final": True},
        ],
    )
    assert lines == [
        "search: 10 queries, 1 findings, 0 s",
        "answer: 0 s",
        "done: 10 queries, 1 findings, 0 s",
    ]
