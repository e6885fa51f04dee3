"""exact27's Left: an ensemble's exact analysis of an attribute of 3 or more values counts who
is favoured in a second run, in the time left; when that run did not finish, the terminal
said "in X % of N sampled IDIs" beside an exact share, without why.  It says why now (and
the JSON's ``exact[].direction_sampled``), naming --exact-time."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import RandomForestClassifier

import assay.fairness.exact.analysis as analysis_module
from assay.cli.answer_lines import say_answer
from assay.cli.console import Output
from assay.fairness.api import check_fairness


def _forest_summary(tmp_path: Path) -> dict[str, Any]:
    rng = np.random.default_rng(0)
    n = 3000
    x = rng.uniform(0, 50, n).round(3)
    group = rng.integers(0, 3, n)
    y = ((x > 30) | ((group == 2) & (x > 20))).astype(int)
    model = RandomForestClassifier(n_estimators=5, max_depth=4, random_state=0)
    model.fit(np.column_stack([x, group]), y)
    frame = pd.DataFrame({"x": x, "group": group})
    result = check_fairness(
        model, data=frame, protected="group", max_queries=2000, seed=3, exact=True,
        store=tmp_path / "runs.db",
    )  # fmt: skip
    return result.summary


def _line(summary: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()
    say_answer(Output(), summary, exact=True)
    return next(s for s in capsys.readouterr().out.splitlines() if s.startswith("group:"))


def _no_time_for_a_second_run(monkeypatch: pytest.MonkeyPatch) -> None:
    real = analysis_module._analyse

    def second_cut(*args: Any, **kwargs: Any) -> Any:  # (the second run finds no time)
        if kwargs["direction"] is True:
            kwargs["time_budget"] = 1e-9
        return real(*args, **kwargs)

    monkeypatch.setattr(analysis_module, "_analyse", second_cut)


def test_a_direction_left_to_the_sample_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _no_time_for_a_second_run(monkeypatch)
    summary = _forest_summary(tmp_path)
    (exact,) = summary["exact"]
    assert exact["status"] == "exact", exact
    why = exact["direction_sampled"]
    assert why and "with 3 values" in why and "second run" in why and "--exact-time" in why
    line = _line(summary, capsys)
    assert "sampled IDIs (not counted over the exact boxes: with 3 values" in line, line


def test_a_direction_counted_over_the_boxes_says_nothing_more(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    summary = _forest_summary(tmp_path)
    assert summary["exact"][0]["direction_sampled"] is None
    line = _line(summary, capsys)
    assert "exact: every box counted" in line and "not counted" not in line, line
