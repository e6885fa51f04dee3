"""hostile41b: a scan its ``--max-time`` cut after 2 of 6 images (both in class 0, as every
answer the scan got) read "NOTHING WAS TESTED: the model gave the same class (0) to every
image the scan asked, while it had put 2 of the 6 images scanned in other classes ...: its
answers changed during the run" — judged by the 4 images it never reached."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from assay.backdoor.changed import changed_during_scan


def _search(rows: list[dict[str, Any]]) -> SimpleNamespace:
    return SimpleNamespace(
        test=SimpleNamespace(mode="inputs", strategy="assay"),
        scan_answered=[0],
        image_labels=[0, 0, 3, 4, 5, 6],
        rows=rows,
        agains=None,
        again=None,
    )


def test_images_never_reached_do_not_say_the_answers_changed() -> None:
    rows = [{"image": 0, "queries": 9}, {"image": 1, "queries": 9}]
    assert changed_during_scan(_search(rows), {"tested": True}, str) is None


def test_a_reached_image_of_another_class_still_says_so() -> None:
    rows = [{"image": 0, "queries": 9}, {"image": 2, "queries": 9}]
    why = changed_during_scan(_search(rows), {"tested": True}, str)
    assert why is not None and "1 of the 2 images scanned" in why
    every = [{"image": i, "queries": 9} for i in range(6)]
    why = changed_during_scan(_search(every), {"tested": True}, str)
    assert why is not None and "4 of the 6 images scanned" in why
