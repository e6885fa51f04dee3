"""Image examples in the JSON report as whole pixels, not floats of 18 digits.

A backdoor finding's images are held as canonical floats, ``k / 255`` for 8-bit pixels
(``0.17254901960784313``): a 224x224 run's two examples were 17.5 MB of JSON (hostile52b's
Left 4).  The JSON file writes an image example whose every value is such a pixel as the
integers ``k`` with ``"inputs_scale": 255`` (each value is the integer divided by it); a
value computed from pixels (a trigger pasted, ``k * (1 / 255)``) is one to within float
rounding, ``PIXEL_SLACK`` of a pixel, which is all the integer leaves out (the store keeps
the floats the run used).  ``load_document`` turns them back to floats, so what renders a
report from the file reads the values it was built from."""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["PIXEL_SCALE", "pixels_as_floats", "pixels_as_integers"]

PIXEL_SCALE = 255
# how far from a whole pixel a value may be, in pixels, to be written as one: float rounding
# (1e-13 measured), a million times finer than any 8-bit or 16-bit step
PIXEL_SLACK = 1e-7


def pixels_as_integers(doc: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``doc`` whose image examples (inputs of 2 dimensions or more each) that are
    all whole 8-bit pixels are written as integers with ``inputs_scale``; others as they
    are.  ``doc`` itself is not changed."""
    findings = doc.get("findings")
    if not isinstance(findings, dict) or not isinstance(findings.get("examples"), list):
        return doc
    examples = [_as_integers(f) for f in findings["examples"]]
    return {**doc, "findings": {**findings, "examples": examples}}


def pixels_as_floats(doc: dict[str, Any]) -> dict[str, Any]:
    """``doc`` read from a JSON file with its examples' ``inputs_scale`` undone (in place)."""
    findings = doc.get("findings")
    examples = findings.get("examples") if isinstance(findings, dict) else None
    for f in examples if isinstance(examples, list) else ():
        scale = f.pop("inputs_scale", None) if isinstance(f, dict) else None
        if isinstance(scale, int) and not isinstance(scale, bool) and scale > 0:
            f["inputs"] = (np.asarray(f["inputs"], dtype=np.float64) / scale).tolist()
    return doc


def _as_integers(finding: Any) -> Any:
    if not isinstance(finding, dict) or "inputs_scale" in finding:
        return finding
    try:
        values = np.asarray(finding.get("inputs"), dtype=np.float64)
    except (TypeError, ValueError):  # (sentences, ragged rows)
        return finding
    if values.ndim < 3 or not values.size:  # (table rows are (k, columns): left as they are)
        return finding
    whole = np.rint(values * PIXEL_SCALE)
    off = np.abs(values * PIXEL_SCALE - whole)
    if whole.min() < 0 or whole.max() > PIXEL_SCALE or not (off <= PIXEL_SLACK).all():
        return finding
    return {**finding, "inputs": whole.astype(np.int64).tolist(), "inputs_scale": PIXEL_SCALE}
