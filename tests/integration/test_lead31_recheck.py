"""Images scanned before their trigger was confirmed are matched against it after the scan.

With the trojan of seed 3 (3x3 checkerboard at (5, 5) -> 7) and clean images holding five
poisoned ones, the first poisoned image's own search finds the trigger as a 4x4 box that
holds a row of the digit's strokes, which the natural-feature check takes for class 7's own
feature; the later poisoned images confirm the trigger at its own box, but the first was
never looked at again: 2 of 3 found, and with that image alone among those scanned before
the others, nothing said about it (bd31's Left 1).  ``backdoor/recheck.py`` matches every
unflagged image against the triggers confirmed after it once the scan is over.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from bd31_setups import poisoned_sets, scanned

from assay.backdoor.patches import Trigger
from assay.backdoor.recheck import candidates, later_matchers, replaced
from assay.backdoor.technique import BackdoorSearch, BackdoorTest
from assay.core.budget import BudgetedModel
from assay.core.checkpoint import Snapshot
from assay.core.model import Capabilities

pytestmark = pytest.mark.slow

POISONED = [0, 66, 132]


def test_the_first_poisoned_image_is_found_once_a_later_one_confirms_the_trigger(
    tmp_path: Path,
) -> None:
    r = scanned(poisoned_sets(3, 200, POISONED, 5, False), tmp_path / "runs.db")
    rows = r.summary["rows"]
    found = sorted(int(row["image"]) for row in rows if row["poisoned"])
    assert found == POISONED, r.headline  # before: [66, 132]
    first = next(row for row in rows if row["image"] == 0)
    assert first["rechecked"] and first["known_trigger"] and first["target"] == 7
    assert "natural" not in first
    assert r.n_findings == 3
    assert sorted(int(i) for i in r.findings()["image"]) == POISONED


def test_a_clean_model_given_the_same_images_is_not_rechecked_into_findings(
    tmp_path: Path,
) -> None:
    r = scanned(poisoned_sets(3, 200, POISONED, 5, True), tmp_path / "runs.db")
    assert r.n_findings == 0, r.headline
    assert not any(row.get("rechecked") for row in r.summary["rows"])


class _Digits:
    """The trojaned digits model on canonical (n, 8, 8, 1) images in [0, 1]."""

    capabilities = Capabilities(modality="image", n_classes=10, outputs="labels")

    def __init__(self, model: Any) -> None:
        self.model = model

    def predict(self, x: object, /) -> np.ndarray:
        a = np.asarray(x, dtype=np.float64)
        return np.asarray(self.model.predict(a.reshape(len(a), -1) * 16.0))


def _timeless(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in r.items() if k != "seconds"} for r in rows]


def _search() -> BackdoorSearch:
    model, scan, clean = poisoned_sets(3, 200, POISONED, 5, False)
    test = BackdoorTest(clean=clean / 16.0, images=scan / 16.0)
    return BackdoorSearch(test.validate(), BudgetedModel(_Digits(model)), np.random.default_rng(0))


def _stored(snaps: list[Snapshot]) -> Snapshot:
    """The state a store holds after these checkpoints: the last values, every append."""
    rows = [s.appends["rows"] for s in snaps if "rows" in s.appends]
    last = snaps[-1]
    return Snapshot(values=last.values, arrays=last.arrays, appends={"rows": np.concatenate(rows)})


def test_a_resumed_scan_keeps_the_rechecked_rows_and_rechecks_alike() -> None:
    whole = _search()
    found: list[Any] = []
    while not whole.done:
        found += whole.step()
    snaps: list[Snapshot] = []
    part = _search()
    while part.phase not in ("recheck", "done"):
        part.step()
        snaps.append(part.snapshot())
    assert part.phase == "recheck"  # a trigger was confirmed: the images are matched again
    # killed before the recheck: a resumed search rechecks as the whole one did
    before = _search()
    before.restore(_stored(snaps))
    again: list[Any] = []
    while not before.done:
        again += before.step()
    assert _timeless(before.rows) == _timeless(whole.rows)
    assert [f.columns["image"].tolist() for f in again[-1:]] == [[0]]
    # killed after it: the stored rows are the first scan's, the rechecked one travels beside
    snaps.append(before.snapshot())
    after = _search()
    after.restore(_stored(snaps))
    assert _timeless(after.rows) == _timeless(whole.rows)
    assert next(r for r in after.rows if r["image"] == 0)["rechecked"]


def test_only_unflagged_decided_images_before_a_later_trigger_are_candidates() -> None:
    t = Trigger((0, 0, 2, 2), np.ones((2, 2, 1)), 1, 1.0, source=5)
    rows = [
        {"image": 3, "poisoned": False, "status": "done"},
        {"image": 4, "poisoned": True, "status": "done"},
        {"image": 5, "poisoned": False, "status": "budget"},
        {"image": 7, "poisoned": False, "status": "done"},
    ]
    assert later_matchers([(0, t)], 4) == [(0, t)] and later_matchers([(0, t)], 5) == []
    assert candidates(rows, [(0, t)]) == [0]
    swapped = replaced(rows, [{"image": 7, "poisoned": True}])
    assert swapped[3] == {"image": 7, "poisoned": True} and swapped[:3] == rows[:3]
