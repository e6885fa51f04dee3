"""mutation49: the fairness answer line's rule and data-row clauses (``cli.answer_lines``,
audit48r/audit48r2), each decision pinned by a planted summary and its clean twin."""

from __future__ import annotations

from typing import Any

from assay.cli.answer_lines import _data_differs, _where

# 2 of 2 checked IDIs beside 0 of 2: the two 95 % intervals overlap (not told apart)
_OVERLAP = [
    {"value": "M", "favoured_in": 1.0, "favoured_count": 2, "idis": 2},
    {"value": "F", "favoured_in": 0.0, "favoured_count": 0, "idis": 2},
]
_OVERLAP[0].update(favoured_low=0.1581, favoured_high=1.0)
_OVERLAP[1].update(favoured_low=0.0, favoured_high=0.8419)
# 40 of 40 beside 0 of 40: told apart
_APART = [
    {"value": "M", "favoured_in": 1.0, "favoured_count": 40, "idis": 40},
    {"value": "F", "favoured_in": 0.0, "favoured_count": 0, "idis": 40},
]
_APART[0].update(favoured_low=0.912, favoured_high=1.0)
_APART[1].update(favoured_low=0.0, favoured_high=0.088)
FAV = {"class": "approve"}


def _rule(direction: list[dict[str, Any]], **over: Any) -> dict[str, Any]:
    rule = {
        "attribute": "sex",
        "confirmed": True,
        "rule": "a 1-5",
        "figures": "sampled",
        "sample": "data",
        "share_inside": 0.4,
        "share_inside_low": 0.2,
        "share_inside_high": 0.6,
        "weight_space": 0.01,
        "held_out_rows_inside": 10,
        "drawn_inside": 20,
        "recall": 0.5,
        "held_out_idis_inside": 1,
        "held_out_idis": 2,
        "direction": direction,
    }
    return {**rule, **over}


def _data_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**d, "attribute": "sex", "distribution": "data"} for d in rows]


def test_data_rows_are_said_when_the_line_above_tells_no_value_apart() -> None:
    # (AL1) the data rows favour the same value as the line above, which tells none apart:
    # the data rows' own figures are said (they may tell it)
    said = _data_differs({"direction": _data_rows(_APART)}, "sex", _OVERLAP, "approve")
    assert said.startswith("; over the data rows, ")
    assert "their 40 IDIs" in said
    # a line above that tells the value: nothing more
    assert _data_differs({"direction": _data_rows(_APART)}, "sex", _APART, "approve") == ""


def test_a_rule_of_counted_rows_is_said_a_sampled_rule() -> None:
    # (AL3) every data row inside counted: a "sampled rule", its share not sampled
    said = _where(
        {"regions": [_rule(_APART, rows_counted=5)], "favourable": FAV}, {"attribute": "sex"}
    )
    assert " (sampled rule: 40.00 % discriminatory inside (every one of its 5" in said
    drawn = _where({"regions": [_rule(_APART)], "favourable": FAV}, {"attribute": "sex"})
    assert " (sampled: 40.00 % discriminatory inside, 95 % CI" in drawn


def test_a_rule_whose_direction_names_no_share_says_no_one_favoured() -> None:
    # (AL4) an exact rule whose direction rows hold no share (no IDI weighed): no clause
    unknown = [
        {"value": "M", "favoured_in": None, "idis": None, "exact": True},
        {"value": "F", "favoured_in": None, "idis": None, "exact": True},
    ]
    rule = _rule(unknown, figures="exact", share_inside=1.0)
    said = _where({"regions": [rule], "favourable": FAV}, {"attribute": "sex"})
    assert "inside it" not in said
    told = _where(
        {"regions": [_rule(_APART, figures="exact", share_inside=1.0)], "favourable": FAV},
        {"attribute": "sex"},
    )
    assert "; inside it, the M variant" in told


def _three(a: float, b: float, c: float) -> list[dict[str, Any]]:
    return [
        {"value": v, "favoured_in": s, "favoured_count": int(40 * s), "idis": 40}
        for v, s in (("A", a), ("B", b), ("C", c))
    ]


def test_a_second_rule_favouring_another_value_is_named() -> None:
    # (AL8) rule 1 favours A most, rule 2 B most (C least in both): rule 2 is named
    first = _rule(_three(1.0, 0.5, 0.0), rule="a 1-5")
    second = _rule(_three(0.6, 1.0, 0.0), rule="b 7-9")
    said = _where({"regions": [first, second], "favourable": FAV}, {"attribute": "sex"})
    assert "; inside it, the A variant" in said
    assert "; and in b 7-9, the B variant" in said
    assert "more confirmed" not in said
    # a second rule favouring the same value: counted, not named
    same = _rule(_three(1.0, 0.2, 0.0), rule="b 7-9")
    said = _where({"regions": [first, same], "favourable": FAV}, {"attribute": "sex"})
    assert "and in b 7-9" not in said
    assert "; 1 more confirmed rule in the JSON and HTML reports" in said


def test_a_second_rule_not_told_apart_is_not_named() -> None:
    # (AL11) rule 2 leans to F on 2 IDIs, not told apart from M: not named as favouring F
    flipped = [{**_OVERLAP[1], "value": "M"}, {**_OVERLAP[0], "value": "F"}]
    first = _rule(_APART, rule="a 1-5")
    said = _where(
        {"regions": [first, _rule(flipped, rule="b 7-9")], "favourable": FAV},
        {"attribute": "sex"},
    )
    assert "and in b 7-9" not in said
    assert "; 1 more confirmed rule in the JSON and HTML reports" in said
    told = [{**_APART[1], "value": "M"}, {**_APART[0], "value": "F"}]
    said = _where(
        {"regions": [first, _rule(told, rule="b 7-9")], "favourable": FAV}, {"attribute": "sex"}
    )
    assert "; and in b 7-9, the F variant" in said
