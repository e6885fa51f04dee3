"""Which arrays of an ``.npz`` file are the images and their true labels.

An ``.npz`` holding several image arrays (Keras' ``x_train``, ``y_train``, ``x_test``,
``y_test``) could only be used renamed (hostile52b's Left 5); ``FILE.npz:ARRAY`` names the
array, as ``file.py:function`` names a model's function (``core.paths.absolute_spec`` keeps
the ``:ARRAY`` of a run's stored path), and its labels are the array named alike
(``x_test``: ``y_test``).  A file whose images array is unknown is refused listing its
arrays with their shapes, read from their headers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assay.core.terminal import shell_word
from assay.errors import UsageError

__all__ = ["array_header", "images_key", "labels_keys", "npz_member", "still_there"]

# an array of images besides the true labels, found by its name
_NAMED = ("images", "x", "X")
_LABELS = ("labels", "y")


def npz_member(spec: str) -> tuple[Path, str] | None:
    """``FILE.npz:ARRAY`` (no file of that whole name): the file and the array; else None."""
    head, sep, tail = spec.rpartition(":")
    if not (sep and tail and head.lower().endswith(".npz") and Path(head).is_file()):
        return None
    return Path(head), tail


def still_there(spec: str) -> bool:
    """Whether a stored images path (a folder, a file, ``FILE.npz:ARRAY``) names a file."""
    return Path(spec).exists() or npz_member(spec) is not None


def labels_keys(key: str) -> tuple[str, ...]:
    """The arrays that may hold ``key``'s true labels: ``y_test`` beside ``x_test`` (or
    ``X_test``), ``labels_test`` beside ``images_test``; else ``labels``/``y``."""
    for images, labels in (("images", "labels"), ("x", "y"), ("X", "y")):
        if key.startswith(images) and len(key) > len(images):
            return (labels + key[len(images) :],)
    return _LABELS


def images_key(z: Any, keys: list[str], p: Path, argument: str, asked: str | None) -> str:
    """The array of the .npz file ``z`` (its arrays ``keys``) that holds the images: the one
    ``asked`` (``FILE.npz:ARRAY``), ``images`` (``x``, ``X``), or its only array besides the
    labels; several others are refused, listing them (the first was taken once: the labels,
    or another set, could be scanned as images)."""
    if asked is not None:
        if asked in keys:
            return asked
        raise UsageError(
            f"the .npz file holds no array {asked!r}; its arrays: {_listed(z, keys)}",
            argument=argument,
            path=str(p),
        )
    named = next((k for k in _NAMED if k in keys), None)
    if named is not None:
        return named
    others = [k for k in keys if k not in _LABELS]
    if len(others) == 1:
        return others[0]
    if not others:
        raise UsageError(
            "the .npz file holds no images array" + (f" (only {', '.join(keys)})" if keys else ""),
            argument=argument,
            path=str(p),
        )
    images = [k for k in others if len(_header(z, k)[0]) in (3, 4)] or others
    given = " or ".join(shell_word(f"{p}:{k}") for k in images[:3])
    paired = [f"{k}'s from {labels_keys(k)[0]}" for k in images[:3] if _pairs(k, keys)]
    raise UsageError(
        f"the .npz file holds several arrays: {_listed(z, keys)}; which are the images is "
        f"unknown: name the array after the file, {given}"
        + (f" (the true labels read alike: {', '.join(paired)})" if paired else ""),
        argument=argument,
        path=str(p),
    )


def _pairs(key: str, keys: list[str]) -> bool:
    return labels_keys(key) != _LABELS and labels_keys(key)[0] in keys


def array_header(fh: Any) -> tuple[tuple[int, ...], str]:
    """The shape and type an .npy stream's header declares (its data is not read)."""
    from numpy.lib import format as npformat

    version = npformat.read_magic(fh)
    read = npformat.read_array_header_1_0 if version == (1, 0) else npformat.read_array_header_2_0
    shape, _, dtype = read(fh)
    return tuple(int(v) for v in shape), str(dtype)


def _header(z: Any, key: str) -> tuple[tuple[int, ...], str]:
    with z.zip.open(f"{key}.npy") as fh:
        return array_header(fh)


def _listed(z: Any, keys: list[str]) -> str:
    """``x_train (60000, 28, 28) uint8, y_train (60000,) uint8, ...``"""
    said = []
    for k in keys:
        try:
            shape, dtype = _header(z, k)
        except (ValueError, OSError, KeyError):
            said.append(f"{k} (unreadable)")
            continue
        said.append(f"{k} {shape} {dtype}")
    return ", ".join(said)
