"""Images given through the API in forms numpy cannot stack into one array of pixels: a
torch ``Dataset`` (its items ``(image, label)`` pairs), a ``DataLoader`` (batches, read by
iterating), any other object.  They ended as a bare numpy ``ValueError`` traceback
("setting an array element with a sequence ... inhomogeneous shape", a ``TensorDataset``)
or as "array has shape ()" (a ``DataLoader``, one opaque object to numpy); now each is
refused naming the argument, what was given and the images to give instead."""

from __future__ import annotations

from typing import Any

import numpy as np

from assay.errors import UsageError

__all__ = ["as_pixels", "eight_bit_fix", "not_images"]


def _kind(value: Any) -> str:
    """What was given, as its type's own name (``TensorDataset``, ``DataLoader``)."""
    return type(value).__name__


def _pairs(value: Any) -> bool:
    """Items that are (image, label) pairs, as a torch or torchvision dataset gives them."""
    try:
        first = value[0]
    except Exception:  # (an object that cannot be indexed: not a dataset of pairs)
        return False
    return isinstance(first, tuple | list) and len(first) == 2 and np.ndim(first[1]) == 0


def _loader(value: Any) -> bool:
    """An iterable of batches that cannot be indexed: a torch ``DataLoader``."""
    return hasattr(value, "__iter__") and not hasattr(value, "__getitem__")


def not_images(value: Any, argument: str) -> UsageError:
    """The refusal of ``value``, which holds no images numpy can stack, saying what it is."""
    kind = _kind(value)
    if _loader(value):
        why = (
            f"got a {kind}, whose batches are read by iterating it (its transforms applied: "
            "normalised, channels first); give the images themselves, e.g. "
            "np.concatenate([x.permute(0, 2, 3, 1).numpy() for x, _ in loader]) (then "
            'value_range="norm:MEANS:STDS" as the loader normalised them), '
            "or the folder the images came from"
        )
    elif _pairs(value):
        why = (
            f"got a {kind} whose items are (image, label) pairs, as a torch dataset gives "
            "them; give the images alone, e.g. np.stack([np.asarray(x) for x, _ in ds]) "
            "(tensors channels first: then .transpose(0, 2, 3, 1)), and the labels as "
            "labels=[y for _, y in ds]"
        )
    else:
        why = (
            f"got a {kind}, which is no array of images; give an array (n, H, W) or (n, H, W, "
            "C), a list of images of one shape, PIL images, image file paths or a folder"
        )
    return UsageError(why, argument=argument)


def as_pixels(value: Any, argument: str) -> np.ndarray:
    """``value`` as a numeric numpy array (its shape checked after), or a ``UsageError``
    saying what was given when numpy cannot make one of numbers from it."""
    if isinstance(value, np.ndarray) and value.dtype != object:
        return value
    try:
        arr = np.asarray(value)
    except (ValueError, TypeError):  # ragged items: pairs of (image, label) above all
        raise not_images(value, argument) from None
    if arr.dtype == object or (arr.ndim == 0 and not isinstance(value, np.generic)):
        raise not_images(value, argument)
    return arr


def eight_bit_fix(values: np.ndarray, kind: str, model_range: tuple[float, ...]) -> str | None:
    """What to do with 8-bit pixels (whole values 0..255) held in another type than uint8
    for a model taking 0..1: the refusal said "give --range (e.g. --range 0,255)", which
    tells assay the *model* takes 0..255; pasted, a model taking 0..1 was asked 0..255
    values and the run went on over inputs it never sees.  None where that does not fit
    (another model range, values beyond 0..255, uint8 and uint16 arrays: said elsewhere)."""
    if kind != "linear" or model_range[1] > 1 or values.dtype in (np.uint8, np.uint16):
        return None
    if values.dtype.kind not in "iuf" or not values.size:
        return None
    lo, hi = float(values.min()), float(values.max())
    if lo < 0 or hi > 255 or hi <= 1:
        return None
    whole = values.dtype.kind in "iu" or bool(np.all(values == np.round(values)))
    if not whole:
        return None
    article = "an" if values.dtype.name.startswith("i") else "a"
    return (
        f"{article} {values.dtype} array of whole values 0..255 (8-bit pixels?) is read as the "
        "model's own values: only uint8 arrays are read as pixels, so give "
        "a.astype(np.uint8) (or a / 255 for a model taking 0..1); --range 0,255 says the "
        "model itself takes 0..255, so give it only if it does"
    )
