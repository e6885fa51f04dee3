"""Exact fairness analysis of tree models: equal to brute-force enumeration on small domains."""

from __future__ import annotations

import itertools
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sklearn.ensemble import (
    ExtraTreesClassifier,
    GradientBoostingClassifier,
    HistGradientBoostingClassifier,
    RandomForestClassifier,
)
from sklearn.tree import DecisionTreeClassifier

from assay.core.model import labels_of
from assay.fairness.exact import TreeModel, analyse, compose, compose_read, ensemble, kernel
from assay.fairness.exact.domain import build_domain
from assay.fairness.exact.ensemble import flatten, refine, sample_pending
from assay.fairness.schema import Feature, Schema
from assay.models import load_model
from assay.models.trees import read_trees

SCHEMA = Schema(
    (
        Feature("a", "integer", 0, 9),
        Feature("s", "integer", 0, 2),
        Feature("b", "integer", 0, 14),
        Feature("c", "categorical", categories=(1.0, 5.0, 7.0, 9.0)),
    ),
    protected=("s",),
)
GRID = np.array(
    list(
        itertools.product(*[np.arange(f.encoded_low, f.encoded_high + 1) for f in SCHEMA.features])
    ),
    dtype=np.float64,
)  # 1,800 inputs


def _training(n: int = 3000, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = SCHEMA.sample_uniform(rng, n)
    noise = rng.normal(0, 2, n)
    y = ((x[:, 0] + 2 * x[:, 1] + 3 * (x[:, 2] > 7) + x[:, 3] + noise) > 8).astype(int)
    return x, y


def _brute(model: Any, attribute: str, rows: np.ndarray) -> float:
    """The share of ``rows`` whose class changes with ``attribute``, by asking the model."""
    j = SCHEMA.index(attribute)
    f = SCHEMA.features[j]
    classes = []
    for v in range(int(f.encoded_low), int(f.encoded_high) + 1):
        g = rows.copy()
        g[:, j] = v
        classes.append(labels_of(np.asarray(model.predict(SCHEMA.decode(g))), model.capabilities))
    stacked = np.stack(classes, axis=1)
    return float(np.mean(stacked.min(axis=1) != stacked.max(axis=1)))


def _tree_model(model: Any) -> TreeModel:
    arrays = read_trees(model)
    assert not isinstance(arrays, str), arrays
    got = compose_read(SCHEMA, arrays)
    assert not isinstance(got, str), got
    return got


ESTIMATORS = [
    DecisionTreeClassifier(random_state=0),
    RandomForestClassifier(n_estimators=15, max_depth=6, random_state=0),
    ExtraTreesClassifier(n_estimators=10, max_depth=5, random_state=0),
    GradientBoostingClassifier(n_estimators=25, max_depth=3, random_state=0),
    HistGradientBoostingClassifier(max_iter=15, random_state=0),
    # native categorical splits (on 'c', and on the protected 's'): read as 0/1 columns
    HistGradientBoostingClassifier(max_iter=15, random_state=0, categorical_features=[1, 3]),
]


@pytest.mark.parametrize(
    "estimator",
    ESTIMATORS,
    ids=lambda e: (
        type(e).__name__
        + (
            "-categorical"
            if getattr(e, "categorical_features", None) not in (None, "from_dtype")
            else ""
        )
    ),
)
def test_exact_equals_enumeration(estimator: Any) -> None:
    x, y = _training()
    estimator.fit(SCHEMA.decode(x), y)
    model = load_model(estimator)
    trees = _tree_model(model)
    assert np.array_equal(
        trees.predict_encoded(GRID),
        labels_of(model.predict(SCHEMA.decode(GRID)), model.capabilities),
    )
    data = x[:400]
    for attribute in ("s", "c", "a"):
        result = analyse(SCHEMA, trees, attribute, data=data)
        assert result.status == "exact"
        assert result.uniform[0] == result.uniform[1]
        assert result.uniform[0] == pytest.approx(_brute(model, attribute, GRID), abs=1e-12)
        assert result.data is not None
        assert result.data[0] == pytest.approx(_brute(model, attribute, data), abs=1e-12)
        # the boxes are discriminatory: every grid point inside one is
        if result.boxes:
            box = result.boxes[0]["conditions"]
            inside = np.ones(len(GRID), dtype=bool)
            for name, values in box.items():
                inside &= np.isin(GRID[:, SCHEMA.index(name)], values)
            assert inside.any()
            assert _brute(model, attribute, GRID[inside]) == 1.0


@pytest.mark.parametrize("index", [0, 1, 3], ids=["tree", "forest", "boosting"])
def test_exact_equals_enumeration_from_onnx(tmp_path: Path, index: int) -> None:
    pytest.importorskip("onnxruntime")
    from skl2onnx import convert_sklearn
    from skl2onnx.common.data_types import FloatTensorType

    estimator = ESTIMATORS[index]
    x, y = _training(seed=1)
    estimator.fit(x, y)
    onx = convert_sklearn(
        estimator,
        initial_types=[("X", FloatTensorType([None, len(SCHEMA)]))],
        options={id(estimator): {"zipmap": False}},
    )
    path = tmp_path / "m.onnx"
    path.write_bytes(onx.SerializeToString())
    model = load_model(str(path))
    trees = _tree_model(model)
    assert "ONNX" in trees.source
    for attribute in ("s", "c"):
        result = analyse(SCHEMA, trees, attribute)
        assert result.status == "exact"
        assert result.uniform[0] == pytest.approx(_brute(model, attribute, GRID), abs=1e-12)


def test_certificate_of_zero_for_a_model_that_ignores_the_attribute() -> None:
    x, y = _training()
    blind = x.copy()
    blind[:, 1] = 0  # the tree never sees s vary, so it never splits on it
    model = load_model(DecisionTreeClassifier(random_state=0).fit(blind, y))
    result = analyse(SCHEMA, _tree_model(model), "s", data=x)
    assert result.status == "exact" and result.uniform == (0.0, 0.0)
    assert result.certificate is not None and "no input in this domain" in result.certificate
    assert any("domain" in a for a in result.assumptions)
    assert _brute(model, "s", GRID) == 0.0
    # and a model that does use it gets no certificate
    used = load_model(DecisionTreeClassifier(random_state=0).fit(x, y))
    assert analyse(SCHEMA, _tree_model(used), "s").certificate is None


def test_pipeline_with_one_hot_and_scaler_is_composed() -> None:
    from sklearn.compose import ColumnTransformer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    x, y = _training()
    pipe = make_pipeline(
        ColumnTransformer(
            [("cat", OneHotEncoder(), [3]), ("num", StandardScaler(), [0, 2])],
            remainder="passthrough",
        ),
        RandomForestClassifier(n_estimators=8, max_depth=5, random_state=0),
    )
    pipe.fit(SCHEMA.decode(x), y)
    model = load_model(pipe)
    trees = _tree_model(model)
    assert trees.preprocessing == ("ColumnTransformer",)
    for attribute in ("s", "c"):
        result = analyse(SCHEMA, trees, attribute)
        assert result.uniform[0] == pytest.approx(_brute(model, attribute, GRID), abs=1e-12)


def test_unknown_preprocessing_says_why() -> None:
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import PolynomialFeatures

    x, y = _training()
    pipe = make_pipeline(PolynomialFeatures(2), DecisionTreeClassifier(random_state=0))
    model = load_model(pipe.fit(x, y))
    reason = read_trees(model)
    assert isinstance(reason, str) and "PolynomialFeatures" in reason
    assert isinstance(read_trees(object()), str)


def test_time_budget_gives_bounds_not_a_silent_guess() -> None:
    x, y = _training()
    model = load_model(
        GradientBoostingClassifier(n_estimators=60, max_depth=4, random_state=0).fit(x, y)
    )
    trees = _tree_model(model)
    result = analyse(SCHEMA, trees, "c", time_budget=1e-9)
    truth = _brute(model, "c", GRID)
    assert result.status == "bounded"
    assert result.uniform[0] <= truth <= result.uniform[1]
    assert result.certificate is None
    assert any("time budget" in a for a in result.assumptions)


def test_an_automatic_analysis_that_decides_nothing_gives_up_and_says_so() -> None:
    """Not asked for, the analysis of trees too large to refine box by box spent its whole
    budget (10 s of a 3,000-query run of a 100-tree forest pipeline) for bounds of 0-100 %."""
    x, y = _training()
    trees = _tree_model(load_model(DecisionTreeClassifier(random_state=0).fit(x, y)))
    quick = analyse(SCHEMA, trees, "s", time_budget=60.0, give_up=1e-9)
    assert quick.status == "bounded" and quick.uniform == (0.0, 1.0)
    assert any("no box of the domain decided" in a for a in quick.assumptions)
    # it gave up at its first look at the clock, where the full refinement decides 75 boxes
    # (a count, not the seconds spent: "under 5 s" was a timed unit test)
    full = analyse(SCHEMA, trees, "s", time_budget=60.0)
    assert full.status == "exact" and quick.n_boxes == 0 < full.n_boxes


def test_continuous_and_wide_integer_features_against_a_large_sample() -> None:
    schema = Schema(
        (
            Feature("x", "continuous", 0.0, 10.0),
            Feature("s", "integer", 0, 1),
            Feature("w", "integer", 0, 99_999),
        ),
        protected=("s",),
    )
    rng = np.random.default_rng(0)
    x = schema.sample_uniform(rng, 4000)
    y = ((x[:, 0] + 3 * x[:, 1] + x[:, 2] / 20_000 + rng.normal(0, 1.5, len(x))) > 7).astype(int)
    model = load_model(
        RandomForestClassifier(n_estimators=5, max_depth=6, random_state=0).fit(x, y)
    )
    arrays = read_trees(model)
    assert not isinstance(arrays, str)
    trees = compose(schema, arrays.trees, combine=arrays.combine, source=arrays.source)
    assert not isinstance(trees, str)
    result = analyse(schema, trees, "s", data=x[:500])
    assert result.status == "exact"
    big = schema.sample_uniform(np.random.default_rng(1), 200_000)
    classes = []
    for v in (0.0, 1.0):
        g = big.copy()
        g[:, 1] = v
        classes.append(labels_of(model.predict(g), model.capabilities))
    sampled = float(np.mean(classes[0] != classes[1]))
    se = np.sqrt(sampled * (1 - sampled) / len(big))
    assert abs(result.uniform[0] - sampled) < 5 * se + 1e-4
    assert result.data is not None
    ones = x[:500].copy()
    ones[:, 1] = 1
    zeros = x[:500].copy()
    zeros[:, 1] = 0
    on_data = np.mean(
        labels_of(model.predict(ones), model.capabilities)
        != labels_of(model.predict(zeros), model.capabilities)
    )
    assert result.data[0] == pytest.approx(on_data)


def _boosted() -> tuple[Any, TreeModel]:
    x, y = _training()
    model = load_model(
        GradientBoostingClassifier(n_estimators=40, max_depth=3, random_state=0).fit(x, y)
    )
    return model, _tree_model(model)


def test_ensembles_go_through_the_vectorised_refinement() -> None:
    # (native categorical splits send sets of atoms, not intervals: box by box, still exact)
    numeric = [
        e
        for e in ESTIMATORS[1:]
        if getattr(e, "categorical_features", None) is None
        or e.categorical_features == "from_dtype"
    ]
    for estimator in numeric:
        x, y = _training()
        trees = _tree_model(load_model(estimator.fit(SCHEMA.decode(x), y)))
        got = flatten(build_domain(SCHEMA, trees), trees, SCHEMA.index("s"))
        assert not isinstance(got, str), (type(estimator).__name__, got)


def _needs_numba() -> None:
    if not kernel.COMPILED:
        pytest.skip("numba is not installed (the optional extra assay[exact])")


@pytest.mark.parametrize("compiled", [False, True], ids=["vectorised", "compiled"])
@pytest.mark.parametrize("kind", ["boosting", "forest"])
@pytest.mark.parametrize("attribute", ["s", "c"])
def test_certain_bounds_hold_at_every_stage_of_the_refinement(
    kind: str, attribute: str, compiled: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stopped after any number of steps, the certain bounds hold the brute-force share (3 and 4
    values of the attribute; a forest's many attribute-testing leaves and a boosted model's
    few), and enough steps make them meet it.  Small boxes are not enumerated here, so every
    box is settled by its margin bounds (or is a single cell): a bound that is not one fails.
    The compiled refinement decides 3 boxes per step here."""
    if compiled:
        _needs_numba()
    monkeypatch.setattr(ensemble, "_CELLS", 0)
    monkeypatch.setattr(ensemble, "_CALL_STEPS", 3)
    if kind == "boosting":
        model, trees = _boosted()
    else:
        x, y = _training()
        model = load_model(
            RandomForestClassifier(n_estimators=12, max_depth=6, random_state=0).fit(x, y)
        )
        trees = _tree_model(model)
    truth = _brute(model, attribute, GRID)
    flat = flatten(build_domain(SCHEMA, trees), trees, SCHEMA.index(attribute))
    assert not isinstance(flat, str)
    gaps = []
    for steps in (0, 1, 2, 4, 8, 16, 32, 100_000):
        got = refine(flat, deadline=float("inf"), max_steps=steps, compiled=compiled)
        low, high = got.disc_mass, got.disc_mass + float(got.pend_mass.sum())
        assert low - 1e-12 <= truth <= high + 1e-12, (steps, low, truth, high)
        gaps.append(high - low)
    assert truth > 0.0  # the planted dependence on s and c reaches the class
    assert gaps[0] > 0.5 and gaps[-1] == 0.0  # from everything undecided to exact
    assert got.disc_mass == pytest.approx(truth, abs=1e-12)


@pytest.mark.parametrize("per_box", [2, 64])
@pytest.mark.parametrize("kind", ["boosting", "forest"])
def test_compiled_refinement_decides_close_margins_with_the_models_arithmetic(
    kind: str, per_box: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the margin tolerance raised so far that no bound is ever sure, every box is cut
    until each tree gives one leaf per value and is then decided from one cell by the model's
    own arithmetic (the *tie* path): the share still equals brute force, and the discriminatory
    boxes reported hold only discriminatory inputs.  ``per_box``: halves decided depth first
    (from their parents' walks kept on a stack) under each box taken from the heap."""
    _needs_numba()
    monkeypatch.setattr(ensemble, "_PER_BOX", per_box)
    if kind == "boosting":
        model, trees = _boosted()
    else:
        x, y = _training()
        model = load_model(
            RandomForestClassifier(n_estimators=8, max_depth=5, random_state=0).fit(x, y)
        )
        trees = _tree_model(model)
    trees.__dict__["tie"] = 1e9  # the margin tolerance (``TreeModel.tie``, cached), raised
    flat = flatten(build_domain(SCHEMA, trees), trees, SCHEMA.index("s"))
    assert not isinstance(flat, str)
    got = refine(flat, deadline=float("inf"), compiled=True)
    assert len(got.pend_mass) == 0 and got.decided > 0
    assert got.disc_mass == pytest.approx(_brute(model, "s", GRID), abs=1e-12)
    assert got.disc_mass > 0.0
    rows = ensemble.atoms_of_rows(build_domain(SCHEMA, trees).atoms, GRID)
    for lo, hi in zip(got.found_lo, got.found_hi, strict=True):
        inside = np.all((rows >= lo) | (np.arange(4) == 1), axis=1) & np.all(
            (rows < hi) | (np.arange(4) == 1), axis=1
        )
        assert inside.any() and _brute(model, "s", GRID[inside]) == 1.0


def test_compiled_and_interpreted_kernel_agree_step_for_step() -> None:
    """The kernel run by the Python interpreter (numba's JIT disabled, as without numba)
    gives the same bounds, bit for bit, as the compiled one after the same number of boxes."""
    _needs_numba()
    import json
    import os
    import subprocess
    import sys

    script = (
        "import json, numpy as np\n"
        "from sklearn.ensemble import GradientBoostingClassifier\n"
        "from assay.fairness.exact import ensemble\n"
        "from assay.fairness.exact.domain import build_domain\n"
        "from assay.fairness.exact.ensemble import flatten, refine\n"
        "import tests.unit.test_fairness_exact as t\n"
        "model, trees = t._boosted()\n"
        "ensemble._CALL_STEPS = 7\n"
        "ensemble._SETTLE_PIECES = 4  # some boxes settled at once, not the whole domain\n"
        "flat = flatten(build_domain(t.SCHEMA, trees), trees, t.SCHEMA.index('s'))\n"
        "out = []\n"
        "for steps in (1, 3, 10, 40):\n"
        "    r = refine(flat, deadline=float('inf'), max_steps=steps, compiled=True)\n"
        "    out.append([r.disc_mass.hex(), float(r.pend_mass.sum()).hex(), r.decided,\n"
        "                sorted(r.pend_lo.tolist()), r.settled])\n"
        "print(json.dumps(out))\n"
    )
    root = Path(__file__).resolve().parents[2]
    runs = []
    for jit_off in ("0", "1"):
        env = {**os.environ, "NUMBA_DISABLE_JIT": jit_off, "PYTHONPATH": str(root / "src")}
        done = subprocess.run(
            [sys.executable, "-c", script],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=True,
        )
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    assert runs[0] == runs[1]
    assert runs[0][0][1] != runs[0][-1][1]  # the stages differ: the comparison means something
    assert runs[0][-1][4] > 0  # and boxes were settled by counting (``settle``)


def test_bounded_answer_carries_a_statistical_interval_that_covers_the_truth(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Stopped early, the result has certain bounds and, inside them, a 95 % interval from
    samples of the undecided boxes; over 40 seeds it covers the brute-force share >= 35 times
    (it cannot be right by construction: a biased sampler or a wrong class fails it)."""
    monkeypatch.setattr(ensemble, "_CALL_STEPS", 3)  # the compiled refinement: 3 boxes a step
    model, trees = _boosted()
    truth = _brute(model, "s", GRID)
    result = analyse(SCHEMA, trees, "s", time_budget=1e-9)
    assert result.status == "bounded" and result.estimate is not None
    est = result.estimate
    assert result.uniform[0] <= est["low"] <= est["share"] <= est["high"] <= result.uniform[1]
    assert any("Clopper-Pearson interval" in a for a in result.assumptions)
    flat = flatten(build_domain(SCHEMA, trees), trees, SCHEMA.index("s"))
    assert not isinstance(flat, str)
    covered = 0
    for seed in range(40):
        partial = refine(flat, deadline=float("inf"), max_steps=seed % 3)
        got = sample_pending(
            partial,
            flat,
            np.random.default_rng(seed),
            target=0.0,
            deadline=float("inf"),
            batch=2000,
            max_samples=2000,
        )
        covered += got["low"] <= truth <= got["high"]
    print(f"coverage {covered} of 40")
    assert covered >= 35, covered


def test_the_verdict_reports_the_bounded_analysis_estimate() -> None:
    from assay.core.rng import generator
    from assay.fairness.encoded import EncodedModel
    from assay.fairness.verdict import answer

    model, trees = _boosted()
    result = analyse(SCHEMA, trees, "s", time_budget=1e-9)
    assert result.estimate is not None
    got = answer(
        SCHEMA,
        EncodedModel(SCHEMA, model),
        generator(0),
        samples=500,
        exact={"s": result},
        regions=False,
    )
    (verdict,) = got["verdict"]
    assert verdict["basis"] == "bounded"
    assert verdict["share_uniform"] == result.estimate["share"]
    assert verdict["exact_estimate_low"] == result.estimate["low"]
    assert verdict["exact_estimate_high"] == result.estimate["high"]
    (exact,) = got["exact"]
    assert exact["estimate"]["samples"] == result.estimate["samples"]


def test_a_run_that_cannot_take_building_the_kernel_uses_the_vectorised_refinement(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With numba there but the kernel not built, a short deadline gets the vectorised loop
    (and says so) instead of overrunning by the 20-40 s of building it; a long one builds it."""
    _needs_numba()
    _, trees = _boosted()
    flat = flatten(build_domain(SCHEMA, trees), trees, SCHEMA.index("s"))
    assert not isinstance(flat, str)
    monkeypatch.setattr(kernel, "ready", lambda: False)
    used: list[bool] = []
    real = ensemble._refine_best_first

    def spy(*args: Any, **kwargs: Any) -> Any:
        used.append(True)
        return real(*args, **kwargs)

    monkeypatch.setattr(ensemble, "_refine_best_first", spy)
    short = refine(flat, deadline=time.monotonic() + 5.0, max_steps=2)
    assert short.unbuilt and not used
    long = refine(flat, deadline=time.monotonic() + 1e6, max_steps=2)
    assert not long.unbuilt and used
