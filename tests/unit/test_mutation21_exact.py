"""A certificate of zero, or an exact share, is given only when it is true.

The exact analysis's answer is what a user trusts most: "no input in this domain changes
outcome with s" passes a run outright.  These tests pin, on every path the analysis takes
(one tree; an ensemble refined box by box when its splits are not intervals of atoms; an
ensemble refined by the vectorised or compiled branch and bound), that

- an answer cut short (time budget, tolerance, giving up) is "bounded", never "exact", and never
  carries a certificate, even when nothing discriminatory was found before it stopped;
- an exact answer equals the brute-force enumeration, ties (a forest whose trees vote half and
  half: a margin of exactly zero) decided as the model decides them.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sklearn.ensemble import GradientBoostingClassifier, RandomForestClassifier
from sklearn.tree import DecisionTreeClassifier

from assay.core.model import labels_of
from assay.fairness.exact import TreeModel, analyse, compose_read
from assay.fairness.exact.domain import build_domain
from assay.fairness.exact.ensemble import flatten
from assay.fairness.schema import Feature, Schema
from assay.models import load_model
from assay.models.trees import read_trees

SCHEMA = Schema(
    (
        Feature("a", "integer", 0, 9),
        Feature("s", "integer", 0, 2),
        Feature("c", "categorical", categories=(1.0, 5.0, 7.0, 9.0, 11.0)),
    ),
    protected=("s",),
)
GRID = np.array(
    list(
        itertools.product(
            *[range(int(f.encoded_low), int(f.encoded_high) + 1) for f in SCHEMA.features]
        )
    ),
    dtype=np.float64,
)


def _data(n: int = 2000, seed: int = 0, noise: float = 2.5) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = SCHEMA.sample_uniform(rng, n)
    code = x[:, 2]
    score = x[:, 0] + 2 * x[:, 1] + 4 * np.isin(code, (1, 3)) + rng.normal(0, noise, n)
    return x, (score > 8).astype(int)


def _brute(model: Any, attribute: str, rows: np.ndarray) -> float:
    j = SCHEMA.index(attribute)
    f = SCHEMA.features[j]
    got = []
    for v in range(int(f.encoded_low), int(f.encoded_high) + 1):
        g = rows.copy()
        g[:, j] = v
        got.append(labels_of(np.asarray(model.predict(SCHEMA.decode(g))), model.capabilities))
    classes = np.stack(got, axis=1)
    return float(np.mean(classes.min(axis=1) != classes.max(axis=1)))


def _trees(model: Any) -> TreeModel:
    arrays = read_trees(model)
    assert not isinstance(arrays, str), arrays
    trees = compose_read(SCHEMA, arrays)
    assert not isinstance(trees, str), trees
    return trees


def _one_hot_forest(n_trees: int) -> Any:
    """A forest on one-hot columns of ``c``: its splits on single categories are not
    intervals of atoms, so the analysis refines it box by box (not the branch and bound)."""
    from sklearn.compose import ColumnTransformer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder

    x, y = _data(80, noise=0.0)  # pure leaves, trees that differ where they saw no row
    pipe = make_pipeline(
        ColumnTransformer([("c", OneHotEncoder(), [2])], remainder="passthrough"),
        RandomForestClassifier(n_estimators=n_trees, random_state=3),
    )
    return load_model(pipe.fit(SCHEMA.decode(x), y))


def _assert_true_answer(model: Any, result: Any, attribute: str) -> None:
    truth = _brute(model, attribute, GRID)
    low, high = result.uniform
    assert low - 1e-12 <= truth <= high + 1e-12, (low, truth, high)
    if result.status == "exact":
        assert low == high == pytest.approx(truth, abs=1e-12)
    else:
        assert result.status == "bounded" and high > low
    if result.certificate is not None:
        assert result.status == "exact" and result.uniform == (0.0, 0.0) and truth == 0.0


def test_a_forest_refined_box_by_box_decides_tied_votes_as_the_model() -> None:
    """Two trees voting one each: the class is the model's (the first class), not a guess
    from the margin's sign; the exact share equals the enumeration."""
    model = _one_hot_forest(2)
    trees = _trees(model)
    for attribute in ("s", "a"):
        a = SCHEMA.index(attribute)
        assert isinstance(flatten(build_domain(SCHEMA, trees), trees, a), str)  # box by box
        result = analyse(SCHEMA, trees, attribute)
        assert result.status == "exact"
        _assert_true_answer(model, result, attribute)
    # the ties are there: inputs where the two trees disagree
    x = trees.model_inputs(GRID)
    votes = np.stack([trees._leaf_values(t, x)[:, 1] for t in trees.trees], axis=1)
    assert np.any(votes.sum(axis=1) == 1.0)


def test_an_analysis_cut_short_never_certifies_zero() -> None:
    """Stopped before any box was decided (one tree: giving up; ensembles: the time budget or
    a tolerance) nothing discriminatory has been found yet: the answer is bounds, without a
    certificate, however it was cut short."""
    x, y = _data()
    tree = load_model(DecisionTreeClassifier(random_state=0).fit(x, y))
    cut_short = analyse(SCHEMA, _trees(tree), "s", time_budget=60.0, give_up=1e-9)
    assert cut_short.uniform[0] == 0.0
    _assert_true_answer(tree, cut_short, "s")
    assert cut_short.certificate is None and cut_short.status == "bounded"

    boosted = load_model(
        GradientBoostingClassifier(n_estimators=40, max_depth=3, random_state=0).fit(x, y)
    )
    trees = _trees(boosted)
    for kwargs in ({"time_budget": 1e-9}, {"tolerance": 0.9}):
        result = analyse(SCHEMA, trees, "s", **kwargs)  # type: ignore[arg-type]
        assert result.certificate is None, kwargs
        _assert_true_answer(boosted, result, "s")
    box_by_box = _one_hot_forest(4)
    result = analyse(SCHEMA, _trees(box_by_box), "s", tolerance=0.9)
    assert result.certificate is None
    _assert_true_answer(box_by_box, result, "s")


def test_the_share_over_the_data_tries_every_value_of_the_attribute() -> None:
    """A model that changes its class only at the attribute's last value: the data rows
    that change are counted (the enumeration reaches the last value)."""
    x, _ = _data()
    y = (x[:, 1] == 2).astype(int) & (x[:, 0] > 4)
    model = load_model(DecisionTreeClassifier(random_state=0).fit(x, y))
    rows = x[:300]
    result = analyse(SCHEMA, _trees(model), "s", data=rows)
    assert result.data is not None
    share = _brute(model, "s", rows)
    assert share > 0.2
    assert result.data == (pytest.approx(share, abs=1e-12), pytest.approx(share, abs=1e-12))
    _assert_true_answer(model, result, "s")


@pytest.mark.parametrize("compiled", [False, True], ids=["vectorised", "compiled"])
def test_the_branch_and_bound_decides_tied_votes_as_the_model(
    compiled: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two trees voting one each on plain columns (the branch and bound's path): a margin of
    exactly zero is the model's first class, on the vectorised and on the compiled refinement
    (small boxes not enumerated cell by cell here: every box is settled by its bounds)."""
    from assay.fairness.exact import ensemble, kernel
    from assay.fairness.exact.ensemble import refine

    if compiled and not kernel.COMPILED:
        pytest.skip("numba is not installed")
    monkeypatch.setattr(ensemble, "_CELLS", 0)
    x, y = _data(80, noise=0.0)
    model = load_model(RandomForestClassifier(n_estimators=2, random_state=3).fit(x, y))
    trees = _trees(model)
    votes = np.stack([trees._leaf_values(t, trees.model_inputs(GRID))[:, 1] for t in trees.trees])
    assert np.any(votes.sum(axis=0) == 1.0)  # ties
    for attribute in ("s", "a", "c"):
        flat = flatten(build_domain(SCHEMA, trees), trees, SCHEMA.index(attribute))
        assert not isinstance(flat, str)
        got = refine(flat, deadline=float("inf"), compiled=compiled)
        assert len(got.pend_mass) == 0
        assert got.disc_mass == pytest.approx(_brute(model, attribute, GRID), abs=1e-12)


@pytest.mark.parametrize("flipped", [1, 5])
def test_trees_that_disagree_with_the_model_on_any_input_are_not_trusted(flipped: int) -> None:
    """The trees read are checked against the model's own answers before any certificate is
    drawn from them: a model that answers otherwise on even one checked input (a wrapper
    that post-processes, a reading gone wrong) gets no exact analysis."""
    from assay.fairness.exact.checked import checked

    x, y = _data()
    model = load_model(DecisionTreeClassifier(random_state=0).fit(x, y))
    arrays = read_trees(model)
    trees = _trees(model)
    own = trees.predict_encoded  # the trees' answers, as the model's: trusted

    assert checked(SCHEMA, trees, arrays, own) is trees

    def otherwise(rows: np.ndarray) -> np.ndarray:
        got = np.array(own(rows), copy=True)
        got[:flipped] = 1 - got[:flipped]
        return got

    reason = checked(SCHEMA, trees, arrays, otherwise)
    assert isinstance(reason, str) and f"disagree with its answers on {flipped} " in reason


@pytest.mark.parametrize("mode", ["BRANCH_LT", "BRANCH_GTE", "BRANCH_LEQ", "BRANCH_GT"])
def test_onnx_splits_on_thresholds_the_inputs_meet_are_read_as_the_runtime_splits(
    tmp_path: Path, mode: str
) -> None:
    """An ONNX graph's strict and loose splits (LightGBM and XGBoost exports write ``<``) at
    thresholds that integer inputs meet exactly: the trees answer as onnxruntime does on every
    input, and the exact share is the enumerated one."""
    from test_exact_readings_hostile18a import GRID, SMALL, _onnx_forest, _read, _share  # isort: skip

    stumps = [((0, 5.0), (0.0, 0.4)), ((1, 0.5), (0.0, 0.3)), ((2, 7.0), (0.3, 0.0))]
    model = load_model(str(_onnx_forest(tmp_path / "m.onnx", stumps, mode=mode)))
    trees = _read(model, SMALL)

    def asked(rows: np.ndarray) -> np.ndarray:
        return labels_of(model.predict(rows), model.capabilities)

    assert np.array_equal(trees.predict_encoded(GRID), asked(GRID))
    truth = _share(asked, SMALL, GRID, "s")
    assert truth > 0.0
    result = analyse(SMALL, trees, "s")
    assert result.status == "exact" and result.certificate is None
    assert result.uniform[0] == pytest.approx(truth, abs=1e-12)


def test_without_numba_a_tolerance_stop_is_bounds(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without numba (the vectorised refinement) an analysis stopped by its tolerance has
    undecided boxes left: bounds, not an exact share nor a certificate."""
    from assay.fairness.exact import ensemble

    monkeypatch.setattr(ensemble.kernel, "COMPILED", False)
    monkeypatch.setattr(ensemble, "_CELLS", 0)  # (this small domain: no box enumerated)
    x, y = _data()
    boosted = load_model(
        GradientBoostingClassifier(n_estimators=40, max_depth=3, random_state=0).fit(x, y)
    )
    result = analyse(SCHEMA, _trees(boosted), "s", tolerance=0.9)
    assert result.status == "bounded" and result.certificate is None
    _assert_true_answer(boosted, result, "s")


def test_an_onnx_score_exactly_at_its_cut_is_the_runtimes_class(tmp_path: Path) -> None:
    """Three stumps of weight 0.25 (exact in float32) and a cut of 0.5: where two of them vote
    the score is exactly the cut, class 0 in onnxruntime (``score > cut``); the trees answer
    so, and the share of s (which decides only there) is the enumerated one."""
    from test_exact_readings_hostile18a import GRID, SMALL, _onnx_forest, _read, _share  # isort: skip

    stumps = [((0, 4.5), (0.0, 0.25)), ((1, 0.5), (0.0, 0.25)), ((2, 6.5), (0.0, 0.25))]
    model = load_model(str(_onnx_forest(tmp_path / "m.onnx", stumps)))
    trees = _read(model, SMALL)

    def asked(rows: np.ndarray) -> np.ndarray:
        return labels_of(model.predict(rows), model.capabilities)

    at_cut = (GRID[:, 0] > 4.5).astype(int) + (GRID[:, 1] > 0.5) + (GRID[:, 2] > 6.5) == 2
    assert at_cut.any() and not asked(GRID[at_cut]).any()  # the runtime: class 0 at the cut
    assert np.array_equal(trees.predict_encoded(GRID), asked(GRID))
    truth = _share(asked, SMALL, GRID, "s")
    result = analyse(SMALL, trees, "s")
    assert result.status == "exact" and result.uniform[0] == pytest.approx(truth, abs=1e-12)
