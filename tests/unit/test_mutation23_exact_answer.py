"""mutation23: the answer's exact regions (``fairness.exact_regions`` and the verdict's use
of them) where regions22's tests could not fail: an enumerated domain's exact regions, why
the rules are sampled, the limit on boxes x cells, the answer's deadline, each region's
fields, the queries the witnesses took, and the note of each of two attributes."""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import pytest
from sklearn.tree import DecisionTreeClassifier

import assay.fairness.exact_regions as exact_regions_module
from assay.core.model import labels_of
from assay.core.rng import generator
from assay.fairness.encoded import EncodedModel
from assay.fairness.exact import analyse, compose_read
from assay.fairness.exact.enumerated import enumerate_share
from assay.fairness.exact.rules import ExactRule
from assay.fairness.exact_regions import exact_regions, why_sampled
from assay.fairness.regions import Rule
from assay.fairness.schema import Feature, Schema
from assay.fairness.verdict import answer
from assay.models import load_model
from assay.models.trees import read_trees

from test_regions22_answer import BOX, PLANTED, _grid, planted_tree  # isort: skip


def _exact(est: Any, attribute: str = "sex", schema: Schema = PLANTED, **kw: Any) -> Any:
    arrays = read_trees(load_model(est))
    assert not isinstance(arrays, str), arrays
    trees = compose_read(schema, arrays)
    assert not isinstance(trees, str), trees
    return analyse(schema, trees, attribute, **kw)


class _Counting(EncodedModel):
    """The model, counting the inputs it is asked."""

    rows = 0

    def predict(self, inputs: Any, /) -> np.ndarray:
        self.rows += len(inputs)
        return super().predict(inputs)


def _answer(schema: Schema, est: Any, exact: dict[str, Any], **kw: Any) -> dict[str, Any]:
    return answer(
        schema,
        EncodedModel(schema, load_model(est)),
        generator(0),
        class_names=("no", "yes"),
        exact=exact,
        **{"samples": 4_000, **kw},
    )


def test_an_enumerated_domains_regions_are_exact_in_the_answer() -> None:
    """A domain enumerated input by input holds every IDI (``idi_rows``): its regions are
    exact, not sampled for want of boxes."""
    est = planted_tree()
    model = load_model(est)

    def classes(rows: np.ndarray) -> np.ndarray:
        return np.asarray(labels_of(np.asarray(model.predict(rows)), model.capabilities))

    ex = enumerate_share(
        PLANTED, classes, "sex", data=None, deadline=time.monotonic() + 120, source="tree"
    )
    assert not isinstance(ex, str) and ex.idi_rows is not None and ex.every_box is None
    assert why_sampled(ex) is None
    got = _answer(PLANTED, est, {"sex": ex})
    (top,) = got["regions"]
    assert top["figures"] == "exact" and top["share_inside"] == 1.0
    assert got["exact"][0]["regions"]["figures"] == "exact"


def test_boxes_not_all_kept_say_why_the_rules_are_sampled() -> None:
    ex = _exact(planted_tree(), max_kept=0)
    assert ex.status == "exact" and ex.every_box is None
    why = why_sampled(ex)
    assert why is not None and "more than the 0 kept for exact regions" in why
    got = _answer(PLANTED, planted_tree(), {"sex": ex})
    assert got["exact"][0]["regions"]["figures"] == "sampled"
    assert "more than the 0 kept" in got["exact"][0]["regions"]["why_sampled"]


def _no_witnesses(rule: Rule, inside: np.ndarray) -> list[dict[str, Any]]:
    return []


def test_a_deadline_already_passed_leaves_the_rules_to_sampling() -> None:
    ex = _exact(planted_tree())
    got, why, seconds = exact_regions(
        PLANTED, "sex", ex, data=None, witnesses=_no_witnesses, deadline=time.monotonic() - 1
    )
    assert got is None and why is not None and "time was spent" in why and seconds == 0.0
    got, why, _ = exact_regions(
        PLANTED, "sex", ex, data=None, witnesses=_no_witnesses, deadline=time.monotonic() + 60
    )
    assert got and why is None


def test_the_limit_is_on_boxes_times_cells(monkeypatch: pytest.MonkeyPatch) -> None:
    ex = _exact(planted_tree())
    cells = sum(int(at.n if at.of_value is None else len(at.of_value)) for at in ex.atoms)
    assert cells > len(ex.atoms)  # (discrete features: a cell per value)
    held = len(ex.every_box) * cells
    monkeypatch.setattr(exact_regions_module, "MAX_CELLS", held)
    got, why, _ = exact_regions(PLANTED, "sex", ex, data=None, witnesses=_no_witnesses)
    assert got and why is None
    monkeypatch.setattr(exact_regions_module, "MAX_CELLS", held - 1)
    got, why, _ = exact_regions(PLANTED, "sex", ex, data=None, witnesses=_no_witnesses)
    assert got is None
    assert why == f"{len(ex.every_box):,} boxes over {cells:,} cells: too many to hold"


def test_a_regions_fields_rank_boxes_and_weight_in_the_data() -> None:
    ex = _exact(planted_tree())
    data = _grid(PLANTED)[::7]  # the data rows: every 7th input
    (top,), _, _ = exact_regions(PLANTED, "sex", ex, data=data, witnesses=_no_witnesses)
    assert top["rank"] == 1
    assert top["boxes"] == ex.n_boxes
    inside = Rule(dict(BOX)).contains(data)
    assert top["weight_data"] == pytest.approx(inside.mean())
    assert top["weight_data"] != pytest.approx(top["weight_space"])
    assert top["confirmed"] is True


def test_a_rule_no_richer_in_idis_than_the_space_is_not_confirmed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ex = _exact(planted_tree())
    overall = ex.uniform[0]
    rules = [
        ExactRule(Rule(dict(BOX)), 1.0, 1.0, 8 / 3375),
        ExactRule(Rule({0: (0.0, 14.0)}), overall, 1.0, 1.0),  # as rich as the whole space
    ]
    monkeypatch.setattr(exact_regions_module, "exact_rules", lambda *a, **k: rules)
    got, _, _ = exact_regions(PLANTED, "sex", ex, data=None, witnesses=_no_witnesses)
    assert got is not None
    assert [r["confirmed"] for r in got] == [True, False]
    assert [r["rank"] for r in got] == [1, 2]


def test_the_queries_the_witnesses_took_are_counted() -> None:
    """300 uniform inputs meet no IDI of the planted box: the rule's witnesses are asked of
    the model, and the answer's query count holds those queries too."""
    est = planted_tree()
    ex = _exact(est)
    model = _Counting(PLANTED, load_model(est))
    got = answer(
        PLANTED, model, generator(0), samples=300, class_names=("no", "yes"), exact={"sex": ex}
    )
    (top,) = got["regions"]
    assert top["figures"] == "exact" and top["witnesses"]
    assert got["analysis"]["queries"] == model.rows


def test_each_attributes_note_says_how_its_own_regions_were_found() -> None:
    """Two attributes, the exact analysis of the first only: the second's sampled rules do
    not overwrite the first's note ('exact')."""
    schema = Schema(
        (*PLANTED.features, Feature("age", "integer", 0, 3)),
        protected=("sex", "age"),
    )
    grid = _grid(PLANTED)
    y = np.where(Rule(dict(BOX)).contains(grid), grid[:, 2], grid[:, 4] > 7).astype(int)
    rng = np.random.default_rng(0)
    rows = np.hstack([grid, rng.integers(0, 4, (len(grid), 1))])
    y = np.where((rows[:, 5] == 3) & (rows[:, 0] < 5), 1 - y, y)  # age 3 flips it for x0 < 5
    est = DecisionTreeClassifier(random_state=0).fit(rows, y)
    ex = _exact(est, "sex", schema)
    assert ex.status == "exact"
    got = _answer(schema, est, {"sex": ex})
    notes = {e["attribute"]: e.get("regions") for e in got["exact"]}
    assert notes["sex"]["figures"] == "exact", got["exact"]
    assert "age" not in notes  # no exact analysis of it: nothing said in its name
    assert any(r["attribute"] == "age" and r["figures"] == "sampled" for r in got["regions"])


def test_an_exact_rules_witnesses_are_three_when_the_sample_holds_three() -> None:
    got = _answer(PLANTED, planted_tree(), {"sex": _exact(planted_tree())}, samples=20_000)
    (top,) = got["regions"]
    assert len(top["witnesses"]) == 3
    for w in top["witnesses"]:
        assert 3 <= w["x0"] <= 4 and 10 <= w["x1"] <= 11 and w["x2"] <= 1


def test_an_exact_rules_inputs_are_witnesses_only_where_the_model_discriminates() -> None:
    """The inputs of a rule's boxes are asked of the model: only those whose answer changes
    with the attribute are witnesses (an analysis misreading the model must not show an
    input the model treats alike), and a sample's own witnesses come first, unasked."""
    from assay.fairness.verdict import _sample, _Witnessed

    model = EncodedModel(PLANTED, load_model(planted_tree()))
    grid = _grid(PLANTED)
    outside = grid[~Rule(dict(BOX)).contains(grid)][:50]  # no IDI there
    inside = grid[Rule(dict(BOX)).contains(grid)][:4]
    empty = _sample(PLANTED, model, "sex", outside, None)
    assert not empty.disc.any()
    witnessed = _Witnessed(PLANTED, model, "sex", empty, ("no", "yes"), None)
    assert witnessed(Rule(dict(BOX)), outside[:5]) == []  # asked, none discriminatory
    assert witnessed.asked > 0
    asked = witnessed.asked
    got = witnessed(Rule(dict(BOX)), inside)
    assert len(got) == 3 and witnessed.asked > asked
    # a sample holding witnesses inside the rule gives them without asking
    full = _sample(PLANTED, model, "sex", inside, None)
    again = _Witnessed(PLANTED, model, "sex", full, ("no", "yes"), None)
    assert len(again(Rule(dict(BOX)), outside[:5])) == 3 and again.asked == 0


def test_the_line_of_an_exact_rule_gives_its_three_figures_and_yields_to_a_larger_box() -> None:
    """An exact rule's line: its share inside, its share of the input space and its share
    of the IDIs (its recall), each its own; the exact analysis' largest box is named instead
    only when it holds more of the IDIs than the rule does."""
    from assay.cli.answer_lines import _where

    rule = {
        "attribute": "sex", "confirmed": True, "rule": "x0 3-4", "share_inside": 0.5,
        "weight_space": 0.02, "recall": 0.8, "figures": "exact", "sample": "exact",
    }  # fmt: skip
    v = {"attribute": "sex", "share_uniform": 0.0125}

    def exact(box_share: float) -> dict[str, Any]:
        return {
            "attribute": "sex", "status": "exact", "share_uniform": {"high": 0.0125},
            "boxes": [{"rule": "x1 <= 2", "share_of_space": box_share}],
        }  # fmt: skip

    line = _where({"regions": [rule], "exact": [exact(0.005)]}, v)  # the box: 40 % of IDIs
    assert line == (
        "; most concentrated in: x0 3-4 (exact: 50.00 % discriminatory inside; "
        "2.00 % of the input space; 80.00 % of the IDIs)"
    )
    line = _where({"regions": [rule], "exact": [exact(0.011)]}, v)  # the box: 88 %
    assert line.startswith("; largest exact box: x1 <= 2"), line


def _enumerated(est: Any) -> Any:
    model = load_model(est)

    def classes(rows: np.ndarray) -> np.ndarray:
        return np.asarray(labels_of(np.asarray(model.predict(rows)), model.capabilities))

    return enumerate_share(
        PLANTED, classes, "sex", data=None, deadline=time.monotonic() + 120, source="tree"
    )


def test_enumerated_idis_are_kept_up_to_their_bound_and_said_beyond_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The planted box's 120 inputs are every IDI: with room for 120 they are all kept
    (exact regions); with room for 119 none are, and the result says why."""
    import assay.fairness.exact.enumerated as enumerated

    monkeypatch.setattr(enumerated, "MAX_IDI_ROWS", 120)
    ex = _enumerated(planted_tree())
    assert ex.idi_rows is not None and len(ex.idi_rows) == 120
    assert Rule(dict(BOX)).contains(ex.idi_rows).all() and ex.every_box_note is None
    monkeypatch.setattr(enumerated, "MAX_IDI_ROWS", 119)
    ex = _enumerated(planted_tree())
    assert ex.idi_rows is None
    assert ex.every_box_note == "120 IDIs enumerated, more than the 119 kept for exact regions"
    assert why_sampled(ex) == ex.every_box_note
