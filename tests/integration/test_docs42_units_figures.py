"""The `--units` figures docs/serving.md quotes are what the code gives: the German credit
command (`builtin:logistic`, sex, `--max-queries 800 --optimize queries --seed 5`) finds 183
IDIs as one unit, 87 unsplit and 95 in 8 units (docs42 found 85 and 90 there, stale).  The
figures are seeded query-budget runs: a change to the search that moves them must say so in
the page."""

from __future__ import annotations

import re
from pathlib import Path

SERVING = Path(__file__).resolve().parents[2] / "docs" / "serving.md"


def quoted_units_figures(text: str) -> dict[str, int]:
    """The IDI counts serving.md quotes for `--units 1`, no `--units`, and 8 units."""
    flat = " ".join(text.split())
    one = re.search(r"--optimize queries --seed 5`: (\d+) IDIs against (\d+)", flat)
    eight = re.search(r"`--units 8`: (\d+); without `--units`: (\d+), another campaign", flat)
    assert one and eight, "serving.md no longer quotes the German credit --units figures"
    assert one.group(2) == eight.group(2), "serving.md's two unsplit figures differ"
    return {"1": int(one.group(1)), "none": int(one.group(2)), "8": int(eight.group(1))}


def differences(quoted: dict[str, int], measured: dict[str, int]) -> list[str]:
    return [
        f"units {k}: serving.md says {quoted[k]}, the code finds {measured[k]}"
        for k in quoted
        if quoted[k] != measured[k]
    ]


def test_serving_md_units_figures_are_the_codes(tmp_path: Path) -> None:
    import assay
    from assay.core.store import RunStore

    store = RunStore(tmp_path / "runs.db")
    measured = {}
    for key, units in (("1", {"units": 1}), ("none", {}), ("8", {"units": 8})):
        result = assay.check_fairness(
            "builtin:logistic",
            dataset="german",
            protected="sex",
            max_queries=800,
            optimize="queries",
            seed=5,
            store=store,
            **units,
        )
        measured[key] = result.n_findings
    text = SERVING.read_text(encoding="utf-8")
    assert differences(quoted_units_figures(text), measured) == []
    # the figures main quoted before docs42 (85 unsplit, 90 in 8 units) are caught
    stale = text.replace("against 87", "against 85").replace(
        "without `--units`: 87", "without `--units`: 85"
    )
    stale = stale.replace("`--units 8`: 95", "`--units 8`: 90")
    found = differences(quoted_units_figures(stale), measured)
    assert len(found) == 2 and "says 85, the code finds 87" in found[0], found
