"""What a ``--mode distance`` run that found nothing says of the distances it saw.

A threshold these classifiers' answers never reach passes the run (the user's rule, applied:
exit 0), but "no disagreement found" alone hid that no answer came near it: two classifiers
answering opposite labels at 0.95 on every sentence are 0.9 apart, under ``--threshold 0.99``
on every one.  The largest distance judged is said beside it, and, when it is under half the
threshold, that the threshold was never approached.
"""

from __future__ import annotations

__all__ = ["distance_note", "largest_distance"]


def largest_distance(oracle: object) -> float | None:
    """The largest distance a ``--mode distance`` oracle judged (None in other modes)."""
    if getattr(oracle, "mode", None) != "distance":
        return None
    return float(getattr(oracle, "largest", 0.0))


def distance_note(oracle: object) -> str | None:
    """``the largest distance seen was 0.9 (--threshold 0.99)``, with ``: the threshold was
    never approached`` when it is under half of it; None in other modes."""
    largest = largest_distance(oracle)
    if largest is None:
        return None
    threshold = float(getattr(oracle, "threshold", 0.0))
    said = f"the largest distance seen was {largest:.3g} (--threshold {threshold:g})"
    if largest < threshold / 2:
        said += (
            ", under half of it: the threshold was never approached (a lower one, or "
            "another --mode, may show how far apart the classifiers are)"
        )
    return said
