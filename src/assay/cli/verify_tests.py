"""``assay verify`` of a text run of several tests (a suite, several relations): each test
with how many of its stored failing cases still fail, so a fix is seen per test."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from assay.core.replay import TestReplayed

__all__ = ["tests_json", "tests_lines"]


def tests_lines(per_test: Sequence[TestReplayed]) -> list[str]:
    """The terminal's lines, one a test in the grammar's order (none: not several tests)."""
    if not per_test:
        return []
    lines = ["each test's stored failing cases:"]
    for t in per_test:
        if not t.stored:
            lines.append(f"  {t.test}: no stored failing case")
            continue
        fixed = t.stored - t.still_failing
        lines.append(
            f"  {t.test}: {t.still_failing:,} of {t.stored:,} still fail"
            + (f"; {fixed:,} no longer do" if fixed else "")
        )
    return lines


def tests_json(per_test: Sequence[TestReplayed]) -> list[dict[str, Any]]:
    """The same for ``--json`` (its ``tests``)."""
    return [
        {
            "test": t.test,
            "stored": t.stored,
            "still_failing": t.still_failing,
            "no_longer_failing": t.stored - t.still_failing,
        }
        for t in per_test
    ]
