"""A demonstration that found nothing said "a larger budget finds them": the backdoor model
scan's demonstration (8x8 digits, a 3x3 trigger) misses it whatever the budget."""

from __future__ import annotations

from assay.cli.verdict import demo_line


def test_a_demonstration_that_found_nothing_promises_no_budget() -> None:
    said = demo_line(1)
    assert "found none of the bugs it demonstrates" in said and "exit 1" in said
    assert "budget" not in said
