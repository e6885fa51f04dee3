"""mutation37: the text technique's new edges its own tests left open: a campaign's distinct
counts (``units._distinct``, ``_run_distinct``), the floor's round beside the walk, the
changed-answers watch of an input scan (mutants UD*, FB13, CH1, CH2, CF7 of
bench/RESULTS.md's mutation37)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from assay.backdoor.changed import changed_during_scan
from assay.core.demonstration import is_demonstration
from assay.core.display import value
from assay.core.missing_code import means_missing, stored_missing
from assay.core.model import Capabilities
from assay.errors import ModelError
from assay.models.callable import NamedLabelsModel
from assay.text.floor import SuiteFloor
from assay.text.units import UNIT_STATS, _distinct, _run_distinct


def _unit(per_test: list[list[int]], test_keys: list[list[int]], **more: Any) -> dict[str, Any]:
    return {UNIT_STATS: {"per_test": per_test, "test_keys": test_keys, **more}}


def test_a_unit_that_kept_fewer_keys_than_cases_leaves_the_counts_added() -> None:
    # (UD1) 10 cases, 3 keys kept: the two units' counts are added, not the 3 keys counted
    units = [_unit([[10, 2]], [[1, 2, -4]]), _unit([[4, 1]], [[1, 2, 3, -5]])]
    assert _distinct([[14, 3]], units) == [[14, 3]]
    # every case's key kept: each case once, a failing one (-k - 1) among the cases
    whole = [_unit([[3, 1]], [[1, 2, -4]]), _unit([[3, 1]], [[1, 2, -5]])]
    assert _distinct([[6, 2]], whole) == [[4, 2]]


def test_a_campaigns_run_wide_counts_count_each_case_once() -> None:
    # (UD3-UD5) keys with their test; a unit keeping fewer keys than its cases: None
    units = [
        {UNIT_STATS: {"cases": 3, "case_keys": [[1, 0], [-3, 1], [5, 0]]}},
        {UNIT_STATS: {"cases": 2, "case_keys": [[1, 0], [-3, 1]]}},
    ]
    assert _run_distinct(units, 2) == (3, 1, [[2, 0], [1, 1]])
    units[1][UNIT_STATS]["cases"] = 3  # (a case past the keys it kept)
    assert _run_distinct(units, 2) is None


class _Inner:
    def __init__(self) -> None:
        self.asked: list[int] = []

    def propose(self, engine: Any, n: int) -> list[Any]:
        self.asked.append(n)
        return []


def test_the_walk_proposes_the_round_less_the_floors_share() -> None:
    # (FB13) a round of 64 with a test short: the walk proposes 56, the floor 8 beside
    inner = _Inner()
    floor = SuiteFloor(inner=inner, cases=100)
    floor.over = True
    floor.drawn, floor.seen, floor.out_of_reach = [0, 0], [0, 40], [False, False]
    taken: list[int] = []
    floor._beside = lambda engine, m, keys: taken.append(m) or []  # type: ignore[method-assign]
    floor.propose(SimpleNamespace(), 64)  # type: ignore[arg-type]
    assert inner.asked == [56] and taken == [8]


def _scan(answered: list[int], labels: list[int], strategy: str = "assay") -> str | None:
    search = SimpleNamespace(
        scan_answered=answered,
        image_labels=np.array(labels),
        test=SimpleNamespace(mode="inputs", strategy=strategy),
        rows=[],
    )
    return changed_during_scan(search, {"tested": 30}, str)


def test_only_one_class_for_the_whole_scan_is_an_answer_that_changed() -> None:
    # (CH1) the scan's answers in two classes: a model may answer so steadily
    assert _scan([0, 1], [1, 2, 2]) is None
    assert "same class (0)" in (_scan([0], [1, 2, 2]) or "")
    # (CH2) STRIP's blends of two images may change class: not judged
    assert _scan([0], [1, 2, 2], strategy="strip") is None


def test_class_indices_then_a_string_array_is_a_change_of_form() -> None:
    # (CF7) a numpy array of names is names, as a list of them is
    queue: list[object] = [np.array([1, 0]), np.array(["neg"])]
    caps = Capabilities(modality="text", n_classes=2, outputs="labels")
    model = NamedLabelsModel(lambda texts: queue.pop(0), caps, ("neg", "pos"))
    assert np.asarray(model.predict(["a", "b"])).tolist() == [1, 0]
    with pytest.raises(ModelError, match=r"numbers \(class indices\) to its earlier calls"):
        model.predict(["c"])


def test_ranked_lists_then_names_is_a_change_of_form() -> None:
    # (CF8) a pipeline's ``[{label, score}, ...]`` per input is a form of its own
    ranked = [[{"label": "pos", "score": 0.9}, {"label": "neg", "score": 0.1}]]
    queue: list[object] = [ranked, ["neg"]]
    caps = Capabilities(modality="text", n_classes=2, outputs="labels")
    model = NamedLabelsModel(lambda texts: queue.pop(0), caps, ("neg", "pos"))
    model.predict(["a"])
    with pytest.raises(ModelError, match=r"score\} lists to its earlier calls"):
        model.predict(["c"])


def test_a_scan_that_tested_nothing_or_found_a_trigger_is_not_said_changed() -> None:
    # (CH3) nothing tested: said so elsewhere; (CH4) a trigger found: the model answered it
    search = SimpleNamespace(
        scan_answered=[0],
        image_labels=np.array([1, 2]),
        test=SimpleNamespace(mode="inputs", strategy="assay"),
        rows=[{"poisoned": False}],
    )
    assert changed_during_scan(search, {"tested": 30}, str) is not None
    assert changed_during_scan(search, {"tested": 0}, str) is None
    search.rows = [{"poisoned": False}, {"poisoned": True}]
    assert changed_during_scan(search, {"tested": 30}, str) is None


def test_a_feature_that_may_not_be_missing_has_no_missing_code() -> None:
    # (MC3) only a feature declared ``--missing`` reads a code above its top as missing
    assert not means_missing(False, 1.0, 2.0)
    assert means_missing(True, 1.0, 2.0) and not means_missing(True, 1.0, 1.0)


def test_top_label_dicts_then_numbers_is_a_change_of_form() -> None:
    # (CF9) a pipeline's top label per input (``{label, score}``) is a label by name
    queue: list[object] = [[{"label": "pos", "score": 0.9}], np.array([0])]
    caps = Capabilities(modality="text", n_classes=2, outputs="labels")
    model = NamedLabelsModel(lambda texts: queue.pop(0), caps, ("neg", "pos"))
    assert np.asarray(model.predict(["a"])).tolist() == [1]
    with pytest.raises(ModelError, match="labels by name to its earlier calls"):
        model.predict(["c"])


def test_images_unlabelled_or_of_the_class_answered_are_no_change() -> None:
    # (CH5) images the start did not label (-1) are not counted in other classes; (CH6)
    # every image scanned was of the class answered: a steady model may keep it
    assert _scan([0], [-1, -1, 0]) is None
    assert _scan([0], [0, 0]) is None
    said = _scan([0], [-1, 3, 0]) or ""
    assert "put 1 of the 2 images scanned in other classes" in said


def test_a_test_the_floor_cannot_reach_beside_the_walk_is_remembered() -> None:
    # (FB14) its draws found no new case: out of reach, never short again
    floor = SuiteFloor(inner=None, cases=100)
    floor.drawn, floor.seen, floor.out_of_reach = [0, 0], [0, 40], [False, False]
    floor._ways = lambda engine: [{}, {}]  # type: ignore[method-assign]
    floor._draw = lambda engine, r, way, keys: None  # type: ignore[method-assign]
    assert floor._beside(SimpleNamespace(), 4, set()) == []  # type: ignore[arg-type]
    assert floor.out_of_reach == [True, False] and floor._short() == []


def test_a_stored_feature_not_declared_missing_has_no_missing_code() -> None:
    # (MC5) the stored reader reads the flag as the feature does
    feature = {"kind": "continuous", "low": 0.0, "high": 1.0, "missing": False}
    assert not stored_missing(feature, 2.0)
    assert stored_missing({**feature, "missing": True}, 2.0)


def test_a_model_scan_is_not_judged_by_the_input_scans_watch() -> None:
    # (CH7) a model scan's own answers are of patches it builds: not watched so
    search = SimpleNamespace(
        scan_answered=[0],
        image_labels=np.array([1, 2]),
        test=SimpleNamespace(mode="model", strategy="assay"),
        rows=[],
    )
    assert changed_during_scan(search, {"tested": 30}, str) is None


def test_a_value_of_the_data_has_six_significant_digits_not_six_decimals() -> None:
    # (DV2) 1234567.8 is 1234570; 0.000123456789 is 0.000123457
    assert value(1234567.8) == "1234570"
    assert value(0.000123456789) == "0.000123457"
    assert value(50.0110001) == "50.011"


def test_an_input_scans_watch_of_its_own_answers_survives_a_checkpoint() -> None:
    # (BW2) a resumed scan keeps the classes its scan answered: dropped, it read None
    # (a state stored before the watch: never judged untested) and a stuck model passed
    from assay.backdoor.technique import BackdoorSearch

    search: Any = BackdoorSearch.__new__(BackdoorSearch)
    search.__dict__.update(
        base_seed=1,
        phase="scan",
        position=3,
        triggers=[],
        matchers=[],
        class_scans=[],
        threshold=None,
        clean_entropy=[],
        verdict=None,
        answered=[0, 2],
        scan_answered=[2],
        rechecked=[],
        again=None,
        clean_labels=None,
        image_labels=np.array([0, 1]),
        sweeps={},
        rows=[],
        _rows_logged=0,
    )
    snapshot = search.snapshot()
    again: Any = BackdoorSearch.__new__(BackdoorSearch)
    again.restore(snapshot)
    assert again.scan_answered == [2] and again.answered == [0, 2]


def test_the_watch_restarted_after_the_checks_forgets_the_classes_too() -> None:
    # (RW2-RW4) every part of the constant-model watch starts again
    from assay.fairness.encoded import EncodedModel

    model: Any = EncodedModel.__new__(EncodedModel)
    model.__dict__.update(
        first_answer=np.zeros(2), varied=True, first_class=1, classes_varied=True, answered=9
    )
    model.restart_watch()
    assert (model.first_answer, model.varied, model.first_class) == (None, False, None)
    assert model.classes_varied is False and model.answered == 0


def test_a_demo_flag_after_the_double_dash_is_a_models_word() -> None:
    # (DM2) ``assay text builtin:x -- --demo``: ``--demo`` is no option there
    config = {"invocation": {"models": ["builtin:x"]}}
    assert not is_demonstration("assay text builtin:x -- --demo", config)
    assert is_demonstration("assay text builtin:x --demo", config)


def test_an_old_run_with_one_users_classifier_beside_built_in_ones_is_no_demonstration() -> None:
    # (DM5) every model built in, not any one
    config = {"invocation": {"models": ["builtin:x", "clf.py:f"]}}
    assert not is_demonstration("assay text builtin:x clf.py:f --demo", config)


def test_a_unit_hands_on_the_classifiers_that_failed_a_minimal_case() -> None:
    # (UD8) a campaign's merged minimal failures keep ``failed`` (the JUnit's "failed by")
    from assay.text.units import _RECORD, _record

    rec: dict[str, Any] = {k: 0 for k in _RECORD}
    rec["detail"] = {"failed": ["clf.py:quiet"], "odd": [1], "labels": ["pos", "neg"]}
    assert _record(rec)["detail"] == {"odd": [1], "failed": ["clf.py:quiet"]}
