"""The common-pattern check's room in the query budget, and its bases (mutation45b).

``BackdoorSearch._common_pattern`` asks the check only when the budget left holds its most
queries and the final re-ask's ``AGAIN`` besides (docs/backdoor.md, step 10: the re-ask is
what tells a model that answers otherwise now): taken without the re-ask's room (TQ1), a
budget of the check's needs and 3 more ran it and left the re-ask 3 of its 8 queries.

The check's bases are clean images the model answered otherwise than the class judged
(CP31): drawn from every clean image, those already answered the class count as sent by
the pattern, a clean model's class sent "by its pattern" for what it was already."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
from test_mutation45_common_pattern import _labels

from assay.backdoor.again import AGAIN
from assay.backdoor.common_pattern import common_pattern, most_queries
from assay.backdoor.technique import BackdoorSearch


def _search(room: int) -> tuple[SimpleNamespace, int]:
    labels, clean_labels = _labels(c0=24, c1=16), _labels(c0=182, c1=18)
    needs = most_queries(labels, list(range(40)), clean_labels)
    assert needs == 1_100  # (one class tested: 20 + 120 + 960)
    search = SimpleNamespace(
        test=SimpleNamespace(images=np.zeros((40, 4, 4)), clean=np.zeros((200, 4, 4))),
        image_labels=labels,
        clean_labels=clean_labels,
        second={},
        model=SimpleNamespace(remaining=lambda: needs + room, queries=0),
    )
    return search, needs


def test_the_check_is_not_asked_without_room_for_the_final_re_ask() -> None:
    search, needs = _search(AGAIN - 5)
    assert BackdoorSearch._common_pattern(search, list(range(40))) == []  # type: ignore[arg-type]
    record = search.second["pattern"]
    assert record["short"] == 5, record  # (the re-ask's 8 less the 3 over the check's needs)
    assert f"left {needs + AGAIN - 5 - AGAIN:,} of the {needs:,} it needs" in record["skipped"]


def _by_pixel(x: np.ndarray) -> np.ndarray:
    """A clean model: class 1 is a bright corner, whatever else the image holds."""
    return (x[:, 3, 3] > 0.5).astype(np.int64)


def test_the_bases_are_clean_images_answered_otherwise() -> None:
    rng = np.random.default_rng(0)
    clean_labels = _labels(c0=140, c1=60)
    clean = rng.uniform(0.0, 0.4, (200, 4, 4))
    clean[clean_labels == 1, 3, 3] = 0.9
    labels = _labels(c0=16, c1=24)  # (class 1 over-represented among the scanned: judged)
    images = rng.uniform(0.0, 0.4, (40, 4, 4))
    images[labels == 1, 3, 3] = 0.9
    asked = [0]

    def answers(x: np.ndarray) -> np.ndarray:
        asked[0] += len(x)
        # (CP47: the pattern added unclipped, pixels near 0 taken below it, sent as they are)
        assert x.min() >= 0.0 and x.max() <= 1.0, (x.min(), x.max())
        return _by_pixel(x)

    assert (_by_pixel(clean) == clean_labels).all() and (_by_pixel(images) == labels).all()
    record = common_pattern(
        images, labels, list(range(40)), clean, clean_labels, answers,
        np.random.default_rng(1), lambda: asked[0],
    )  # fmt: skip
    row = record["per_class"]["1"]
    # no base answered 1 before the pattern was added, and the pattern adds no corner
    assert row["bases"] == 20 and row["sent"] == 0, row
    assert not record["given"] and asked[0] == record["queries"] == 20, record


def test_the_fresh_images_are_not_the_screens() -> None:
    # (CP32: the fresh images drawn from the same start as the screen's 20 bases)
    rng = np.random.default_rng(3)
    images, clean = rng.uniform(0.2, 0.8, (40, 6, 6)), rng.uniform(0.2, 0.8, (200, 6, 6))
    labels, clean_labels = _labels(c0=24, c1=16), _labels(c0=182, c1=18)
    calls: list[np.ndarray] = []

    def answers(x: np.ndarray) -> np.ndarray:
        calls.append(x.reshape(len(x), -1).copy())
        return np.ones(len(x), dtype=np.int64)  # (every base sent: the fresh ones asked)

    record = common_pattern(
        images, labels, list(range(40)), clean, clean_labels, answers,
        np.random.default_rng(1), lambda: sum(len(c) for c in calls),
    )  # fmt: skip
    assert [len(c) for c in calls] == [20, 60, 60], record  # (screen; fresh with D, with -D)
    screen, fresh = {r.tobytes() for r in calls[0]}, {r.tobytes() for r in calls[1]}
    assert len(screen) == 20 and len(fresh) == 60 and not screen & fresh
