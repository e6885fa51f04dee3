"""mutation48b: a group held by clean images of its class is said as "N of M hold them", M
all the clean images of the class asked, the holders among them (``own_style``'s
``n_own``; the words' "3 of 33", and the Fisher test's second group).

Survivor of mutation48 this kills: SC15 (``n_own`` counted without the holders: "3 of 30")."""

from __future__ import annotations

import numpy as np

from assay.backdoor.source_class import MIN_GROUP, own_style


def test_the_clean_images_asked_count_their_holders() -> None:
    among = np.arange(100, 133)  # (33 clean images of the class: their places in --clean)
    hold = np.zeros(33, dtype=bool)
    hold[[4, 9, 20]] = True
    row: dict[str, object] = {}
    assert own_style(row, hold, among) is (MIN_GROUP <= 3)
    assert row["own"] == 3 and row["n_own"] == 33, row


def test_no_holder_still_counts_every_image_asked() -> None:
    row: dict[str, object] = {}
    assert own_style(row, np.zeros(7, dtype=bool), np.arange(7)) is False
    assert row["own"] == 0 and row["n_own"] == 7, row
