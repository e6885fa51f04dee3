"""Group fairness metrics: hand-computed values and a cross-check with fairlearn."""

from __future__ import annotations

import numpy as np
import pytest

from assay.errors import UsageError
from assay.fairness.group import group_metrics

# Ten rows, two groups.
#   group a: y_true 1 1 1 0 0   y_pred 1 1 0 1 0  -> selection 3/5, TPR 2/3, FPR 1/2
#   group b: y_true 1 1 0 0 0   y_pred 1 0 0 0 0  -> selection 1/5, TPR 1/2, FPR 0/3
Y_TRUE = np.array([1, 1, 1, 0, 0, 1, 1, 0, 0, 0])
Y_PRED = np.array([1, 1, 0, 1, 0, 1, 0, 0, 0, 0])
SEX = np.array(["a"] * 5 + ["b"] * 5)


def test_hand_computed_two_groups() -> None:
    r = group_metrics(Y_TRUE, Y_PRED, SEX, names=["sex"])
    a, b = r.group("sex=a"), r.group("sex=b")
    assert (a.count, b.count) == (5, 5)
    assert a.selection_rate == pytest.approx(0.6)
    assert b.selection_rate == pytest.approx(0.2)
    assert a.true_positive_rate == pytest.approx(2 / 3)
    assert b.true_positive_rate == pytest.approx(0.5)
    assert a.false_positive_rate == pytest.approx(0.5)
    assert b.false_positive_rate == pytest.approx(0.0)
    assert a.accuracy == pytest.approx(0.6)
    assert b.accuracy == pytest.approx(0.8)
    assert r.demographic_parity_difference == pytest.approx(0.4)
    assert r.true_positive_rate_difference == pytest.approx(1 / 6)
    assert r.false_positive_rate_difference == pytest.approx(0.5)
    assert r.equalized_odds_difference == pytest.approx(0.5)


def test_intersectional_groups_have_readable_names_and_only_observed_combinations() -> None:
    race = np.array(["x", "y", "x", "y", "x", "x", "x", "x", "x", "x"])
    r = group_metrics(Y_TRUE, Y_PRED, {"sex": SEX, "race": race})
    names = [g.name for g in r.groups]
    assert names == ["sex=a, race=x", "sex=a, race=y", "sex=b, race=x"]
    ay = r.group("sex=a, race=y")
    # rows 1 and 3: y_true 1, 0; y_pred 1, 1
    assert ay.count == 2
    assert ay.selection_rate == 1.0
    assert ay.true_positive_rate == 1.0
    assert ay.false_positive_rate == 1.0
    assert r.attributes == ("sex", "race")


def test_undefined_rates_are_none_and_excluded_from_gaps() -> None:
    y_true = np.array([1, 0, 0, 0])
    y_pred = np.array([1, 1, 0, 0])
    g = np.array([0, 0, 1, 1])
    r = group_metrics(y_true, y_pred, g)
    assert r.group("1").true_positive_rate is None
    # only group 0 has a TPR: a gap of one group with itself is no measurement (it was 0.0)
    assert r.true_positive_rate_difference is None
    assert r.false_positive_rate_difference == pytest.approx(1.0)
    assert r.equalized_odds_difference is None  # the FPR gap alone is not equalized odds
    assert "Equalized odds NOT measured" in r.section()["text"]


def test_a_constant_label_measures_no_equalized_odds_and_says_why() -> None:
    """Every row labelled '<=50K' (a label column filled by mistake): the TPR is defined in no
    group; the equalized-odds difference was the FPR gap alone, reported as if measured."""
    y_true = np.array(["<=50K"] * 8)
    y_pred = np.array([">50K", "<=50K", ">50K", ">50K", "<=50K", "<=50K", "<=50K", ">50K"])
    sex = np.array(["Female", "Female", "Female", "Female", "Male", "Male", "Male", "Male"])
    r = group_metrics(y_true, y_pred, {"sex": sex}, positive=">50K")
    assert r.equalized_odds_difference is None
    assert r.to_json()["equalized_odds_difference"] is None
    text = r.section()["text"]
    assert "NOT measured" in text and "'>50K'" in text and "0 groups have any" in text
    assert r.demographic_parity_difference == pytest.approx(0.5)  # no label needed


def test_string_labels_and_dataframe_groups() -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"sex": SEX})
    y_true = np.where(Y_TRUE == 1, ">50K", "<=50K")
    y_pred = np.where(Y_PRED == 1, ">50K", "<=50K")
    r = group_metrics(y_true, y_pred, frame, positive=">50K")
    assert r.demographic_parity_difference == pytest.approx(0.4)
    section = r.section()
    assert section["table"]["columns"][0] == "group"
    assert [row[0] for row in section["table"]["rows"]] == ["sex=a", "sex=b"]
    assert "demographic-parity difference 0.400" in section["text"]
    assert r.to_json()["equalized_odds_difference"] == pytest.approx(0.5)


def test_mistakes_name_the_argument() -> None:
    with pytest.raises(UsageError, match="y_pred has 3 rows"):
        group_metrics(Y_TRUE, Y_PRED[:3], SEX)
    with pytest.raises(UsageError, match="positive label 'yes'"):
        group_metrics(Y_TRUE, Y_PRED, SEX, positive="yes")
    with pytest.raises(UsageError, match="2 names given for 1"):
        group_metrics(Y_TRUE, Y_PRED, SEX, names=["a", "b"])


def test_agrees_with_fairlearn() -> None:
    metrics = pytest.importorskip("fairlearn.metrics")
    rng = np.random.default_rng(7)
    n = 2000
    sex = rng.integers(0, 2, n)
    race = rng.integers(0, 3, n)
    y_true = (rng.random(n) < 0.3 + 0.1 * sex).astype(int)
    y_pred = (rng.random(n) < 0.2 + 0.2 * y_true + 0.1 * race).astype(int)
    groups = np.stack([sex, race], axis=1)
    ours = group_metrics(y_true, y_pred, groups, names=["sex", "race"])
    sf = {"sex": sex, "race": race}
    dp = metrics.demographic_parity_difference(y_true, y_pred, sensitive_features=sf)
    eo = metrics.equalized_odds_difference(y_true, y_pred, sensitive_features=sf)
    assert ours.demographic_parity_difference == pytest.approx(dp, abs=1e-12)
    assert ours.equalized_odds_difference == pytest.approx(eo, abs=1e-12)
    assert len(ours.groups) == 6


def test_every_figure_equals_fairlearns_metric_frame_on_every_row() -> None:
    """The rows are compressed before MetricFrame sees them: the figures must be those of
    MetricFrame given every row, with fairlearn's own metric functions."""
    import pandas as pd
    from fairlearn.metrics import (
        MetricFrame,
        count,
        false_positive_rate,
        selection_rate,
        true_positive_rate,
    )
    from sklearn.metrics import accuracy_score

    rng = np.random.default_rng(3)
    n = 3000
    t, p = rng.integers(0, 2, n), rng.integers(0, 2, n)
    groups = {"sex": rng.choice(["F", "M"], n), "race": rng.choice(["a", "b", "c"], n)}
    groups["race"][:5] = "d"
    t[:5] = 0  # a small group with no truly positive row: TPR undefined
    ours = {g.name: g for g in group_metrics(t, p, groups).groups}
    theirs = MetricFrame(
        metrics={
            "count": count,
            "selection_rate": selection_rate,
            "true_positive_rate": true_positive_rate,
            "false_positive_rate": false_positive_rate,
            "accuracy": accuracy_score,
        },
        y_true=t,
        y_pred=p,
        sensitive_features=pd.DataFrame(groups),
    ).by_group.dropna(how="all")
    assert len(ours) == len(theirs)
    for (sex, race), row in theirs.iterrows():
        g = ours[f"sex={sex}, race={race}"]
        assert g.count == row["count"]
        assert g.selection_rate == pytest.approx(row["selection_rate"], abs=1e-12)
        assert g.false_positive_rate == pytest.approx(row["false_positive_rate"], abs=1e-12)
        assert g.accuracy == pytest.approx(row["accuracy"], abs=1e-12)
        if g.positives:
            assert g.true_positive_rate == pytest.approx(row["true_positive_rate"], abs=1e-12)
        else:
            assert race == "d" and g.true_positive_rate is None


def test_group_metrics_on_many_rows_take_a_fraction_of_a_second() -> None:
    """MetricFrame given every row copies each value per metric and per group (seconds on
    45,000 rows); compressed it takes milliseconds.  200,000 rows, 10 groups: CPU time."""
    import time

    from assay.fairness.group import metric_frame, report_from_frame

    rng = np.random.default_rng(0)
    n = 200_000
    t, p = rng.integers(0, 2, n), rng.integers(0, 2, n)
    groups = {"sex": rng.choice(["F", "M"], n), "race": rng.choice(list("abcde"), n)}
    metric_frame(t[:100], p[:100], {k: v[:100] for k, v in groups.items()})  # imports
    start = time.process_time()
    report = report_from_frame(metric_frame(t, p, groups))
    assert time.process_time() - start < 2.0
    assert report.rows == n and len(report.groups) == 10
