"""What a backdoor scan that found nothing looked for, and the attack families it did not.

attack45b planted seven families beyond the patch and the blend in small digit MLPs and RGB
CNNs: a trojan whose trigger sends each digit to the next (all-to-all) read "0 of 40 images
carry a confirmed trigger; looked for patch triggers up to 4x4 pixels and other triggers by
STRIP's second opinion", exit 0, and its model scan "no suspected backdoor found ... not a
proof that the model is clean", exit 0, as the clean twin did, neither saying that such a
trigger was never looked for.  The exit code stays the table's (0: nothing found); the words
(the headline, and the verdict line through the summary's ``not_looked_for``) say what the
0 covers."""

from __future__ import annotations

from typing import Any

__all__ = [
    "INPUT_SCAN_NOT",
    "INPUT_SCAN_NOT_ELSEWHERE",
    "INPUT_SCAN_NOT_SOURCE",
    "MODEL_SCAN_NOT",
    "input_scope",
    "model_looked_for",
]

INPUT_SCAN_NOT = (
    "a trigger that fires on one source class only, or one that sends each class to another "
    "(all-to-all): a trigger is judged by what it does to clean images of other classes, and "
    "such a trigger sends none of them to one class"
)
"""The families the input scans do not look for where the class-map check was not asked
(Neo, STRIP, ``--no-second-opinion``, a budget short of it; docs/backdoor.md, *Attack
families*)."""

INPUT_SCAN_NOT_SOURCE = (
    "a trigger that fires on one source class only: a trigger is judged by what it does to "
    "clean images of other classes, and such a trigger sends none of them anywhere (the "
    "class-map check looked for one that sends each class to another, all-to-all, at one "
    "place in the images)"
)
"""The family the default scan does not look for when its class-map check (``class_map``)
was asked and its source-class check was not: bd45's all-to-all digits MLPs (8x8, 16x16)
found by it, their clean twins quiet."""

INPUT_SCAN_NOT_ELSEWHERE = (
    "a trigger that sends each class to another (all-to-all) or fires on one source class "
    "only, beyond what the class-map and source-class checks see: they look at a coarse "
    "window three or more unconfirmed images share, and found such trojans on 8x8 digits "
    "(all-to-all on 16x16 too, source-specific on 32x32 colour scenes) but missed a 16x16 "
    "source-specific one and some all-to-all ones on 32x32 colour scenes (a trigger firing on "
    "25-54 % of the images: 6 of 18 missed)"
)
"""What the default scan does not look for when both checks were asked."""

MODEL_SCAN_NOT = (
    "a trigger that fires on one source class only, one that sends each class to another "
    "(all-to-all), or a warped, blended or image-wide one (found only where a patch happens "
    "to do what it does)"
)
"""The families the model scan does not look for (docs/backdoor.md, *Attack families*)."""


def model_looked_for(sizes: object) -> str:
    """The model scan's ``looked_for``: one square patch at one place, of the sizes searched,
    sending clean images of every other class to one class."""
    top = max(sizes) if isinstance(sizes, list | tuple) and sizes else None
    side = f" of up to {top}x{top} pixels" if isinstance(top, int) else ""
    return f"a square patch{side} that sends clean images of every other class to one class"


def input_scope(summary: dict[str, Any], rows: list[dict[str, Any]], strategy: str) -> None:
    """An input scan that flagged nothing: its headline ends with what it did not look for,
    and ``not_looked_for`` carries it to the verdict line (``core.verdict``).  The default
    scan and Neo confirm a trigger by pasting it on clean images of other classes; STRIP (and
    the second opinion) blends an image with them, where such a trigger's answers spread as a
    clean image's do (0 of 20 flagged of either family on the digits, by every strategy)."""
    if strategy not in ("assay", "neo", "strip"):
        return
    if any(r.get("poisoned") or r.get("strip_flag") or r.get("pattern_flag") for r in rows):
        return
    second = summary.get("second_opinion") or {}
    checks = [second.get(k) or {} for k in ("pattern", "map", "source")]
    if second.get("given") or any(c.get("given") for c in checks):
        return
    asked = [strategy == "assay" and bool(c) and not c.get("skipped") for c in checks[1:]]
    words = INPUT_SCAN_NOT
    if asked[0]:
        words = INPUT_SCAN_NOT_ELSEWHERE if asked[1] else INPUT_SCAN_NOT_SOURCE
    summary["not_looked_for"] = words
    if isinstance(summary.get("headline"), str):
        summary["headline"] += f"; not looked for: {words}"
