"""mutation47b: a text campaign's merged summary judges its lift tables' "possibly chance"
on its units' added counts (``text.units.merge_summaries`` hands ``summary.lift_table`` the
units and the errors the added counts repeat: ``_fewest``).  SU14 (the units' count not set)
read added counts as distinct cases, SU13 (``repeated`` None) the bound without the run's
repeated errors; each mark then said "not chance" more often than the counts allow.  The
tables are read where they are made (a spy around ``lift_table``): the units' own, then the
merged one, whose ``repeated`` is the units' errors added less the run's distinct ones."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

import assay
import assay.text.summary as text_summary

sys.path.insert(0, str(Path(__file__).parent))
from test_left46t_figures import GRAMMAR, _pair  # isort: skip


def test_a_campaigns_lift_tables_are_judged_on_its_units_and_repeats(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[int, Any, int]] = []
    made = text_summary.lift_table

    def spy(engine: Any, **kw: Any) -> dict[str, Any]:
        seen.append((getattr(engine, "units", 1), getattr(engine, "repeated", None), engine.errors))
        return made(engine, **kw)

    monkeypatch.setattr(text_summary, "lift_table", spy)
    result = assay.check_text(
        _pair(), names=["a", "b"], grammar=GRAMMAR, max_queries=1200, seed=2, units=2,
        store=tmp_path / "u.db", determinism_check=False,
    )  # fmt: skip
    *own, (units, repeated, distinct) = seen
    assert units == 2, seen
    assert [u for u, _, _ in own] == [1, 1] and all(r is None for _, r, _ in own), seen
    added = sum(e for _, _, e in own)
    assert distinct > 0 and added > distinct  # (the units found some errors alike)
    assert repeated == added - distinct, seen
    assert result.summary["text"]["lift"]["counts"].startswith("cases and errors: the 2 units'")
