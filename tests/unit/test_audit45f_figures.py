"""audit45f: the figures a fairness run states, recomputed by brute force on small domains.

Each test plants a case whose true figure is known exactly (every input of a small domain
counted) and asserts that assay states that figure and judges it as its rule says.
"""

from __future__ import annotations

import json
import math
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.tree import DecisionTreeClassifier

import assay
from assay.core.findings import FindingBatch
from assay.core.store import RunStore
from assay.fairness.estimate import wilson_interval
from assay.fairness.verdict import parse_fail_on
from assay.report import build_document
from assay.report.junit import render_junit

SCHEMA = """features:
  - {name: a, type: integer, low: 0, high: 99}
  - {name: b, type: integer, low: 0, high: 19}
  - {name: sex, type: categorical, categories: [F, M]}
protected: [sex]
"""


def _cells(n_idi: int) -> Any:
    """Approves M on ``n_idi`` cells (a == 0, b < n_idi) of the 100 x 20 (a, b) grid, and
    nobody else: exactly ``n_idi`` of 2,000 inputs discriminate."""

    def f(x: pd.DataFrame) -> np.ndarray:
        a, b = x["a"].to_numpy(float), x["b"].to_numpy(float)
        m = x["sex"].astype(str).to_numpy() == "M"
        return ((a == 0) & (b < n_idi) & m).astype(int)

    f.classes_ = ["deny", "approve"]  # type: ignore[attr-defined]
    return f


def _verdict(model: Any, schema: Path, store: Path, rule: str) -> dict[str, Any]:
    result = assay.check_fairness(
        model, schema=str(schema), protected="sex", seed=1, store=store, fail_on=rule
    )
    rows = result.summary["verdict"]
    assert len(rows) == 1
    return dict(rows[0])


@pytest.mark.parametrize(
    ("text", "value"),
    [("share>0.7%", 0.007), ("share>=1.1%", 0.011), ("share>0.35%", 0.0035), ("share>7%", 0.07)],
)
def test_a_percent_threshold_is_the_share_it_names(text: str, value: float) -> None:
    """0.7 / 100 in floats is 0.006999999999999999: a share of exactly 0.7 % was above it."""
    rule = parse_fail_on(text)
    assert not isinstance(rule, float)
    assert rule.value == value
    k = round(value * 100_000)
    assert rule.fails(k / 100_000) is (rule.op == ">=")


@pytest.mark.parametrize(
    ("n_idi", "rule", "fails"), [(7, "share>0.35%", False), (11, "share>=0.55%", True)]
)
def test_a_share_exactly_at_a_percent_threshold_is_judged_at_it(
    tmp_path: Path, n_idi: int, rule: str, fails: bool
) -> None:
    """7 (11) of the 2,000 inputs: 0.35 % (0.55 %) exactly.  Before, 'share>=0.55%' passed a
    share of 0.55 % (exit 0: a false pass) and 'share>0.35%' failed a share of 0.35 %."""
    schema = tmp_path / "s.yaml"
    schema.write_text(SCHEMA)
    row = _verdict(_cells(n_idi), schema, tmp_path / "s.db", rule)
    assert row["share_uniform"] == n_idi / 2000
    assert row["fails"] is fails
    assert row["level"] == ("fail" if fails else "pass")


def _tree_of_seven_cells() -> DecisionTreeClassifier:
    """A tree on a 10 x 10 grid (and sex 0/1) whose outcome follows sex on seven cells, as
    boxes of one, two and four cells: its exact share is 7 of 100 cells, summed from three
    box volumes."""
    rows = [(a, b, s) for a in range(10) for b in range(10) for s in (0, 1)]
    frame = pd.DataFrame(rows, columns=["a", "b", "sex"])
    idi = {(0, 0), (2, 0), (2, 1), (5, 5), (5, 6), (6, 5), (6, 6)}
    y = np.array([s if (a, b) in idi else int(a > 4) for a, b, s in rows])
    tree = DecisionTreeClassifier(random_state=0).fit(frame, y)
    assert (tree.predict(frame) == y).all()
    return tree


def test_an_exact_share_at_the_threshold_is_the_share_and_passes(tmp_path: Path) -> None:
    """Summed from the boxes' volumes the share was 0.07000000000000003: stored so, and
    judged above 'share>0.07' (exit 1 for a model exactly at the threshold)."""
    schema = tmp_path / "s.yaml"
    schema.write_text(
        "features:\n  - {name: a, type: integer, low: 0, high: 9}\n"
        "  - {name: b, type: integer, low: 0, high: 9}\n"
        "  - {name: sex, type: integer, low: 0, high: 1}\nprotected: [sex]\n"
    )
    tree = _tree_of_seven_cells()
    passed = _verdict(tree, schema, tmp_path / "s.db", "share>0.07")
    assert passed["basis"] == "exact"
    assert passed["share_uniform"] == 0.07
    assert passed["fails"] is False
    failed = _verdict(tree, schema, tmp_path / "s.db", "share>=0.07")
    assert failed["fails"] is True


def _coverage(share: float, n: int) -> float:
    """The chance, summed exactly over every count k of n, that the interval of k in n holds
    ``share``."""
    held = 0.0
    for k in range(n + 1):
        log_p = (
            math.lgamma(n + 1)
            - math.lgamma(k + 1)
            - math.lgamma(n - k + 1)
            + k * math.log(share)
            + (n - k) * math.log1p(-share)
        )
        if log_p < -60:  # (beyond 1e-26: nothing to the sum)
            continue
        low, high = wilson_interval(k, n)
        if low <= share <= high:
            held += math.exp(log_p)
    return held


@pytest.mark.parametrize("n", [500, 2000])
def test_the_95_percent_interval_holds_a_rare_share_about_95_percent_of_the_time(n: int) -> None:
    """A share of 0.17 / n (the answer's 500 inputs of a tiny budget: 0.034 %): one
    discriminatory input in n is 14 % likely, and Wilson's lower bound for it was above
    the share, so the "95 %" interval held it 84 % of the time.  Near 1 alike."""
    for share in (0.17 / n, 0.5 / n, 1.5 / n, 1 - 0.17 / n, 1 - 1.5 / n, 0.05):
        assert _coverage(share, n) >= 0.925, share
    # and no wider than it must be: the exact ends leave the middle as Wilson's
    assert wilson_interval(n // 10, n) == pytest.approx(_plain_wilson(n // 10, n), abs=1e-12)


def _plain_wilson(k: int, n: int) -> tuple[float, float]:
    z = 1.959963984540054
    p, z2 = k / n, z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z / (1 + z2 / n) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return centre - half, centre + half


def _below_a_thousand(x: pd.DataFrame) -> np.ndarray:
    """Approves M where 900 <= a + b < 1000 and everyone from 1,000 up."""
    s = x["a"].to_numpy(float) + x["b"].to_numpy(float)
    m = x["sex"].astype(str).to_numpy() == "M"
    return ((s >= 1000) | (m & (s >= 900))).astype(int)


def test_a_data_set_no_larger_than_the_sample_is_counted_row_by_row(tmp_path: Path) -> None:
    """3,000 draws with replacement of 3,000 rows met about 63 % of them, some twice: the
    share over the data rows was said as 6.90 % and "their 207 IDIs" of rows holding 6.47 %,
    194.  As many draws as rows now take each row once: the figures are the rows' own."""
    rng = np.random.default_rng(5)
    n = 400  # (the answer samples at least 500 whatever the budget)
    frame = pd.DataFrame(
        {
            "a": rng.integers(0, 1000, n),
            "b": rng.integers(0, 1000, n),
            "sex": rng.choice(["F", "M"], n),
        }
    )
    s = frame["a"] + frame["b"]
    idis = int(((s >= 900) & (s < 1000)).sum())
    assert 0 < idis < n
    result = assay.check_fairness(
        _below_a_thousand,
        frame,
        protected="sex",
        seed=1,
        store=tmp_path / "s.db",
        max_queries=2000,
        answer_samples=5000,
    )
    row = result.summary["verdict"][0]
    assert row["data_sampled"] == n
    assert row["share_data"] == idis / n
    counted = [d for d in result.summary["direction"] if d["distribution"] == "data"]
    assert counted and all(d["idis"] == idis for d in counted)


def test_a_labels_models_idi_reads_its_class_names_in_the_junit_file(tmp_path: Path) -> None:
    """A model answering labels (class indices, ``classes_ = ["deny", "approve"]``): its JUnit
    cases said ``sex=F -> 0, sex=M -> 1`` where the terminal says ``F: deny, M: approve``."""
    store = RunStore(tmp_path / "runs.db")
    run_id = "fairness-20260101-000000-lab"
    store.create_run(
        run_id=run_id, technique="fairness", seed=1, command="assay fairness m.py:f --seed 1",
        config={"schema": {"features": [
            {"name": "a", "kind": "integer", "low": 0, "high": 9},
            {"name": "sex", "kind": "categorical", "categories": ["F", "M"]},
        ]}},
        model={"capabilities": {"class_names": ["deny", "approve"], "outputs": "labels"}},
        versions={},
    )  # fmt: skip
    batch = FindingBatch(
        kind="fairness.idi",
        inputs=np.array([[[4.0, 0.0], [4.0, 1.0]]]),
        outputs=np.array([[0, 1]]),
        severity=np.ones(1),
    )
    store.checkpoint(run_id, findings=[batch], status="completed", summary={"tested": 10})
    xml = render_junit(build_document(store, run_id))
    store.close()
    failures = [f for f in ET.fromstring(xml).iter("failure") if f.get("type") != "findings"]
    assert failures
    (body,) = (json.loads(f.text or "") for f in failures)
    assert body["in your values"] == ["a=4, sex=F -> deny", "a=4, sex=M -> approve"]
    assert "sex=F -> deny, sex=M -> approve" in (failures[0].get("message") or "")
