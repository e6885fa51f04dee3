"""A result typed alone in a notebook cell: one short line, whatever the run's size (a
backdoor scan of thousands of images keeps a row per image in its summary)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assay.backdoor.api import BackdoorResult
from assay.text.api import TextResult

HEADLINE = "560 of 560 images carry a confirmed trigger"


@pytest.mark.parametrize("cls", [BackdoorResult, TextResult])
def test_a_result_repr_is_one_short_line_whatever_the_summary_holds(cls: type) -> None:
    rows = [{"image": i, "name": f"img_{i}.png", "box": [5, 5, 3, 3]} for i in range(5_000)]
    result = cls(
        run_id="backdoor-1",
        seed=1,
        status="completed",
        n_findings=560,
        max_severity=1.0,
        summary={"headline": HEADLINE, "rows": rows},
        progress={"queries": 10},
        store=Path("runs.db"),
        command="c",
    )
    text = repr(result)
    assert len(text) < 500 and "\n" not in text
    assert "backdoor-1" in text and "completed" in text and HEADLINE in text
    assert cls.__name__ in text
