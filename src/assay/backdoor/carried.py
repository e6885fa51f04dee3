"""How many of the clean images given already carry a suspect's patch where it acts.

A model scan flags a class when one small patch sends nearly every clean image there.  Such
a patch, placed where the clean images never take its values (ink on the border of digits,
where no digit has any), is either a planted trigger or a shortcut the model learnt from a
few rare training images: on the bench's 8x8 digits MLPs, one faint training '1' inking a
border pixel taught clean models that one white pixel there means '1', for 98-99 % of
held-out digits (``bench/RESULTS.md``, scan49).  A scan from clean images sees the function,
not how many training images made it; it can say where the patch lies against the clean
images it was given, which this module measures: per effective pixel of the patch, the
clean images holding a value like the patch's there (every channel within half the range).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from assay.backdoor.patches import Box

__all__ = ["RARE_CARRY", "carried", "carry_words", "rare_pixels"]

# at most this share of the clean images holding the patch's value at one of its effective
# pixels is "almost never": the verdict then says the patch acts where the clean images do not
# go (on the bench's 8x8 digits a planted corner trigger's pixels: 0 of 200; a checkerboard on
# the strokes at (row 6, col 6): 43 and 4 of 200)
RARE_CARRY = 0.01


def carried(
    clean: np.ndarray, box: Box, content: np.ndarray, cells: list[tuple[int, int]] | None
) -> dict[str, Any]:
    """Per pixel of ``cells`` (row, column in the image; those outside the box are dropped,
    all of the box's pixels when none are left), how many of the clean images (``clean``:
    N x H x W x C, in the scan's unit range) hold the patch's value there (``content`` at
    ``box``; every channel within half the range).  Returns ``{"pixels": [[row, col], ...],
    "images": [k, ...], "of": N}``."""
    top, left, h, w = box
    inside = [(r, c) for r, c in cells or () if top <= r < top + h and left <= c < left + w]
    if not inside:
        inside = [(top + y, left + x) for y in range(h) for x in range(w)]
    rows = np.asarray([r for r, _ in inside])
    cols = np.asarray([c for _, c in inside])
    values = clean[:, rows, cols, :]  # N x P x C
    wanted = content[rows - top, cols - left, :]  # P x C
    near = (np.abs(values - wanted[None]) < 0.5).all(axis=2)  # N x P
    return {
        "pixels": [[int(r), int(c)] for r, c in inside],
        "images": [int(k) for k in near.sum(axis=0)],
        "of": len(clean),
    }


def rare_pixels(carry: dict[str, Any] | None) -> list[tuple[int, int]]:
    """The pixels of ``carry`` whose patch value at most ``RARE_CARRY`` of the clean images
    hold there."""
    if not carry or not carry.get("of"):
        return []
    bound = RARE_CARRY * carry["of"]
    pairs = zip(carry["pixels"], carry["images"], strict=True)
    return [(r, c) for (r, c), k in pairs if k <= bound]


def carry_words(carry: dict[str, Any] | None, target: str) -> str:
    """The verdict's words for a suspect whose patch acts on a pixel where the clean images
    (almost) never take its value (``rare_pixels``); "" otherwise."""
    rare = rare_pixels(carry)
    if not carry or not rare:
        return ""
    counts = dict(zip((tuple(p) for p in carry["pixels"]), carry["images"], strict=True))
    ks = [counts[p] for p in rare]
    where = ", ".join(f"(row {r}, col {c})" for r, c in rare)
    many = len(rare) > 1
    what = "values" if many else "a value"
    how = str(ks[0]) if len(set(ks)) == 1 else ", ".join(map(str, ks[:-1])) + f" and {ks[-1]}"
    return (
        f"; its effective pixel{'s' if many else ''} {where} take{'' if many else 's'} "
        f"{what} that {how} of the {carry['of']} clean images given hold there"
        f"{' (in order)' if len(set(ks)) > 1 else ''}: a planted trigger, or a shortcut "
        f"learnt from rare training images; both send inputs carrying it to class {target}"
    )
