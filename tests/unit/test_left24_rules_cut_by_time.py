"""The exact regions' rule search stopped by the answer's deadline says so: its rules are the
best found before it, not the whole search's, and the answer line, the JSON (``cut_by_time``,
``idis_left``), the HTML and ``assay show`` say it, with the share of the IDIs they leave out.

The deadline is made to pass right after the first rule is grown (a clock that jumps), so the
cut is the same on any machine."""

from __future__ import annotations

import itertools
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
from sklearn.tree import DecisionTreeClassifier

import assay.fairness.exact.rules as rules_module
from assay.fairness.exact.rules import FoundRules, exact_rules, row_set
from assay.fairness.regions import Rule
from assay.fairness.schema import Feature, Schema

S = Schema(
    (
        Feature("x0", "integer", 0, 14),
        Feature("sex", "integer", 0, 1),
        Feature("x1", "integer", 0, 14),
    ),
    protected=("sex",),
)
FIRST = {0: (2.0, 6.0), 2: (9.0, 13.0)}  # 25 inputs of 225 (sex aside)
SECOND = {0: (11.0, 12.0), 2: (1.0, 2.0)}  # 4 inputs


def _grid() -> np.ndarray:
    axes = [np.arange(f.encoded_low, f.encoded_high + 1) for f in S.features]
    return np.array(list(itertools.product(*axes)), dtype=np.float64)


def _jumping_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """The rule search's clock jumps an hour once its first rule is grown."""
    jumped = [0.0]
    grow = rules_module._grow

    def grown(*args: Any, **kw: Any) -> Any:
        out = grow(*args, **kw)
        jumped[0] = 3600.0
        return out

    monkeypatch.setattr(rules_module, "_grow", grown)
    monkeypatch.setattr(
        rules_module, "time", SimpleNamespace(monotonic=lambda: time.monotonic() + jumped[0])
    )


def _idis() -> np.ndarray:
    grid = _grid()
    grid = grid[grid[:, 1] == 0]
    return grid[Rule(dict(FIRST)).contains(grid) | Rule(dict(SECOND)).contains(grid)]


def test_a_search_the_deadline_stops_says_it_and_what_it_left(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bs = row_set(S, _idis(), skip=1)
    whole = exact_rules(bs, S, deadline=time.monotonic() + 3600)
    assert isinstance(whole, FoundRules) and len(whole) == 2
    assert not whole.cut_by_time and whole.idis_left == 0.0
    _jumping_clock(monkeypatch)
    cut = exact_rules(bs, S, deadline=time.monotonic() + 60)
    assert [r.rule.conditions for r in cut] == [FIRST]
    assert cut.cut_by_time
    assert cut.idis_left == pytest.approx(4 / 29)  # the second region's IDIs, in no rule


def test_no_deadline_or_nothing_left_is_not_a_cut(monkeypatch: pytest.MonkeyPatch) -> None:
    grid = _grid()
    grid = grid[grid[:, 1] == 0]
    one = row_set(S, grid[Rule(dict(FIRST)).contains(grid)], skip=1)
    _jumping_clock(monkeypatch)
    found = exact_rules(one, S, deadline=time.monotonic() + 60)
    assert len(found) == 1 and not found.cut_by_time  # every IDI covered: nothing cut
    found = exact_rules(row_set(S, _idis(), skip=1), S)  # no deadline
    assert len(found) == 2 and not found.cut_by_time


def _two_boxes_tree() -> DecisionTreeClassifier:
    grid = _grid()
    inside = Rule(dict(FIRST)).contains(grid) | Rule(dict(SECOND)).contains(grid)
    y = np.where(inside, grid[:, 1], grid[:, 2] > 7).astype(int)
    return DecisionTreeClassifier(random_state=0).fit(grid, y)


def test_the_answer_line_json_html_and_show_say_the_rules_were_cut(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import pandas as pd

    import assay
    from assay.cli.app import main
    from assay.core.store import RunStore
    from assay.report import build_document, load_schema, render_html

    jsonschema = pytest.importorskip("jsonschema")
    _jumping_clock(monkeypatch)
    frame = pd.DataFrame(_grid(), columns=S.names).astype(int)
    store = tmp_path / "runs.db"
    result = assay.check_fairness(
        _two_boxes_tree(), data=frame, protected="sex", max_queries=600, max_time=120,
        seed=1, store=store, exact=True,
    )  # fmt: skip
    with RunStore(store) as opened:
        doc = build_document(opened, result.run_id)
    jsonschema.validate(doc, load_schema())
    summary = doc["run"]["summary"]
    (top,) = summary["regions"]
    assert top["figures"] == "exact" and top["cut_by_time"] is True
    assert top["idis_left"] == pytest.approx(4 / 29)
    note = summary["exact"][0]["regions"]
    assert note["cut_by_time"] is True and note["idis_left"] == pytest.approx(4 / 29)
    said = "the rule search was cut by time after 1 rule: the best found so far, 13.79 % of the"
    page = render_html(doc)
    assert "cut by time: the best rules found so far, 13.79 % of the IDIs in none of them" in page
    with pytest.raises(SystemExit):
        main(["show", result.run_id, "--store", str(store)])
    shown = capsys.readouterr().out
    assert said in shown, shown


def test_a_whole_search_says_nothing_of_time(tmp_path: Path) -> None:
    import pandas as pd

    import assay

    frame = pd.DataFrame(_grid(), columns=S.names).astype(int)
    result = assay.check_fairness(
        _two_boxes_tree(), data=frame, protected="sex", max_queries=600, max_time=120,
        seed=1, store=tmp_path / "runs.db", exact=True,
    )  # fmt: skip
    regions = result.summary["regions"]
    assert len(regions) == 2 and not any(r["cut_by_time"] for r in regions)
    assert result.summary["exact"][0]["regions"]["cut_by_time"] is False
