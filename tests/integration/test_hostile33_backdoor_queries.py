"""A backdoor input scan's headline gave only per-image figures ("15.3 queries per
unflagged image, 4.8 per image with a known trigger") that are of the images' own scans: the
run asked about a fifth more beside them (the clean images' and the images' classes, the
determinism check, the recheck), and one image's scan read "251.0 queries per image" where
the run asked 352 (`assay show`'s count).  The headline now says how many in all
(hostile33)."""

from __future__ import annotations

from pathlib import Path

from bd31_setups import poisoned_sets, scanned


def test_the_headline_says_the_queries_in_all_beside_the_per_image_figures(
    tmp_path: Path,
) -> None:
    sets = poisoned_sets(0, 20, slice(0, 6), 0, clean_model=False)
    r = scanned(sets, tmp_path / "runs.db")
    rows = r.summary["rows"]
    own = sum(int(row["queries"]) for row in rows)
    asked = int(r.progress["queries"])
    assert asked > own  # (the clean images' classes, at least, are asked beside the scans)
    assert f"; {asked:,} queries in all, {own:,} of them by the images' own scans" in r.headline
    assert r.summary["metrics"]["queries in all (the images' own scans and the rest)"] == asked
