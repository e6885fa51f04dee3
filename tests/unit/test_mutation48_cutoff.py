"""``models.cutoff`` decision by decision (mutation48): each test plants one answer the
cutoff must decide, or refuse, and reads what ``CutoffModel`` and ``decided`` give back.
hostile47s's integration tests reach these through whole runs; the edges (a score exactly
at the cutoff, a cutoff of 1,500,000, a NaN cutoff, declared label counts, two values that
are no probabilities) were reached by none of them."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from assay.core.model import Capabilities
from assay.errors import ModelError, UsageError
from assay.models.cutoff import CutoffModel, cutoff_names, decided, written


class _Fixed:
    """A model answering ``answer`` to every call (rows cut to the inputs asked)."""

    def __init__(self, answer: Any, caps: Capabilities) -> None:
        self.answer = np.asarray(answer)
        self.capabilities = caps
        self.calls = 0

    def predict(self, inputs: Any, /) -> np.ndarray:
        self.calls += 1
        return self.answer[: len(inputs)]


def _score(answer: Any, *, remote: bool = False) -> _Fixed:
    return _Fixed(answer, Capabilities("tabular", None, "proba", remote=remote))


def _two(answer: Any) -> _Fixed:
    return _Fixed(answer, Capabilities("tabular", 2, "proba", class_names=("no", "yes")))


def _rows(n: int) -> np.ndarray:
    return np.zeros((n, 3))


def test_a_large_cutoff_is_written_as_typed() -> None:
    assert written(1_500_000.0) == "1500000"
    assert written(0.7) == "0.7"
    assert cutoff_names(1_500_000.0) == ("<=1500000", ">1500000")


@pytest.mark.parametrize("cutoff", [float("nan"), float("inf"), float("-inf")])
def test_a_cutoff_that_is_no_finite_number_is_refused(cutoff: float) -> None:
    # (taken, every score is on one side of it: "nothing was tested" after a whole run)
    with pytest.raises(UsageError, match="finite number") as caught:
        CutoffModel(_score([0.5, 0.6]), cutoff)
    assert caught.value.argument == "--cutoff"


def test_labels_of_a_declared_count_are_refused_by_a_cutoff() -> None:
    # (--classes 3 with no names: labels all the same, compared as they are)
    labels = _Fixed([0, 1, 2], Capabilities("tabular", 3, "labels"))
    with pytest.raises(UsageError, match=r"class labels \(0, 1, 2\)"):
        CutoffModel(labels, 0.5)


def test_three_probabilities_are_refused_and_two_are_decided() -> None:
    three = _Fixed(
        [[0.2, 0.3, 0.5]], Capabilities("tabular", 3, "proba", class_names=("a", "b", "c"))
    )
    with pytest.raises(UsageError, match="3 class probabilities"):
        CutoffModel(three, 0.5)
    model = CutoffModel(_two([[0.25, 0.75], [0.35, 0.65], [0.9, 0.1]]), 0.7)
    assert model.capabilities.class_names == ("no", "yes")  # (the model's own names)
    assert model.predict(_rows(3)).tolist() == [1, 0, 0]
    assert model.describe() == {"cutoff": 0.7, "decides": "probability"}


def test_a_score_exactly_at_the_cutoff_is_below_it() -> None:
    model = CutoffModel(_score([649.0, 650.0, 650.5, 10.0]), 650)
    assert model.predict(_rows(4)).tolist() == [0, 0, 1, 0]
    assert model.capabilities.class_names == ("<=650", ">650")
    assert model.describe() == {"cutoff": 650.0, "decides": "score"}


def test_one_score_is_cut_by_its_only_column_two_by_the_second() -> None:
    # a one-score model answering two values, or a two-class one answering one, is refused
    with pytest.raises(ModelError, match="2 values per input"):
        CutoffModel(_score([[1.0, 2.0]]), 0.5).predict(_rows(1))
    with pytest.raises(ModelError, match="1 values per input"):
        CutoffModel(_two([0.3]), 0.5).predict(_rows(1))
    with pytest.raises(ModelError, match="3 values per input"):
        CutoffModel(_score([[1.0, 2.0, 3.0]]), 0.5).predict(_rows(1))


@pytest.mark.parametrize("bad", [float("inf"), float("-inf"), float("nan")])
def test_a_score_that_is_no_number_fails_the_run(bad: float) -> None:
    with pytest.raises(ModelError, match=r"1 of 2 answers not a number"):
        CutoffModel(_score([700.0, bad]), 650).predict(_rows(2))


@pytest.mark.parametrize(
    "row",
    [
        [1200.0, 300.0],  # (two outputs in euros: no probabilities)
        [-0.2, 1.2],  # (one below 0, adding up to 1)
        [0.5, 0.6],  # (in [0, 1], adding up to 1.1)
        [0.45, 0.5],  # (0.95: past the 0.02 allowance)
        [-0.01, 1.0],  # (adding up to 0.99, within it: one below 0 all the same)
    ],
)
def test_two_values_that_are_no_probabilities_fail_the_run(row: list[float]) -> None:
    with pytest.raises(ModelError, match="not two class probabilities"):
        CutoffModel(_two([[0.3, 0.7], row]), 0.5).predict(_rows(2))


def test_two_probabilities_within_the_allowance_are_decided() -> None:
    assert CutoffModel(_two([[0.29, 0.7], [0.2, 0.81]]), 0.7).predict(_rows(2)).tolist() == [0, 1]


def test_a_bool_or_a_string_cutoff_is_refused() -> None:
    for given in (True, "0.7"):
        with pytest.raises(UsageError, match="must be a number") as caught:
            decided(_score([0.5]), given, None, None)  # type: ignore[arg-type]
        assert caught.value.argument == "--cutoff"


def test_a_cutoff_beside_a_threshold_is_refused() -> None:
    with pytest.raises(UsageError, match="give one") as caught:
        decided(_score([0.5]), 0.5, 0.1, None)
    assert caught.value.argument == "--threshold"


def test_a_regressor_without_a_cutoff_is_refused_naming_the_argument_given() -> None:
    from sklearn.linear_model import LinearRegression

    fitted = LinearRegression().fit(np.arange(6.0).reshape(3, 2), [1.0, 2.0, 3.0])
    with pytest.raises(UsageError, match="LinearRegression is a regressor") as caught:
        decided(_score([0.5]), None, None, fitted)
    assert caught.value.argument == "--cutoff"
    with pytest.raises(UsageError, match="probability gap") as caught:
        decided(_score([0.5]), None, 0.1, fitted)
    assert caught.value.argument == "--threshold"


@pytest.mark.parametrize("value", [-0.01, 1.01, 650.0])
def test_one_number_outside_0_and_1_is_refused_without_a_cutoff(value: float) -> None:
    with pytest.raises(UsageError, match="outside \\[0, 1\\]"):
        decided(_score([0.5, value]), None, None, None, [(None, [0.5, value])])


def test_one_probability_of_1_is_no_score() -> None:
    model = _score([0.0, 1.0])
    assert decided(model, None, None, None, [(None, [0.0, 1.0, 0.5])]) is model


def test_with_no_probe_answer_loading_asks_once_unless_served() -> None:
    local = _score([0.5, 7.0])
    with pytest.raises(UsageError, match="answered 7"):
        decided(local, None, None, None, (), _rows(2))
    assert local.calls == 1
    served = _score([0.5, 7.0], remote=True)  # (a served model's queries are the run's)
    assert decided(served, None, None, None, (), _rows(2)) is served
    assert served.calls == 0


def test_a_threshold_leaves_the_score_as_a_probability_gap() -> None:
    # (--threshold compares probability gaps: a model answering one number is not refused)
    model = _score([0.5, 7.0])
    assert decided(model, None, 0.1, None, [(None, [0.5, 7.0])]) is model


def test_labels_and_several_probabilities_are_no_single_score() -> None:
    labels = _Fixed([0, 1], Capabilities("tabular", 2, "labels"))
    assert decided(labels, None, None, None, [(None, [0, 7])]) is labels
    three = _Fixed([[0.2, 0.3, 0.5]], Capabilities("tabular", 3, "proba"))
    assert decided(three, None, None, None, [(None, [[2.0, 3.0, 5.0]])]) is three


class _Checked:
    """A ``CheckedModel`` stand-in: its ``inner`` is what the cutoff wraps."""

    def __init__(self, inner: _Fixed) -> None:
        self.inner = inner
        self.capabilities = inner.capabilities


def test_the_checked_model_takes_the_cutoffs_classes() -> None:
    checked = _Checked(_two([[0.2, 0.8]]))
    out = decided(checked, 0.7, None, None)
    assert out is checked and isinstance(checked.inner, CutoffModel)
    assert out.capabilities.class_names == ("no", "yes")
    assert out.capabilities.outputs == "labels" and out.capabilities.n_classes == 2
    scored = _Checked(_score([900.0]))
    assert decided(scored, 650, None, None).capabilities.class_names == ("<=650", ">650")


def test_a_classifier_estimator_is_no_regressor() -> None:
    from sklearn.linear_model import LogisticRegression

    fitted = LogisticRegression().fit(np.arange(8.0).reshape(4, 2), [0, 1, 0, 1])
    proba = _Fixed([[0.4, 0.6]], Capabilities("tabular", 2, "proba"))
    assert decided(proba, None, None, fitted, [(None, [[0.4, 0.6]])]) is proba


def test_trees_decided_at_a_cutoff_are_not_read_at_their_own_class() -> None:
    from sklearn.tree import DecisionTreeClassifier

    from assay.models.checked import CheckedModel
    from assay.models.sklearn import from_sklearn
    from assay.models.trees import read_trees

    x = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]] * 3)
    tree = DecisionTreeClassifier(random_state=0).fit(x, [0, 1, 1, 1] * 3)
    plain = CheckedModel(from_sklearn(tree))
    assert not isinstance(read_trees(plain), str)  # (the trees read)
    checked = CheckedModel(from_sklearn(tree))
    decided(checked, 0.7, None, tree)
    why = read_trees(checked)
    assert isinstance(why, str) and "decided at the cutoff 0.7 (--cutoff)" in why, why
