"""Reading images: a folder of PNG/JPEG files (Pillow), or .npy/.npz arrays of shape (n, H, W)
or (n, H, W, C).  Errors name the file and the problem."""

from __future__ import annotations

import math
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assay.errors import UsageError

__all__ = ["ImageFiles", "pil_images", "read_images"]

_SUFFIXES = (".png", ".jpg", ".jpeg")


@dataclass
class ImageFiles:
    """Raw pixel values (n, H, W, C); ``uint8``: values are 0..255 (else: the model's range)."""

    values: np.ndarray
    uint8: bool
    names: list[str]
    labels: np.ndarray | None
    path: str


def read_images(path: str | os.PathLike[str], *, argument: str) -> ImageFiles:
    p = Path(path)
    if not p.exists():
        raise UsageError("no such file or folder", argument=argument, path=str(p))
    if p.is_dir():
        return _read_folder(p, argument)
    suffix = p.suffix.lower()
    if suffix in (".npy", ".npz"):
        return _read_array(p, argument)
    if suffix in _SUFFIXES:
        values, _ = _read_one(p, argument, None)
        return ImageFiles(values[None], True, [p.name], None, str(p))
    raise UsageError(
        f"cannot read images from a {suffix or 'suffix-less'} file; give a folder of PNG/JPEG "
        "files, or a .npy/.npz array of shape (n, H, W) or (n, H, W, C)",
        argument=argument,
        path=str(p),
    )


def _read_one(p: Path, argument: str, mode: str | None) -> tuple[np.ndarray, str]:
    try:
        from PIL import Image, UnidentifiedImageError
    except ImportError:
        raise UsageError(
            "reading PNG/JPEG needs Pillow: pip install 'assay[image]'", argument=argument
        ) from None
    try:
        with Image.open(p) as im:
            im.load()
            return _pixels(im, str(p), argument, mode)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise UsageError(
            f"not a readable image ({type(exc).__name__}: {exc})", argument=argument, path=str(p)
        ) from None


def _pixels(
    im: Any, where: str, argument: str, mode: str | None, grey_palette: bool = False
) -> tuple[np.ndarray, str]:
    """A PIL image's pixels (H, W, C) as uint8, grey or RGB (``mode``; None: by the image's
    own, and with ``grey_palette`` a palette of greys is grey): palette images by their
    colours, 16-bit grey scaled to 0..255."""
    if mode is None:
        grey = im.mode in ("1", "L", "LA", "I", "F") or _wide(im)
        mode = "L" if grey or (grey_palette and _grey_palette(im)) else "RGB"
    if _wide(im) or im.mode in ("I", "F"):
        arr = _gray_to_uint8(np.asarray(im), where, argument)
        if mode == "RGB":
            arr = np.repeat(arr[..., None], 3, axis=-1)
    else:
        arr = np.asarray(im.convert(mode), dtype=np.uint8)
    if arr.ndim == 2:
        arr = arr[..., None]
    return arr, mode


def pil_images(value: Any, argument: str) -> ImageFiles | None:
    """A PIL image, or a list of them (the API), read as image files are (a palette of greys
    as grey); None for anything else (a plain array would read a palette image's indices as
    its pixels)."""
    items = value if isinstance(value, list | tuple) else [value]
    if not items or not all(hasattr(v, "getbands") and hasattr(v, "mode") for v in items):
        return None
    first, mode = _pixels(items[0], "image 0", argument, None, grey_palette=True)
    out = [first]
    for i, im in enumerate(items[1:], start=1):
        arr, _ = _pixels(im, f"image {i}", argument, mode)
        if arr.shape != first.shape:
            raise UsageError(
                f"image {i} is {arr.shape[0]}x{arr.shape[1]} but image 0 is "
                f"{first.shape[0]}x{first.shape[1]}: all images must have one size",
                argument=argument,
            )
        out.append(arr)
    return ImageFiles(np.stack(out), True, [str(i) for i in range(len(out))], None, "array")


def _grey_palette(im: Any) -> bool:
    """A palette image whose colours are all greys (R = G = B): one grey channel."""
    if im.mode != "P":
        return False
    rgb = np.asarray(im.convert("RGB"))
    return bool((rgb[..., 0] == rgb[..., 1]).all() and (rgb[..., 1] == rgb[..., 2]).all())


def _wide(im: Any) -> bool:
    """A 16-bit grayscale image (``I;16`` and its byte orders)."""
    return str(im.mode).startswith("I;16")


def _gray_to_uint8(raw: np.ndarray, p: Path | str, argument: str) -> np.ndarray:
    """A 16-bit (or 32-bit integer holding 16-bit) grayscale image scaled to 0..255.
    Pillow's own conversion clips at 255: a 16-bit PNG came out almost all white."""
    if raw.dtype.kind == "f" or (raw.size and (raw.min() < 0 or raw.max() > 65535)):
        raise UsageError(
            f"a {raw.dtype} image with values from {raw.min()} to {raw.max()}: give 8- or "
            "16-bit PNG/JPEG images, or a .npy array in the model's value range",
            argument=argument,
            path=str(p),
        )
    return np.round(raw.astype(np.float64) / 257.0).astype(np.uint8)


def _read_folder(p: Path, argument: str) -> ImageFiles:
    files = sorted(f for f in p.iterdir() if f.is_file() and f.suffix.lower() in _SUFFIXES)
    if not files:
        raise UsageError("the folder holds no PNG or JPEG files", argument=argument, path=str(p))
    first, mode = _read_one(files[0], argument, None)
    out = [first]
    for f in files[1:]:
        arr, _ = _read_one(f, argument, mode)
        if arr.shape != first.shape:
            raise UsageError(
                f"image is {arr.shape[0]}x{arr.shape[1]}x{arr.shape[2]} but {files[0].name} is "
                f"{first.shape[0]}x{first.shape[1]}x{first.shape[2]}: all images must have one "
                "size",
                argument=argument,
                path=str(f),
            )
        out.append(arr)
    return ImageFiles(np.stack(out), True, [f.name for f in files], None, str(p))


def _class_indices(values: np.ndarray, key: str, p: Path, argument: str) -> np.ndarray:
    """The true labels of an .npz file as class indices: integers, or whole numbers stored
    as floats; anything else (names, fractions) is refused, naming the array (a label of
    2.7 read as 2, or 'cat' as an unreadable file, misled)."""
    if values.dtype.kind in "iub":
        return values.astype(np.int64)
    if (
        values.dtype.kind == "f"
        and np.all(np.isfinite(values))
        and np.all(values == np.round(values))
    ):
        return values.astype(np.int64)
    bad = next(
        (
            v
            for v in values.tolist()
            if not (isinstance(v, float) and math.isfinite(v) and v == round(v))
        ),
        None,
    )
    raise UsageError(
        f"the array {key!r} holds {values.dtype} values such as {bad!r}; the true labels must "
        "be class indices (whole numbers 0, 1, ...) in the order of the model's classes",
        argument=argument,
        path=str(p),
    )


def _read_array(p: Path, argument: str) -> ImageFiles:
    labels = None
    try:
        with p.open("rb") as fh:  # our handle: closed even when numpy fails half-way
            if p.suffix.lower() == ".npz":
                with np.load(fh, allow_pickle=False) as z:
                    keys = list(z.files)
                    key = next((k for k in ("images", "x", "X") if k in keys), None)
                    key = key or (keys[0] if keys else None)
                    if key is None:
                        raise UsageError(
                            "the .npz file holds no arrays", argument=argument, path=str(p)
                        )
                    values = z[key]
                    for k in ("labels", "y"):
                        if k in keys:
                            labels = _class_indices(np.asarray(z[k]).reshape(-1), k, p, argument)
            else:
                values = np.load(fh, allow_pickle=False)
    except UsageError:
        raise
    except (ValueError, OSError, zipfile.BadZipFile, EOFError) as exc:
        raise UsageError(
            f"not a readable numpy file ({type(exc).__name__}: {exc})",
            argument=argument,
            path=str(p),
        ) from None
    if values.ndim == 3:
        values = values[..., None]
    if values.ndim != 4 or values.shape[-1] not in (1, 3, 4) or not len(values):
        raise UsageError(
            f"array has shape {values.shape}; expected (n, H, W) or (n, H, W, C) with C 1, 3 "
            "or 4 and n >= 1",
            argument=argument,
            path=str(p),
        )
    if not np.issubdtype(values.dtype, np.number):
        raise UsageError(f"array of {values.dtype}, not numbers", argument=argument, path=str(p))
    if labels is not None and len(labels) != len(values):
        raise UsageError(
            f"{len(labels)} labels for {len(values)} images", argument=argument, path=str(p)
        )
    names = [f"{p.name}[{i}]" for i in range(len(values))]
    return ImageFiles(values, values.dtype == np.uint8, names, labels, str(p))
