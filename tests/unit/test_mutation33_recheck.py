"""The recheck after a backdoor scan (``backdoor/recheck.py``), piece by piece (bench/RESULTS.md,
mutation33's table: mutants RC3-RC7 survived ``test_lead31_recheck.py``).

``check_known`` is replaced by a recorder that says which triggers it was asked to match,
spends queries as the real one would, and matches the last trigger it is given.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from assay.backdoor import recheck as rc
from assay.backdoor.patches import Trigger
from assay.backdoor.verdicts import ImageVerdict


def _trigger(source: int) -> Trigger:
    return Trigger((0, 0, 2, 2), np.ones((2, 2, 1)), 7, 1.0, source=source)


def test_only_decided_images_are_candidates() -> None:
    """An image whose own budget ran out before a decision ('budget') or one too few clean
    images could confirm ('unverified') is not matched again, even before a later trigger."""
    rows = [
        {"image": 1, "poisoned": False, "status": "budget"},
        {"image": 2, "poisoned": False, "status": "unverified"},
        {"image": 3, "poisoned": False, "status": "done"},
    ]
    assert rc.candidates(rows, [(0, _trigger(9))]) == [2]


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> tuple[list[list[int]], list[int]]:
    """The sources of the triggers each ``check_known`` call was given; the call spends 5
    queries and matches the last trigger given (its index in the list)."""
    calls: list[list[int]] = []
    spent = [0]

    def fake(i: int, image: Any, label: int, labels: Any, triggers: list[Trigger], *a: Any,
             **k: Any) -> ImageVerdict:  # fmt: skip
        calls.append([t.source for t in triggers])
        spent[0] += 5
        return ImageVerdict(index=i, label=label, poisoned=True, known=True,
                            trigger_id=len(triggers) - 1, target=7)  # fmt: skip

    monkeypatch.setattr(rc, "check_known", fake)
    return calls, spent


def test_a_recheck_matches_later_triggers_only_and_names_the_run_s_trigger_id(
    asked: tuple[list[list[int]], list[int]],
) -> None:
    calls, spent = asked
    # triggers of ids 10, 11, 12 first found on images 2, 6, 8; image 4 was scanned with
    # the first already known (its scan matched it): only 11 and 12 are new to it
    matchers = [(10, _trigger(2)), (11, _trigger(6)), (12, _trigger(8))]
    rows = [{"image": 4, "prediction": 3, "poisoned": False, "status": "done", "queries": 40,
             "seconds": 0.5, "true_label": 3, "name": "x.png"}]  # fmt: skip
    images = np.zeros((10, 4, 4, 1))
    (hit,) = rc.recheck(rows, matchers, images, images[:2], lambda x: np.zeros(len(x)), None,
                        4, lambda: spent[0])  # fmt: skip
    assert calls == [[6, 8]]  # not the trigger its own scan had matched already
    n, v = hit
    assert n == 0
    assert v.trigger_id == 12  # the run's id of the trigger matched, not its place in [6, 8]
    assert v.queries == 45  # the row's own 40 and the match's 5
    row = v.row()
    assert row["rechecked"] and row["true_label"] == 3 and row["name"] == "x.png"
    assert row["seconds"] == 0.5
