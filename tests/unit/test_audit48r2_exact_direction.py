"""audit48r2: each exact rule says whom it favours, and the terminal hides no confirmed rule.

A tree whose outcome follows sex in two small boxes, one favouring each value, has two exact
rules; the attribute's direction over every box is 50 % each way ("the 0 variant gets 'yes'
in 50.00 % of the discriminatory input space"), and no rule said which value it favours.
Each exact rule now carries its own ``direction``, counted over the boxes cut to it, in the
JSON, the terminal and the HTML.  And a third confirmed rule favouring the value the first
does was in the reports only: the terminal now counts the rules it leaves unnamed.
"""

from __future__ import annotations

from typing import Any

import pytest

from assay.cli.answer_lines import _where
from assay.fairness.regions import Rule

from test_audit48r_exact_rules import BOX2, _opposite_tree  # isort: skip
from test_regions22_answer import BOX, PLANTED, _answer, _grid, planted_tree  # isort: skip


def _by_box(regions: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    out = {}
    for r in regions:
        conds = {PLANTED.index(k): tuple(v) for k, v in r["conditions"].items()}
        for name, box in (("BOX", BOX), ("BOX2", BOX2)):
            if conds == dict(box):
                out[name] = r
    return out


def test_each_exact_rule_says_whom_it_favours() -> None:
    got = _answer(_opposite_tree())
    found = _by_box(got["regions"])
    assert set(found) == {"BOX", "BOX2"}, [r["rule"] for r in got["regions"]]
    # inside BOX the class is the sex (1 gets "yes"); inside BOX2 it is 1 - sex (0 does)
    for name, favoured in (("BOX", "1"), ("BOX2", "0")):
        rows = {d["value"]: d for d in found[name]["direction"]}
        assert rows[favoured]["favoured_in"] == pytest.approx(1.0)
        assert rows["1" if favoured == "0" else "0"]["favoured_in"] == pytest.approx(0.0)
        assert all(d["exact"] and d["idis"] is None for d in rows.values())
    # the attribute's own direction is even: the rules are what tell
    space = [d for d in got["direction"] if d["distribution"] == "exact space"]
    assert [d["favoured_in"] for d in space] == pytest.approx([0.5, 0.5])


def test_the_terminal_names_each_exact_rules_favoured_value() -> None:
    got = _answer(_opposite_tree())
    v = {"attribute": "sex", "share_uniform": got["verdict"][0]["share_uniform"]}
    summary = {"regions": got["regions"], "exact": got["exact"], "favourable": {"class": "yes"}}
    line = _where(summary, v)
    first, second = (r for r in got["regions"] if r["confirmed"])
    fav1 = "1" if Rule({PLANTED.index(k): tuple(c) for k, c in first["conditions"].items()}
                       ).conditions == dict(BOX) else "0"  # fmt: skip
    fav2 = "0" if fav1 == "1" else "1"
    assert (
        f"; inside it, the {fav1} variant gets 'yes' in 100.00 % of its discriminatory "
        "input space (exact)" in line
    ), line
    assert (
        f"; and in {second['rule']}, the {fav2} variant gets 'yes' in 100.00 % of its "
        "discriminatory input space (exact)" in line
    ), line
    assert "more confirmed" not in line


def test_a_single_planted_box_says_its_value_and_no_more_rules() -> None:
    got = _answer(planted_tree())
    (top,) = got["regions"]
    rows = {d["value"]: d["favoured_in"] for d in top["direction"]}
    assert rows == pytest.approx({"0": 0.0, "1": 1.0})


def _rule(rule: str, value: str, share: float = 1.0) -> dict[str, Any]:
    return {
        "attribute": "sex", "confirmed": True, "rule": rule, "share_inside": 0.9,
        "share_inside_low": 0.85, "share_inside_high": 0.95, "weight_space": 0.01,
        "held_out_rows_inside": 40, "drawn_inside": 1000, "sample": "uniform",
        "figures": "sampled", "recall": 0.3,
        "direction": [
            {"value": value, "favoured_in": share, "idis": 200, "favoured_count": 200,
             "favoured_low": 0.98, "favoured_high": 1.0},
            {"value": "F" if value == "M" else "M", "favoured_in": 0.0, "idis": 200,
             "favoured_count": 0, "favoured_low": 0.0, "favoured_high": 0.02},
        ],
    }  # fmt: skip


def test_rules_the_terminal_does_not_name_are_counted() -> None:
    v = {"attribute": "sex"}
    fav = {"favourable": {"class": "approve"}}
    three = [_rule("a <= 10", "M"), _rule("b <= 10", "F"), _rule("c <= 10", "M")]
    line = _where({"regions": three, **fav}, v)
    assert "; and in b <= 10, the F variant" in line
    assert "c <= 10" not in line
    assert line.endswith("; 1 more confirmed rule in the JSON and HTML reports"), line
    same = [_rule("a <= 10", "M"), _rule("b <= 10", "M"), _rule("c <= 10", "M")]
    line = _where({"regions": same, **fav}, v)
    assert line.endswith("; 2 more confirmed rules in the JSON and HTML reports"), line
    # an unconfirmed rule is no finding: not counted
    unconfirmed = {**_rule("d <= 10", "M"), "confirmed": False}
    line = _where({"regions": [_rule("a <= 10", "M"), unconfirmed], **fav}, v)
    assert "more confirmed" not in line


def test_the_json_and_html_reports_show_each_exact_rules_favoured_value(tmp_path: Any) -> None:
    import pandas as pd

    import assay
    from assay.core.store import RunStore
    from assay.report import build_document, render_html

    grid = _grid(PLANTED)
    frame = pd.DataFrame(grid, columns=PLANTED.names).astype(int)
    result = assay.check_fairness(
        _opposite_tree(),
        data=frame.sample(2_000, random_state=0),
        protected="sex",
        max_queries=2_000,
        seed=1,
        store=tmp_path / "runs.db",
        exact=True,
    )
    with RunStore(tmp_path / "runs.db") as store:
        doc = build_document(store, result.run_id)
    regions = doc["run"]["summary"]["regions"]
    found = _by_box(regions)
    assert set(found) == {"BOX", "BOX2"}
    page = render_html(doc)
    for name, favoured in (("BOX", "1"), ("BOX2", "0")):
        rows = {d["value"]: d["favoured_in"] for d in found[name]["direction"]}
        assert rows[favoured] == pytest.approx(1.0)
        assert ("0 100.00 %, 1 0.00 %" if favoured == "0" else "0 0.00 %, 1 100.00 %") in page
    assert page.count("of its discriminatory input space (exact)") == 2


def _two_ways(X: Any) -> Any:
    """'1' from grade 5; in grades 3-4 for M too, and in grade 1 for F (an enumerated
    domain of 8 grades x 4 bands x 2 sexes: 8 IDIs favouring M, 4 favouring F)."""
    import numpy as np

    X = np.asarray(X)
    g = X[:, 0].astype(float)
    m = X[:, 2] == "M"
    return ((g >= 5) | ((g >= 3) & (g <= 4) & m) | ((g == 1) & ~m)).astype(int)


def test_an_enumerated_domains_exact_rules_count_their_own_idis(tmp_path: Any) -> None:
    import numpy as np
    import pandas as pd

    import assay

    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {"grade": rng.integers(0, 8, 2_000), "band": rng.choice(["lo", "mid", "hi", "top"], 2_000),
         "sex": rng.choice(["F", "M"], 2_000)}
    )  # fmt: skip
    result = assay.check_fairness(
        _two_ways, data=frame, protected="sex", max_queries=2_000, seed=1,
        store=tmp_path / "runs.db", determinism_check=False,
    )  # fmt: skip
    regions = [r for r in result.summary["regions"] if r["figures"] == "exact"]
    assert regions
    for r in regions:  # (grade 1-4 is learned as one rule: its 12 IDIs, 4 for F, 8 for M)
        low, high = r["values"]["grade"]
        grades = set(range(int(low), int(high) + 1))
        bands = len(r["values"].get("band", ["lo", "mid", "hi", "top"]))
        f_idis = bands * len(grades & {1})
        m_idis = bands * len(grades & {3, 4})
        told = {d["value"]: (d["favoured_count"], d["idis"]) for d in r["direction"]}
        n = f_idis + m_idis
        assert told == {"F": (f_idis, n), "M": (m_idis, n)}, (r["rule"], told)
        assert all(d["exact"] for d in r["direction"])
    line = _where({**result.summary, "favourable": {"class": "1"}}, {"attribute": "sex"})
    assert "IDIs (exact: every one counted)" in line, line
