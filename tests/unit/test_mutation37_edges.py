"""mutation37: the edges of the thirty-fifth session's code that its own tests left open
(each test here fails under a mutant named in bench/RESULTS.md's mutation37 section)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from assay.backdoor.inputscan import NATURAL_SOURCES, natural_pool
from assay.backdoor.replay import _Replayer
from assay.backdoor.replay_stuck import stuck_on_pasted
from assay.cli import verify_tests
from assay.core.demonstration import is_demonstration
from assay.core.model import Capabilities, ModelInputs
from assay.core.replay import OneClass
from assay.core.replay import TestReplayed as Replayed
from assay.fairness.lattice import scales, snap, snap_columns
from assay.fairness.schema import Feature, Schema
from assay.text.distance_seen import distance_note
from assay.text.floor import BESIDE, FAIR, FLOOR_CASES, SuiteFloor


def test_the_lattice_scale_stops_at_the_largest_exact_power_of_ten() -> None:
    # (LA4) a feature of magnitude 1e-10: 14 digits would be multiples of 1e-24, and 1e24
    # is no exact double; the scale stops at 1e22
    out = scales(np.array([0.0]), np.array([1e-10]), np.array([False]))
    assert out[0] == 1e22


def test_snap_rounds_half_up_as_the_compiled_walk_does() -> None:
    # (LA11) ``walkkernel`` computes floor(x * s + 0.5) / s: numpy's round (half to even)
    # would put 0.5 and 2.5 elsewhere than the compiled walk does
    halves = np.array([0.5, 1.5, 2.5, -0.5, -1.5])
    assert snap(halves, np.array(1.0)).tolist() == [1.0, 2.0, 3.0, 0.0, -1.0]
    assert snap(halves * 100, np.array(-100.0)).tolist() == [100.0, 200.0, 300.0, 0.0, -100.0]


def test_snap_columns_snaps_large_features_as_snap_does() -> None:
    # (LA16, LA18, LA19) a feature reaching 1e14 or more: multiples of -scale, to the nearest
    scale = np.array([-100.0, 0.0, 1e12])
    rows = np.array(
        [
            [2.9e15 + 60.0, 7.123456789, 49.099999999999994],
            [2.9e15 + 40.0, 1.0, 0.1000000000004],
            [-1234567890123457.0, 2.0, 3.0],
        ]
    )
    want = rows.copy()
    for j in (0, 2):
        want[:, j] = snap(rows[:, j], scale[j])
    got = snap_columns(rows.copy(), scale)
    assert np.array_equal(got, want)
    assert got[:, 0].tolist() == [2.9e15 + 100.0, 2.9e15, -1234567890123500.0]
    assert got[:, 1].tolist() == [7.123456789, 1.0, 2.0]  # scale 0: as it was


def test_a_run_naming_no_model_is_no_demonstration() -> None:
    # (DM9) an invocation of no model at all is not one of built-in models
    config = {"invocation": {"models": []}}
    assert not is_demonstration("assay text --demo", config)
    assert is_demonstration("assay text --demo", {"invocation": {"models": ["builtin:x"]}})


def _pool(verify_labels: list[int], label: int) -> list[int]:
    verify = np.zeros((len(verify_labels), 4, 4, 1))
    scanned = np.zeros((3, 4, 4, 1))
    scanned_labels = np.array([label, label, 9])
    _, labels = natural_pool(verify, np.array(verify_labels), label, 0, scanned, scanned_labels)
    return labels.tolist()


def test_the_scanned_images_stand_in_below_two_clean_sources_only() -> None:
    # (NP1, NP2) exactly NATURAL_SOURCES clean images of the class: the clean images alone;
    # one fewer: the images scanned of that class (not the candidate's own) join them
    assert NATURAL_SOURCES == 2
    assert _pool([5, 5, 1], 5) == [5, 5, 1]
    assert _pool([5, 1, 1], 5) == [5, 1, 1, 5]


def _stuck(answers: list[int], sources: list[list[int]]) -> str:
    pasted = OneClass()
    pasted.see(np.array(answers))
    return stuck_on_pasted(pasted, [np.array(s) for s in sources], str)


def test_triggered_images_of_their_own_class_alone_are_not_said_stuck() -> None:
    # (ST1, ST3) every clean image pasted on was of the class answered: the trigger changed
    # nothing, no model is shown stuck
    assert _stuck([4, 4, 4], [[4, 4], [4]]) == ""
    said = _stuck([4, 4, 4], [[4, 1], [2]])
    assert "same class (4)" in said and "2 of those clean images" in said
    # (ST2) nothing pasted on clean images of other classes: nothing to say, no error
    assert _stuck([4, 4], []) == ""


def _floor(drawn: list[int], seen: list[int], out: list[bool] | None = None) -> SuiteFloor:
    floor = SuiteFloor(inner=None, cases=FLOOR_CASES)
    floor.drawn, floor.seen = list(drawn), list(seen)
    floor.out_of_reach = list(out) if out is not None else [False] * len(drawn)
    return floor


def test_a_test_is_short_under_a_quarter_of_its_even_share_rounded_up() -> None:
    # (FB2, FB3) two tests, 32 cases proposed: a test is short under ceil(32 / (4 * 2)) = 4
    assert FAIR == 4
    assert _floor([0, 0], [3, 29])._short() == [0]
    assert _floor([0, 0], [5, 27])._short() == []
    # (FB7) exactly the share is not short; (FB11) 33 cases: the share is 5, rounded up
    assert _floor([0, 0], [4, 28])._short() == []
    assert _floor([0, 0], [4, 29])._short() == [0]
    # (FB10) the floor's own draws count with the walk's proposals
    assert _floor([2, 0], [2, 28])._short() == []
    # (FB8) a test out of reach is never short; (FB9) the fewest first
    assert _floor([0, 0, 0], [1, 0, 99], [False, True, False])._short() == [0]
    assert _floor([0, 0, 0, 0], [3, 1, 2, 200])._short() == [1, 2, 0]


def test_the_floor_beside_the_walk_takes_an_eighth_of_a_round_at_least_one() -> None:
    # (FB1, FB4, FB5, FB6) rounds of 2 or more, a floor of some cases, a test short
    short = _floor([0, 0], [0, 40])
    assert BESIDE == 8
    assert short._beside_share(None, 64) == 8  # type: ignore[arg-type]
    assert short._beside_share(None, 7) == 1  # type: ignore[arg-type]
    assert short._beside_share(None, 1) == 0  # type: ignore[arg-type]
    short.cases = 0  # --floor 0: no floor beside either
    assert short._beside_share(None, 64) == 0  # type: ignore[arg-type]
    assert _floor([0, 0], [20, 20])._beside_share(None, 64) == 0  # type: ignore[arg-type]


class _Ignores:
    """Labels an image by its first pixel (0 or 1); a trigger changes nothing."""

    capabilities = Capabilities("image", 2, "labels")

    def predict(self, inputs: ModelInputs, /) -> np.ndarray:
        return (np.asarray(inputs)[:, 0, 0, 0] > 0.5).astype(np.int64)


def test_a_trigger_that_no_longer_works_is_not_said_stuck_by_its_own_class() -> None:
    # (ST6) a trigger of class 1 pasted on the clean images of class 0, which stay 0: fixed.
    # The clean images of class 1 were never pasted on: they are no source of "stuck"
    clean = np.zeros((24, 6, 6, 1))
    clean[12:, 0, 0, 0] = 1.0  # twelve of class 0, twelve of class 1
    replayer = _Replayer(_Ignores(), clean, seed=0)  # type: ignore[arg-type]
    rate = replayer.flip_rate(np.full((2, 2, 1), 0.7), (3, 3, 2, 2), 1)
    assert rate == 0.0
    assert replayer.untested() == ""


class _Draws:
    def __init__(self) -> None:
        self.u = iter(np.arange(100) / 100)

    def next(self) -> float:
        return float(next(self.u))


def _picks(weighted: bool) -> int:
    """How many of 100 evenly spread draws pick production 0 (weight 9) over 1 (weight 1)."""
    engine = SimpleNamespace(
        g=SimpleNamespace(weights=[9.0, 1.0]),
        sampler=SimpleNamespace(weighted=weighted),
        draws=_Draws(),
    )
    return sum(SuiteFloor._pick(engine, [0, 1]) == 0 for _ in range(100))  # type: ignore[arg-type]


def test_the_floor_draws_productions_by_the_grammars_weights() -> None:
    # (mutation36's FL29) weighted: 90 of 100; --uniform: half
    assert _picks(True) == 90
    assert _picks(False) == 50


def test_verify_says_each_tests_stored_cases_and_what_no_longer_fails() -> None:
    # (VT1-VT4) a test with no stored case says so; one fixed says how many no longer fail
    tests = [
        Replayed("greeting", 0, 0),
        Replayed("negation", 5, 2),
        Replayed("names", 3, 3),
    ]
    assert verify_tests.tests_lines(tests) == [
        "each test's stored failing cases:",
        "  greeting: no stored failing case",
        "  negation: 2 of 5 still fail; 3 no longer do",
        "  names: 3 of 3 still fail",
    ]
    assert verify_tests.tests_json(tests)[1] == {
        "test": "negation",
        "stored": 5,
        "still_failing": 2,
        "no_longer_failing": 3,
    }
    assert verify_tests.tests_lines([]) == []


def _seen(largest: float, threshold: float = 0.9, mode: str = "distance") -> str | None:
    oracle = SimpleNamespace(mode=mode, largest=largest, threshold=threshold)
    return distance_note(oracle)


def test_the_threshold_is_said_never_approached_under_half_of_it_only() -> None:
    # (DI1, DI2, DI3) 0.44 of 0.9: never approached; 0.45 (half) and 0.6: the distance alone
    assert _seen(0.44) == (
        "the largest distance seen was 0.44 (--threshold 0.9), under half of it: the "
        "threshold was never approached (a lower one, or another --mode, may show how far "
        "apart the classifiers are)"
    )
    assert _seen(0.45) == "the largest distance seen was 0.45 (--threshold 0.9)"
    assert _seen(0.6) == "the largest distance seen was 0.6 (--threshold 0.9)"
    assert _seen(0.1, mode="top1") is None and _seen(0.1, mode="topk") is None


class _Lowest:
    """A generator whose every draw is 0: each uniform sample at its features' lows."""

    def random(self, shape: tuple[int, int]) -> np.ndarray:
        return np.zeros(shape)


def test_a_sample_at_a_low_bound_off_the_lattice_stays_within_it() -> None:
    # (SU2) 0.12345678901234567 snaps down to 0.1234567890123, under the bound: kept at it
    schema = Schema(
        features=(
            Feature("x", "continuous", low=0.12345678901234567, high=7.3),
            Feature("s", "integer", low=0, high=1),
        ),
        protected=("s",),
    )
    rows = schema.sample_uniform(_Lowest(), 3)  # type: ignore[arg-type]
    assert rows[:, 0].tolist() == [schema.lows[0]] * 3


def test_a_rules_held_out_counts_are_the_idis_inside_and_all_of_them() -> None:
    # (RG1) four held-out IDIs, three inside the rule age 30-50: "3 of the 4 held out"
    from assay.fairness.regions import Rule, check_rule

    schema = Schema(
        features=(
            Feature("age", "integer", low=18, high=70),
            Feature("sex", "categorical", categories=("F", "M")),
        ),
        protected=("sex",),
    )
    rows = np.array([[35.0, 0], [40.0, 1], [45.0, 0], [60.0, 1], [20.0, 0]])
    disc = np.array([True, True, True, True, False])
    got = check_rule(schema, Rule({0: (30.0, 50.0)}), rows, disc, data=None)
    assert (got["held_out_idis_inside"], got["held_out_idis"]) == (3, 4)
    assert got["recall"] == 0.75
