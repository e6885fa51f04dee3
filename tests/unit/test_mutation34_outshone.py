"""``modelscan.outshone``'s bound: a weak suspect needing exactly ``ratio`` times the
effective pixels of the suspect needing fewest is set aside ("a third or less"), one short
of it is not (mutation34: mutant OS2, strictly more, survived)."""

from __future__ import annotations

from assay.backdoor.modelscan import outshone


def test_exactly_ratio_times_the_pixels_is_outshone() -> None:
    assert outshone([6, 18, None], weak=[1], suspects=[0, 1], ratio=3.0) == {1: 0}
    assert outshone([6, 17, None], weak=[1], suspects=[0, 1], ratio=3.0) == {}
