"""Backdoor galleries for the HTML report: images drawn as inline PNG (data: URIs), no
JavaScript, no external resources.

A section of a run's summary may hold ``"gallery"``: a list of items, each with a ``caption``
and ``images`` (``label``, ``pixels``: nested lists (H, W, C) of 0..255 integers, optional
``box``: (row, column, height, width) outlined in red).  ``render_gallery`` draws it; the HTML
renderer calls it from its section renderer (one line), whatever template engine it uses.
"""

from __future__ import annotations

import base64
import struct
import zlib
from html import escape
from typing import Any

import numpy as np

__all__ = ["png_bytes", "render_gallery"]

_MAX_SIDE = 160  # pixels on screen for the longer side


def png_bytes(pixels: np.ndarray) -> bytes:
    """A PNG file of an (H, W, C) uint8 image, C 1 (grey) or 3 (RGB); written by hand."""
    img = np.asarray(pixels, dtype=np.uint8)
    if img.ndim == 2:
        img = img[..., None]
    if img.shape[2] == 4:
        img = img[..., :3]
    h, w, c = img.shape
    colour = 0 if c == 1 else 2
    raw = b"".join(b"\x00" + img[y].tobytes() for y in range(h))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", w, h, 8, colour, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def _outlined(pixels: np.ndarray, box: Any, scale: int) -> np.ndarray:
    """The image scaled up ``scale`` times (nearest), RGB, with ``box`` outlined in red."""
    img = np.asarray(pixels, dtype=np.uint8)
    if img.ndim == 2:
        img = img[..., None]
    if img.shape[2] == 1:
        img = np.repeat(img, 3, axis=2)
    img = img[..., :3]
    big = np.repeat(np.repeat(img, scale, axis=0), scale, axis=1)
    if box is not None:
        t, left, h, w = (int(v) * scale for v in box)
        red = np.array([230, 30, 30], dtype=np.uint8)
        b = max(1, scale // 4)
        big[t : t + b, left : left + w] = red
        big[t + h - b : t + h, left : left + w] = red
        big[t : t + h, left : left + b] = red
        big[t : t + h, left + w - b : left + w] = red
    return big


def _img(item: dict[str, Any]) -> str:
    try:
        pixels = np.asarray(item.get("pixels"), dtype=np.int64)
    except (TypeError, ValueError):
        return ""
    if pixels.ndim not in (2, 3) or pixels.size == 0:
        return ""
    pixels = np.clip(pixels, 0, 255).astype(np.uint8)
    side = max(pixels.shape[0], pixels.shape[1])
    scale = max(1, _MAX_SIDE // side)
    box = item.get("box")
    valid_box = isinstance(box, list) and len(box) == 4 and all(isinstance(v, int) for v in box)
    drawn = _outlined(pixels, box if valid_box else None, scale)
    data = base64.b64encode(png_bytes(drawn)).decode("ascii")
    label = escape(str(item.get("label", "")), quote=True)
    return (
        f'<figure class="bd-img"><img src="data:image/png;base64,{data}" alt="{label}" '
        f'width="{drawn.shape[1]}" height="{drawn.shape[0]}" style="image-rendering:pixelated">'
        f"<figcaption>{label}</figcaption></figure>"
    )


def render_gallery(gallery: Any) -> str:
    """HTML for a section's gallery (empty string for anything that is not one)."""
    if not isinstance(gallery, list):
        return ""
    parts = ['<div class="bd-gallery">']
    for item in gallery:
        if not isinstance(item, dict):
            continue
        images = item.get("images")
        figs = (
            "".join(_img(i) for i in images if isinstance(i, dict))
            if isinstance(images, list)
            else ""
        )
        caption = escape(str(item.get("caption", "")), quote=True)
        parts.append(
            f'<div class="bd-item" style="display:flex;gap:12px;align-items:flex-end;'
            f'margin:8px 0">{figs}<p style="margin:0">{caption}</p></div>'
        )
    parts.append("</div>")
    return "".join(parts)
