"""The plain progress line printed when stderr is not a terminal."""

from __future__ import annotations

import pytest

from assay.cli.console import Output


def _lines(capsys: pytest.CaptureFixture[str], p: dict[str, object]) -> str:
    out = Output()
    with out.progress(100, None) as update:
        update({**p, "final": True})
    return capsys.readouterr().err


def test_progress_line_without_a_phase_has_no_empty_label(
    capsys: pytest.CaptureFixture[str],
) -> None:
    err = _lines(capsys, {"queries": 4, "findings": 2, "elapsed": 0.0})
    assert err.strip() == "4 queries, 2 findings, 0 s"


def test_progress_line_names_its_phase(capsys: pytest.CaptureFixture[str]) -> None:
    err = _lines(capsys, {"phase": "search", "queries": 1234, "findings": 5, "elapsed": 3.0})
    assert err.strip() == "search: 1,234 queries, 5 findings, 3 s"
