"""left28b's why-the-direction-is-sampled note, where its tests did not look (each test kills
a hand-made mutant): a second run that had too little of --exact-time left to start is said
so (not 'did not finish'), and an attribute whose number of values is not known is said to
have 3 or more."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from test_left28b_direction_note import _forest_summary

import assay.fairness.exact.analysis as analysis_module
from assay.fairness.exact.analysis import why_not_again


def test_a_second_run_with_no_time_left_to_start_is_said_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first run took all of --exact-time (a clock moved on by its budget once it ends):
    the second is not started, and the note says it had too little time to start."""
    real = analysis_module._analyse

    class Clock:
        offset = 0.0

        def monotonic(self) -> float:
            return time.monotonic() + self.offset

    clock = Clock()
    started: list[Any] = []

    def first_takes_it_all(*args: Any, **kwargs: Any) -> Any:
        started.append(kwargs["direction"])
        out = real(*args, **kwargs)
        if kwargs["direction"] is None:
            clock.offset += float(kwargs["time_budget"])
        return out

    monkeypatch.setattr(analysis_module, "time", clock)
    monkeypatch.setattr(analysis_module, "_analyse", first_takes_it_all)
    (exact,) = _forest_summary(tmp_path)["exact"]
    assert exact["status"] == "exact" and True not in started, (exact, started)
    why = exact["direction_sampled"]
    assert why and "with 3 values" in why and "had too little of --exact-time left to start" in why


def test_an_attribute_of_an_unknown_number_of_values_is_said_to_have_3_or_more() -> None:
    said = why_not_again(0, 2.5, tried=True)
    assert said.startswith("with 3 or more values, counting it takes a second run")
    assert "did not finish in the 2.5 s of --exact-time left" in said
    assert why_not_again(4, 0.0, tried=False).startswith("with 4 values,")


def test_the_reason_said_is_the_attributes_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two attributes analysed exactly, one whose direction is left to the sample without a
    reason of its own: its line does not borrow the other's reason."""
    from test_left28b_direction_note import _line, _no_time_for_a_second_run

    _no_time_for_a_second_run(monkeypatch)
    summary = _forest_summary(tmp_path)
    (exact,) = summary["exact"]
    reason = exact["direction_sampled"]
    assert reason and "sampled IDIs (not counted over the exact boxes:" in _line(summary, capsys)
    summary["exact"] = [{**exact, "direction_sampled": None}, {"attribute": "other",
                        "direction_sampled": reason}]  # fmt: skip
    line = _line(summary, capsys)
    assert "sampled IDIs" in line and "not counted over the exact boxes" not in line, line
