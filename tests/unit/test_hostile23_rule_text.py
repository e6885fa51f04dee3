"""A rule over a continuous feature in the user's terms (hostile23): an exact rule runs to the
domain's edge, which read "x4 < 0.001 to 0.539" (the edge 0.0000073 written as a small
number), and a feature in small units had both ends written "< 0.001"."""

from __future__ import annotations

from assay.core.display import span
from assay.fairness.exact.analysis import condition_text
from assay.fairness.regions import Rule, rule_text
from assay.fairness.schema import Feature, Schema


def _schema() -> Schema:
    return Schema(
        (
            Feature("x0", "continuous", 3.49e-06, 0.99999),
            Feature("x4", "continuous", 7.33e-06, 0.99998),
            Feature("dose", "continuous", 0.0, 0.001),
            Feature("sex", "integer", 0, 1),
        ),
        protected=("sex",),
    )


def test_a_rule_running_to_an_edge_of_the_domain_says_so() -> None:
    schema = _schema()
    rule = Rule({0: (0.5001904, 0.99999), 1: (7.33e-06, 0.5386454)})
    assert rule_text(schema, rule) == "x0 >= 0.5 and x4 <= 0.539"


def test_a_feature_in_small_units_keeps_its_numbers() -> None:
    schema = _schema()
    assert rule_text(schema, Rule({2: (0.0002, 0.0004)})) == "dose 0.0002 to 0.0004"
    assert condition_text(schema.features[2], [(0.0002, 0.0004)]) == "dose 0.0002 to 0.0004"


def test_two_different_bounds_never_read_the_same() -> None:
    assert span(1000.2, 1000.7) == ("1,000", "1,001")
    assert span(12.301, 12.304) == ("12.301", "12.304")
    assert span(2625.89, 38003.68) == ("2,626", "38,004")
    assert span(0.0, 0.0002) == ("0", "0.0002")
