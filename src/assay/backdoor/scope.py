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
    "MODEL_SCAN_NOT",
    "OTHER_SCAN_NOT",
    "input_scope",
    "model_looked_for",
]

INPUT_SCAN_NOT = (
    "a trigger that fires on one source class only, one that sends each class to another "
    "(all-to-all), or one of pixels scattered wider than a patch that still fires with any "
    "patch of it blocked: a trigger is confirmed only where blocking one patch undoes it and "
    "that patch sends clean images of other classes to the image's class (the model scan, "
    "--clean alone, may find a part of a scattered one)"
)
"""The families the default input scan does not look for (docs/backdoor.md, *Attack
families*)."""

OTHER_SCAN_NOT = (
    "a trigger that fires on one source class only, or one that sends each class to another "
    "(all-to-all)"
)
"""The families Neo and STRIP do not look for."""

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
    scan's words (``INPUT_SCAN_NOT``); Neo's and STRIP's the first two families (Neo confirms
    as the default scan does; STRIP blends an image with clean images of other classes, where
    such a trigger's answers spread as a clean image's do: 0 of 20 flagged of either on the
    digits)."""
    if any(r.get("poisoned") or r.get("strip_flag") or r.get("pattern_flag") for r in rows):
        return
    second = summary.get("second_opinion") or {}
    if second.get("given") or (second.get("pattern") or {}).get("given"):
        return
    if isinstance(summary.get("looked_for"), str):
        words = INPUT_SCAN_NOT
    elif strategy in ("neo", "strip"):
        words = OTHER_SCAN_NOT
    else:
        return
    summary["not_looked_for"] = words
    if isinstance(summary.get("headline"), str):
        summary["headline"] += f"; not looked for: {words}"
