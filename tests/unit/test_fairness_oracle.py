"""The discrimination oracle on hand-made models with known answers."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from assay.core.budget import BudgetedModel
from assay.core.model import Capabilities, ModelInputs
from assay.errors import UsageError
from assay.fairness.encoded import EncodedModel
from assay.fairness.oracle import KIND, Oracle
from assay.fairness.schema import Feature, Schema

RACES = ("r0", "r1", "r2", "r3", "r4")


def schema(*protected: str, wide: bool = False, continuous: bool = False) -> Schema:
    feats = [
        Feature("a", "integer", low=0, high=300 if wide else 9),
        Feature("b", "categorical", categories=("x", "y", "z")),
        Feature("sex", "integer", low=0, high=1),
        Feature("race", "categorical", categories=RACES),
    ]
    if continuous:
        feats.append(Feature("c", "continuous", low=0.0, high=1.0))
    return Schema(features=tuple(feats), protected=protected)


class Labels:
    """Label 1 when ``rule(a, b, sex, race)``; counts its calls."""

    def __init__(self, rule: object) -> None:
        self.capabilities = Capabilities("tabular", 2, "labels")
        self.rule = rule
        self.calls = 0
        self.rows = 0

    def predict(self, inputs: ModelInputs, /) -> np.ndarray:
        x = np.asarray(inputs, dtype=object)
        self.calls += 1
        self.rows += len(x)
        a = x[:, 0].astype(float)
        sex = x[:, 2].astype(float)
        return np.asarray(self.rule(a, x[:, 1], sex, x[:, 3]), dtype=np.int64)  # type: ignore[operator]


class Proba:
    """P(class 1) = 0.3 + gap * sex, with a tiny dependence on ``a``."""

    def __init__(self, gap: float) -> None:
        self.capabilities = Capabilities("tabular", 2, "proba")
        self.gap = gap

    def predict(self, inputs: ModelInputs, /) -> np.ndarray:
        x = np.asarray(inputs, dtype=object)
        p1 = 0.3 + self.gap * x[:, 2].astype(float) + 0.001 * x[:, 0].astype(float)
        return np.stack([1 - p1, p1], axis=1)


def rows(*values: tuple[float, ...]) -> np.ndarray:
    return np.array(values, dtype=np.float64)


def test_label_flip_on_sex() -> None:
    s = schema("sex")
    model = Labels(lambda a, b, sex, race: (sex == 1) & (a > 5))
    oracle = Oracle(s, BudgetedModel(EncodedModel(s, model)))
    v = oracle.evaluate(rows((7, 0, 0, 2), (3, 1, 1, 0), (9, 2, 1, 4)))
    assert oracle.K == 2
    assert v.discriminatory.tolist() == [True, False, True]
    assert v.inputs.shape == (3, 2, 4)
    assert v.outputs.shape == (3, 2)
    assert v.outputs[0].tolist() == [0, 1]
    assert v.severity.tolist() == [1.0, 0.0, 1.0]
    assert v.generated.tolist() == [0, 1, 1]
    assert model.calls == 1 and model.rows == 6


def test_every_value_of_a_multi_valued_attribute_is_checked() -> None:
    s = schema("race")
    model = Labels(lambda a, b, sex, race: race == "r3")
    oracle = Oracle(s, EncodedModel(s, model))
    v = oracle.evaluate(rows((1, 0, 0, 0), (5, 2, 1, 4)))
    assert oracle.K == 5
    assert v.discriminatory.tolist() == [True, True]
    assert v.outputs.tolist() == [[0, 0, 0, 1, 0]] * 2
    assert v.generated.tolist() == [0, 4]
    assert model.calls == 1


def test_two_protected_attributes_give_every_combination() -> None:
    s = schema("sex", "race")
    model = Labels(lambda a, b, sex, race: (sex == 0) & (race == "r2"))
    oracle = Oracle(s, EncodedModel(s, model))
    r = rows((4, 1, 1, 3), (2, 0, 0, 2))
    v = oracle.evaluate(r)
    assert oracle.K == 10
    combos = {(int(x[2]), int(x[3])) for x in v.inputs[0]}
    assert combos == set(itertools.product(range(2), range(5)))
    for i in range(2):
        assert np.array_equal(v.inputs[i, v.generated[i]], r[i])
        assert (v.inputs[i][:, [0, 1]] == r[i, [0, 1]]).all()
    assert v.discriminatory.all()
    assert model.calls == 1


def test_a_model_ignoring_protected_attributes_is_never_discriminatory() -> None:
    s = schema("sex", "race")
    oracle = Oracle(s, EncodedModel(s, Labels(lambda a, b, sex, race: a > 4)))
    grid = np.array(list(itertools.product(range(10), range(3), range(2), range(5))), float)
    v = oracle.evaluate(grid)
    assert not v.discriminatory.any()
    assert (v.severity == 0).all()


def test_threshold_finds_a_probability_gap_without_label_flip() -> None:
    s = schema("sex")
    r = rows((1, 0, 0, 0), (2, 1, 1, 3))
    plain = Oracle(s, EncodedModel(s, Proba(gap=0.1)))
    v = plain.evaluate(r)
    assert not v.discriminatory.any()  # label mode uses argmax: class 0 for every variant
    assert v.outputs.shape == (2, 2, 2)
    assert np.allclose(v.severity, 0.1)
    assert (
        Oracle(s, EncodedModel(s, Proba(gap=0.1)), threshold=0.05).evaluate(r).discriminatory.all()
    )
    assert (
        not Oracle(s, EncodedModel(s, Proba(gap=0.1)), threshold=0.2)
        .evaluate(r)
        .discriminatory.any()
    )


def test_label_mode_on_probabilities_uses_argmax() -> None:
    s = schema("sex")
    v = Oracle(s, EncodedModel(s, Proba(gap=0.4))).evaluate(rows((0, 0, 0, 0)))
    assert v.discriminatory.tolist() == [True]
    assert v.severity[0] == pytest.approx(0.4)


def test_threshold_needs_probabilities_and_a_sane_value() -> None:
    s = schema("sex")
    labels = EncodedModel(s, Labels(lambda a, b, sex, race: sex == 1))
    with pytest.raises(UsageError) as err:
        Oracle(s, labels, threshold=0.1)
    assert err.value.argument == "--threshold"
    with pytest.raises(UsageError) as err:
        Oracle(s, EncodedModel(s, Proba(0.1)), threshold=-0.5)
    assert err.value.argument == "--threshold"


def test_no_protected_attribute_and_bad_shapes_are_usage_errors() -> None:
    with pytest.raises(UsageError):
        Oracle(schema(), EncodedModel(schema(), Proba(0.1)))
    oracle = Oracle(schema("sex"), EncodedModel(schema("sex"), Proba(0.1)))
    with pytest.raises(UsageError):
        oracle.evaluate(np.zeros((3, 2)))


def test_class_keys_ignore_protected_values_only() -> None:
    s = schema("sex", "race")
    oracle = Oracle(s, EncodedModel(s, Proba(0.1)))
    grid = np.array(list(itertools.product(range(10), range(3), range(2), range(5))), float)
    keys = oracle.class_keys(grid)
    assert keys.dtype == np.uint64
    # rows equal outside (sex, race) share a key; all other pairs differ
    classes = {(int(r[0]), int(r[1])) for r in grid}
    assert len(set(keys.tolist())) == len(classes) == 30
    by_class: dict[tuple[int, int], set[int]] = {}
    for r, k in zip(grid, keys.tolist(), strict=True):
        by_class.setdefault((int(r[0]), int(r[1])), set()).add(k)
    assert all(len(v) == 1 for v in by_class.values())


def test_class_keys_with_a_continuous_feature() -> None:
    s = schema("sex", continuous=True)
    oracle = Oracle(s, EncodedModel(s, Proba(0.1)))
    r = rows((1, 0, 0, 0, 0.25), (1, 0, 1, 0, 0.25), (1, 0, 0, 0, 0.5), (1, 0, 0, 2, 0.25))
    k = oracle.class_keys(r).tolist()
    assert k[0] == k[1]
    assert len({k[0], k[2], k[3]}) == 3
    v = oracle.evaluate(r)
    assert oracle.findings(v, np.ones(4, bool)).inputs.dtype == np.float64


@pytest.mark.parametrize(("wide", "dtype"), [(False, np.int8), (True, np.int16)])
def test_findings_use_the_smallest_exact_dtype(wide: bool, dtype: type) -> None:
    s = schema("sex", wide=wide)
    oracle = Oracle(s, EncodedModel(s, Labels(lambda a, b, sex, race: (sex == 1) & (a > 5))))
    r = rows((7, 0, 0, 2), (3, 1, 1, 0), (9, 2, 1, 4))
    v = oracle.evaluate(r)
    batch = oracle.findings(v, origin=np.array([5, 6, 7]), mutated=np.array([-1, 0, 1]))
    assert batch.kind == KIND
    assert len(batch) == 2
    assert batch.inputs.dtype == dtype
    assert np.array_equal(batch.inputs.astype(float), v.inputs[[0, 2]])
    assert batch.columns["generated"].tolist() == [0, 1]
    assert batch.columns["origin"].tolist() == [5, 7]
    assert batch.details == {
        "features": ["a", "b", "sex", "race"],
        "protected": ["sex"],
        "threshold": None,
    }
    finding = batch[1].to_json()
    assert finding["details"]["mutated"] == 1
    assert finding["inputs"][0] == [9, 2, 0, 4]
    # columns already selected (one value per finding) are accepted as they are
    assert oracle.findings(v, mutated=np.array([3, 4])).columns["mutated"].tolist() == [3, 4]
    with pytest.raises(ValueError):
        oracle.findings(v, mutated=np.array([1, 2, 3, 4]))


class NearHalf:
    """P(class 1) = 0.495 + 0.01 * sex: the label flips with a 0.01 probability gap."""

    capabilities = Capabilities("tabular", 2, "proba")

    def predict(self, inputs: ModelInputs, /) -> np.ndarray:
        x = np.asarray(inputs, dtype=object)
        p1 = 0.495 + 0.01 * x[:, 2].astype(float)
        return np.stack([1 - p1, p1], axis=1)


def test_threshold_adds_to_the_label_flip_rule_and_never_replaces_it() -> None:
    s = schema("sex")
    r = rows((1, 0, 0, 0), (2, 1, 1, 3))
    plain = Oracle(s, EncodedModel(s, NearHalf())).evaluate(r)
    assert plain.discriminatory.all()  # label flips with a 0.01 gap
    with_g = Oracle(s, EncodedModel(s, NearHalf()), threshold=0.05).evaluate(r)
    assert with_g.discriminatory.all()  # still label flips: G adds gaps, never removes flips
    assert np.allclose(with_g.severity, 0.01)


def test_class_keys_put_the_fewest_valued_features_in_the_lowest_digits() -> None:
    """Keys are exact mixed-radix packings, the feature with the fewest values lowest (so a
    search's neighbouring classes get close keys); keys stored by older versions, packed in
    feature order, map to the same classes' keys."""
    s = schema("sex", wide=True)  # free: a (301 values), b (3), race (5)
    oracle = Oracle(s, EncodedModel(s, Labels(lambda a, b, sex, race: a > 4)))
    grid = np.array(list(itertools.product(range(301), range(3), [0], range(5))), float)
    keys = oracle.class_keys(grid)
    assert len(np.unique(keys)) == len(grid) and int(keys.max()) == len(grid) - 1
    b_step = oracle.class_keys(rows((7, 1, 0, 2)))[0] - oracle.class_keys(rows((7, 0, 0, 2)))[0]
    assert b_step == 1  # b has the fewest values: the lowest digit
    a, b, race = grid[:, 0], grid[:, 1], grid[:, 3]
    feature_order = (a + 301 * (b + 3 * race)).astype(np.uint64)  # a lowest, race highest
    assert np.array_equal(oracle.from_feature_order(feature_order), keys)


def test_a_search_resumed_from_a_snapshot_with_feature_order_keys_knows_its_classes() -> None:
    from assay.core.rng import generator
    from assay.fairness.search import make_search

    s = schema("sex", wide=True)
    model = BudgetedModel(EncodedModel(s, Labels(lambda a, b, sex, race: (a > 150) & (sex > 0))))
    search = make_search("random", schema=s, model=model, rng=generator(3))
    for _ in range(5):
        search.step()
    search.flush()
    snap = search.snapshot()
    oracle = search.oracle  # type: ignore[attr-defined]
    grid = np.array(list(itertools.product(range(301), range(3), [0], range(5))), float)
    keys = oracle.class_keys(grid)
    known = search.ledger.known(keys)  # type: ignore[attr-defined]
    assert (known >= 0).sum() > 100 and (known == 1).any() and (known == 0).any()
    a, b, race = grid[:, 0], grid[:, 1], grid[:, 3]
    legacy = (a + 301 * (b + 3 * race)).astype(np.uint64)
    old = dict(zip(keys.tolist(), legacy.tolist(), strict=True))
    for name, part in snap.sets.items():  # as an older assay stored them
        snap.sets[name] = np.array([old[k] for k in part.tolist()], dtype=np.uint64)
    del snap.values["key_layout"]
    again = make_search("random", schema=s, model=model, rng=generator(3))
    again.restore(snap)
    assert np.array_equal(again.ledger.known(keys), known)  # type: ignore[attr-defined]
