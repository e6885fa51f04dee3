"""mutation43: STRIP's second opinion given with a budget that leaves room for the blends of
no unconfirmed image beyond its screen.

The opinion blends the images outside its sample with what the budget leaves (bd42), in
whole images of ``BLENDS`` queries; with less than one image's blends left (a window of 8
budgets: ``--max-queries`` at the screen's need up to 7 more), every image outside the sample
was left unblended and the model was still asked for the blends of none: the run failed with
a bare ``ValueError: cannot reshape array of size 0 into shape (0,newaxis)`` (the budget's
input keys of an empty batch), its findings lost (found through BU7-BU9, the room's bounds).
Now no call is made; the opinion is given on its sample and says the images it left."""

from __future__ import annotations

from pathlib import Path

import pytest

import assay
from assay.backdoor.second import BLENDS

from test_bd41_second_opinion import _data, blend_trojan  # isort: skip
from test_bd42_second_opinion import TIGHT  # isort: skip


@pytest.mark.parametrize("room", [0, BLENDS - 1])
def test_an_opinion_with_no_room_for_one_more_image_is_given_on_its_sample(
    tmp_path: Path, room: int
) -> None:
    images, clean = _data()
    kw = {"images": images, "clean": clean, "n_classes": 4, "seed": 0}
    store = tmp_path / "runs.db"
    tight = assay.check_backdoor(blend_trojan, store=store, max_queries=int(TIGHT), **kw)
    skipped = tight.summary["second_opinion"]
    rest = 40 - 32  # the unconfirmed images outside the opinion's sample
    budget = int(TIGHT) + int(skipped["short"]) - rest * BLENDS + room
    # main: ValueError: cannot reshape array of size 0 into shape (0,newaxis)
    r = assay.check_backdoor(blend_trojan, store=store, max_queries=budget, **kw)
    opinion = r.summary["second_opinion"]
    assert opinion["given"] and opinion["unblended"] == rest, opinion
    assert "NOT CLEAN by STRIP's second opinion" in r.headline, r.headline
    assert f"{rest} of the 40 unconfirmed images were not blended" in r.headline, r.headline
    assert not r.passed
