"""Patches on canonical images: dominant colours, blockers, pasting, matching.

A box is ``(top, left, height, width)`` in pixels.  A ``Trigger`` is a box, its content (the
pixels of the box in the image it was found in) and the class it sends images to; once enough
images were flagged with it, also its mask: the pixels of the box on which they agree
(``masks.py``: a plus or an L does not fill its box, and the rest of the box holds each
image's own strokes), which it is matched on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = [
    "Trigger",
    "block",
    "boxes_overlap",
    "dominant_colour",
    "grid_boxes",
    "grow",
    "paste",
    "trigger_present",
]

Box = tuple[int, int, int, int]


def dominant_colour(image: np.ndarray, levels: int = 16) -> np.ndarray:
    """The most frequent colour of an (H, W, C) image, colours quantised to ``levels`` steps
    per channel; returned as the mean of the pixels in that most frequent bin."""
    flat = image.reshape(-1, image.shape[-1])
    q = np.minimum((flat * levels).astype(np.int64), levels - 1)
    codes = np.zeros(len(q), dtype=np.int64)
    for c in range(q.shape[1]):
        codes = codes * levels + q[:, c]
    values, counts = np.unique(codes, return_counts=True)
    top = values[np.argmax(counts)]  # ties: the smallest code (deterministic)
    colour: np.ndarray = flat[codes == top].mean(axis=0)
    return colour


def grid_boxes(height: int, width: int, size: int, stride: int) -> list[Box]:
    """Square boxes of ``size`` on a grid of ``stride``; the last row/column touches the edge."""
    size_h, size_w = min(size, height), min(size, width)

    def starts(total: int, s: int) -> list[int]:
        out = list(range(0, total - s + 1, max(stride, 1)))
        if out[-1] != total - s:
            out.append(total - s)
        return out

    return [
        (t, left, size_h, size_w) for t in starts(height, size_h) for left in starts(width, size_w)
    ]


def block(images: np.ndarray, box: Box, colour: np.ndarray) -> np.ndarray:
    """Copies of ``images`` (n, H, W, C) with ``box`` painted ``colour``."""
    t, left, h, w = box
    out = images.copy()
    out[:, t : t + h, left : left + w, :] = colour
    return out


def paste(images: np.ndarray, content: np.ndarray, box: Box) -> np.ndarray:
    """Copies of ``images`` (n, H, W, C) with ``content`` (h, w, C) pasted at ``box``."""
    t, left, h, w = box
    out = images.copy()
    out[:, t : t + h, left : left + w, :] = content
    return out


def grow(box: Box, height: int, width: int, margin: int) -> Box:
    t, left, h, w = box
    t2, l2 = max(0, t - margin), max(0, left - margin)
    b2, r2 = min(height, t + h + margin), min(width, left + w + margin)
    return (t2, l2, b2 - t2, r2 - l2)


def boxes_overlap(a: Box | list[int], b: Box | list[int]) -> bool:
    at, al, ah, aw = (int(v) for v in a)
    bt, bl, bh, bw = (int(v) for v in b)
    return at < bt + bh and bt < at + ah and al < bl + bw and bl < al + aw


@dataclass(frozen=True)
class Trigger:
    """A confirmed trigger: where, what, and the class it sends images to."""

    box: Box
    content: np.ndarray  # (h, w, C) canonical values
    target: int
    flip_rate: float
    source: int  # the image it was first found in
    blocker: Box | None = None  # the region whose blocking neutralises it (default: box)
    # (h, w) bool: the pixels of the box its detections agree on (``masks.py``); None: all
    mask: np.ndarray | None = None

    def cover(self, height: int, width: int, margin: int = 0) -> Box:
        """The region to block: the box, grown by ``margin`` pixels (clipped to the image).
        (Growing it by one pixel blocked digit strokes too and cost more corrected labels on
        8x8 digits than it saved, so the default is the box itself.)"""
        return grow(self.blocker or self.box, height, width, margin)

    def to_json(self) -> dict[str, Any]:
        return {
            "box": list(self.box),
            "content": np.round(self.content, 6).tolist(),
            "target": self.target,
            "flip_rate": self.flip_rate,
            "source": self.source,
            "blocker": list(self.blocker) if self.blocker else None,
            # (only when learnt: a trigger stored before masks, or without one, is its box)
            **({} if self.mask is None else {"mask": self.mask.astype(np.int64).tolist()}),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Trigger:
        box = tuple(int(v) for v in data["box"])
        b = data.get("blocker")
        mask = data.get("mask")
        return cls(
            box=(box[0], box[1], box[2], box[3]),
            content=np.asarray(data["content"], dtype=np.float64),
            target=int(data["target"]),
            flip_rate=float(data["flip_rate"]),
            source=int(data.get("source", -1)),
            blocker=None if not b else (int(b[0]), int(b[1]), int(b[2]), int(b[3])),
            mask=None if mask is None else np.asarray(mask, dtype=bool),
        )

    def matches(self, content: np.ndarray, tolerance: float = 0.25, share: float = 0.85) -> bool:
        """``content`` (of this trigger's box) shows its pixels, as ``trigger_present`` asks
        of the whole box (the mask aside: a form's own pixels)."""
        return bool(_alike(content[None], self.content, tolerance, share, None)[0])

    def same_as(self, other: Trigger, tolerance: float = 0.2) -> bool:
        """The same trigger: same target, and boxes that mostly coincide (intersection over
        union at least a half) or overlap with similar pixels where they meet."""
        if self.target != other.target or not boxes_overlap(self.box, other.box):
            return False
        t = max(self.box[0], other.box[0])
        left = max(self.box[1], other.box[1])
        b = min(self.box[0] + self.box[2], other.box[0] + other.box[2])
        r = min(self.box[1] + self.box[3], other.box[1] + other.box[3])
        inter = (b - t) * (r - left)
        union = self.box[2] * self.box[3] + other.box[2] * other.box[3] - inter
        if inter * 2 >= union:
            return True
        mine = self.content[t - self.box[0] : b - self.box[0], left - self.box[1] : r - self.box[1]]
        theirs = other.content[
            t - other.box[0] : b - other.box[0], left - other.box[1] : r - other.box[1]
        ]
        return bool(np.mean(np.abs(mine - theirs)) <= tolerance)


def trigger_present(
    images: np.ndarray,
    trigger: Trigger,
    tolerance: float = 0.25,
    share: float = 0.85,
    *,
    masked: bool = True,
) -> np.ndarray:
    """Which of ``images`` (n, H, W, C) carry the trigger's pixels (no model call): at least
    ``share`` of the pixels of its mask (``masked`` and a mask learnt; else of its box)
    within ``tolerance`` of the trigger's."""
    t, left, h, w = trigger.box
    region = images[:, t : t + h, left : left + w, :]
    return _alike(region, trigger.content, tolerance, share, trigger.mask if masked else None)


def _alike(
    regions: np.ndarray,
    content: np.ndarray,
    tolerance: float,
    share: float,
    mask: np.ndarray | None = None,
) -> np.ndarray:
    close = np.all(np.abs(regions - content[None]) <= tolerance, axis=-1)
    if mask is not None:
        close = close[:, mask]
    # (the pixel count, not -1: an empty batch has no size to infer it from)
    per = int(np.prod(close.shape[1:], dtype=np.int64))
    found: np.ndarray = close.reshape(len(regions), per).mean(axis=1) >= share
    return found
