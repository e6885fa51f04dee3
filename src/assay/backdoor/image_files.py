"""Reading images: a folder of PNG/JPEG files (Pillow), or .npy/.npz arrays of shape (n, H, W)
or (n, H, W, C).  Errors name the file and the problem."""

from __future__ import annotations

import json
import math
import os
import shlex
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from assay.backdoor.label_files import class_of
from assay.backdoor.npz_arrays import array_header, images_key, labels_keys, npz_member
from assay.backdoor.pixels import check_room, check_sizes, pixels, read_file
from assay.backdoor.unread import IMAGE_SUFFIXES, refuse_unread, unread
from assay.core.kept_words import keep_on_one_line
from assay.errors import UsageError

__all__ = [
    "ImageFiles",
    "fit_channels",
    "folder_labels",
    "image_array",
    "image_list",
    "pil_images",
    "read_images",
    "wanted_channels",
]

_SUFFIXES = IMAGE_SUFFIXES


@dataclass
class ImageFiles:
    """Raw pixel values (n, H, W, C); ``uint8``: pixels read from image files, uint8 values
    0..255, or float values in [0, 1] where a file was deeper (16-bit or float grey: kept at
    their depth, ``pixels.read_file``); else an array's values in the model's range."""

    values: np.ndarray
    uint8: bool
    names: list[str]
    labels: np.ndarray | None
    path: str
    # an ImageFolder's images: each one's subfolder name (its label as the user wrote it,
    # mapped to the model's classes once they are known: ``folder_labels``)
    label_names: list[str] | None = None


def read_images(path: str | os.PathLike[str], *, argument: str) -> ImageFiles:
    p = Path(path)
    if not p.exists():
        member = npz_member(os.fspath(path))  # (FILE.npz:ARRAY names one of its arrays)
        if member is None:
            raise UsageError("no such file or folder", argument=argument, path=str(p))
        return _read_array(member[0], argument, member[1])
    if p.is_dir():
        return _read_folder(p, argument)
    suffix = p.suffix.lower()
    if suffix in (".npy", ".npz"):
        return _read_array(p, argument)
    if suffix in _SUFFIXES:
        check_sizes([p], [p.name], argument)
        values = read_file(p, argument)
        return ImageFiles(values[None], True, [p.name], None, str(p))
    raise UsageError(
        f"cannot read images from a {suffix or 'suffix-less'} file; give a folder of PNG/JPEG "
        "files, or a .npy/.npz array of shape (n, H, W) or (n, H, W, C)",
        argument=argument,
        path=str(p),
    )


def image_list(value: Any, argument: str) -> ImageFiles | None:
    """A list of image file paths (the API: a glob's result), each named as given; None for
    anything else (as an array, the paths were 'an array of shape (n,)')."""
    if not isinstance(value, list | tuple) or not value:
        return None
    if not all(isinstance(v, str | os.PathLike) for v in value):
        return None
    paths = [Path(v) for v in value]
    for f in paths:
        if not f.is_file():
            raise UsageError("no such image file", argument=argument, path=str(f))
        if f.suffix.lower() not in _SUFFIXES:
            raise UsageError(
                f"not an image file ({f.suffix or 'no suffix'}); a list holds image files "
                f"({', '.join(_SUFFIXES)}): leave it out of the list, or give the folder "
                "itself, whose files of other kinds (Thumbs.db, .DS_Store) are passed over",
                argument=argument,
                path=str(f),
            )
    names = [str(v) for v in value]
    check_sizes(paths, names, argument)
    read = [read_file(f, argument) for f in paths]
    return ImageFiles(_stack(read, names, argument, paths), True, names, None, "array")


def pil_images(value: Any, argument: str) -> ImageFiles | None:
    """A PIL image, or a list of them (the API), read as image files are (a palette of greys
    as grey); None for anything else (a plain array would read a palette image's indices as
    its pixels)."""
    items = value if isinstance(value, list | tuple) else [value]
    if not items or not all(hasattr(v, "getbands") and hasattr(v, "mode") for v in items):
        return None
    read = [pixels(im, f"image {i}", argument) for i, im in enumerate(items)]
    names = [f"image {i}" for i in range(len(read))]
    stacked = _stack(read, names, argument, None)
    return ImageFiles(stacked, True, _pil_names(items), None, "array")


def _pil_names(items: list[Any] | tuple[Any, ...]) -> list[str]:
    """PIL images opened from files (``Image.open``) by their files, as given to it (they
    were named by their index: ``0``, ``2`` in the findings); else, or where two would share
    a name, by their index."""
    files = [getattr(im, "filename", None) for im in items]
    if all(isinstance(f, str) and f for f in files) and len(set(files)) == len(files):
        return [str(f) for f in files]
    return [str(i) for i in range(len(items))]


def _image_file(f: Path) -> bool:
    return not f.name.startswith(".") and f.suffix.lower() in _SUFFIXES and f.is_file()


def _listing(p: Path, argument: str) -> list[Path]:
    """The folder's entries, sorted; a name holding a line break is printed on one line
    wherever it appears after (``core.kept_words``: an error naming the file, above all)."""
    try:
        entries = sorted(p.iterdir())
    except OSError as exc:
        raise UsageError(
            f"cannot list the folder ({exc.strerror or exc})", argument=argument, path=str(p)
        ) from None
    keep_on_one_line(e.name for e in entries)
    return entries


def _images_under(top: Path, argument: str) -> list[Path]:
    """The image files in ``top`` and its subfolders at any depth (hidden ones, such as
    Jupyter's ``.ipynb_checkpoints``, left out), sorted by path; a folder reached twice
    through symbolic links (a loop) is walked once, one that cannot be reached not at all."""
    seen = {_identity(top.parent)} if top.parent != top else set()
    found: list[Path] = []
    stack = [top]
    while stack:
        folder = stack.pop()
        try:
            st = folder.stat()
        except OSError:  # a symbolic link loop or a dangling link
            continue
        if (st.st_dev, st.st_ino) in seen:
            continue
        seen.add((st.st_dev, st.st_ino))
        entries = _listing(folder, argument)
        refuse_unread(unread(entries), top.parent, argument)
        for entry in entries:
            if entry.name.startswith("."):
                continue
            if _image_file(entry):
                found.append(entry)
            elif entry.is_dir():
                stack.append(entry)
    return sorted(found)


def _identity(folder: Path) -> tuple[int, int]:
    st = folder.stat()
    return (st.st_dev, st.st_ino)


def _read_folder(p: Path, argument: str) -> ImageFiles:
    """A folder of images, or of class subfolders of images (torchvision's ImageFolder:
    ``images/cat/1.png``; each image's subfolder name is its label, ``label_names``).  Every
    file is read in its own mode (grey, a palette of greys, colour) and stacked by
    ``_stack``."""
    entries = _listing(p, argument)
    refuse_unread(unread(entries), p, argument)
    files = [f for f in entries if _image_file(f)]
    classes = [
        (d, _images_under(d, argument))
        for d in entries
        if not d.name.startswith(".") and d.is_dir()
    ]
    classes = [(d, found) for d, found in classes if found]
    if files and classes:
        raise UsageError(
            f"the folder holds both images ({files[0].name}, ...) and subfolders of images "
            f"({classes[0][0].name}/, ...); give a folder of images, or a folder of class "
            "subfolders (images/cat/1.png: the subfolder names are the labels), not both",
            argument=argument,
            path=str(p),
        )
    if not files and not classes:
        raise UsageError(
            "the folder holds no PNG or JPEG files, nor subfolders of them",
            argument=argument,
            path=str(p),
        )
    label_names = None
    names = [f.name for f in files]
    if classes:
        files = [f for _, found in classes for f in found]
        names = [f.relative_to(p).as_posix() for f in files]
        label_names = [d.name for d, found in classes for _ in found]
    check_sizes(files, names, argument)
    read = [read_file(f, argument) for f in files]
    stacked = _stack(read, names, argument, files)
    return ImageFiles(stacked, True, names, None, str(p), label_names)


def _stack(
    read: list[np.ndarray], names: list[str], argument: str, files: list[Path] | None
) -> np.ndarray:
    """Images read each in its own mode as one array: grey ones beside colour ones get three
    equal channels (nothing lost: a colour image is never made grey here; ``fit_channels``
    refuses one for a grey model, naming it); one of another size is refused, naming it."""
    if len({a.shape[-1] for a in read}) > 1:
        read = [np.repeat(a, 3, axis=-1) if a.shape[-1] == 1 else a for a in read]
    if any(a.dtype != np.uint8 for a in read):  # 16-bit files beside 8-bit ones: all in [0, 1]
        read = [a / 255.0 if a.dtype == np.uint8 else a for a in read]
    first = read[0]
    for i, arr in enumerate(read):
        if arr.shape[:2] != first.shape[:2]:
            raise UsageError(
                f"{names[i]} is {arr.shape[0]}x{arr.shape[1]} but {names[0]} is "
                f"{first.shape[0]}x{first.shape[1]}: all images must have one size",
                argument=argument,
                path=None if files is None else str(files[i]),
            )
    return np.stack(read)


def wanted_channels(
    model_shape: tuple[int, ...], height: int, width: int, layout: str | None = None
) -> int | None:
    """The channels a model's per-image input shape asks of (height, width) images: 1 for
    (H, W), (H, W, 1), (1, H, W) or H*W values; 3 for (H, W, 3), (3, H, W) or H*W*3 values;
    None when the shape does not tell (or does not fit the images: said later)."""
    if len(model_shape) == 1:
        return {height * width: 1, height * width * 3: 3}.get(model_shape[0])
    if len(model_shape) == 2:
        return 1
    a, b, d = model_shape
    last = (a, b) == (height, width) and d in (1, 3, 4)
    first = (b, d) == (height, width) and a in (1, 3, 4)
    if layout == "nchw" or (first and not last):
        return a if first else None
    return d if last else None


# the most a grey pixel's channels may differ, as a share of the value range (4 levels of 255:
# a grey image saved as an RGB JPEG; a coloured pixel differs by far more)
NEAR_GREY = 4 / 255


def fit_channels(files: ImageFiles, want: int | None, argument: str) -> ImageFiles:
    """``files`` with the channels a model takes, when that loses nothing: grey images given
    three equal channels for a colour model; colour images whose every pixel is grey (R = G
    = B within ``NEAR_GREY``; a palette of greys, grey saved as RGB or as an RGB JPEG) read as
    grey (the channels' mean) for a grey model.  A colour
    image for a grey model is refused, naming it; other channel counts are left to the
    shape check."""
    values = files.values
    have = values.shape[-1]
    if want is None or have == want:
        return files
    if have == 1 and want == 3:
        return replace(files, values=np.repeat(values, 3, axis=-1))
    if have == 3 and want == 1:
        # grey saved as colour, JPEG's chroma rounding included (a channel a few levels off)
        v = values.astype(np.float64)
        top = 255.0 if values.dtype == np.uint8 or (v.size and v.max() > 1.5) else 1.0
        colour = v.max(axis=-1) - v.min(axis=-1) > NEAR_GREY * top
        bad = colour.reshape(len(values), -1).any(axis=1)
        if bad.any():
            first = int(np.flatnonzero(bad)[0])
            raise UsageError(
                f"{files.names[first]} is a colour image ({int(bad.sum())} of {len(values)} "
                "are), but the model takes one channel (grey); give grey images (assay does "
                "not turn colours into greys for you)",
                argument=argument,
                path=files.path if files.path != "array" else None,
            )
        grey = v.mean(axis=-1, keepdims=True)
        if values.dtype.kind in "iu":
            grey = np.round(grey)
        return replace(files, values=grey.astype(values.dtype))
    return files


def folder_labels(
    files: ImageFiles, class_names: tuple[str, ...] | None, n_classes: int
) -> np.ndarray:
    """An ImageFolder's subfolder names as the model's class indices: a class name where the
    model names its classes, else (or failing that) a whole number 0..n_classes-1; a
    subfolder naming no class is refused, naming it (a label silently dropped, or 'cat' read
    as class 0, would score the corrected labels wrong)."""
    assert files.label_names is not None
    index: dict[str, int] = {}
    for sub in dict.fromkeys(files.label_names):
        got = class_of(sub, class_names, n_classes)
        if got is None:
            classes = (
                "its class names are " + ", ".join(map(str, class_names))
                if class_names
                else f"it does not name its classes: subfolders are class indices 0 to "
                f"{n_classes - 1}"
            )
            raise UsageError(
                f"the subfolder {sub!r} names no class of the model ({classes}); the "
                "subfolders of an image folder are its images' labels (images/cat/1.png)"
                + _name_them(files.label_names, class_names, n_classes),
                argument="--images",
                path=files.path,
            )
        index[sub] = got
    return np.asarray([index[sub] for sub in files.label_names], dtype=np.int64)


def _name_them(subfolders: list[str], class_names: tuple[str, ...] | None, n: int) -> str:
    """How to name a model's classes that names none, when the subfolders are names: as
    torchvision's ``ImageFolder`` numbers its classes (sorted) when there are as many
    subfolders as classes; else the order is the user's to say."""
    if class_names:
        return ""
    names = sorted(set(subfolders))
    if len(names) == n:
        # (a name holding a comma, "Coke 330ml, can", goes as a JSON list: commas split names)
        typed = json.dumps(names, ensure_ascii=False) if any("," in v for v in names) else None
        return (
            f"; a model trained through torchvision's ImageFolder on these {n} subfolders "
            "numbers its classes in their sorted order: --classes "
            f"{shlex.quote(typed or ','.join(names))} (classes=[...]) names them so"
        )
    return (
        f"; to read the subfolders by name, give the model's {n} class names in its order: "
        "--classes NAME,NAME,... (classes=[...])"
    )


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


_CHANNELS_LAST: ContextVar[bool] = ContextVar("channels_last", default=False)


@contextmanager
def arrays_channels_last(given: bool) -> Iterator[None]:
    """Arrays read within are channels last as given (``--channels-last``): (n, 3, 4, 4) as
    3x4 images of 4 channels, which ``_first`` refuses as channels first otherwise."""
    token = _CHANNELS_LAST.set(bool(given))
    try:
        yield
    finally:
        _CHANNELS_LAST.reset(token)


def image_array(values: np.ndarray, argument: str, path: str | None = None) -> np.ndarray:
    """An array of images as (n, H, W, C): (n, H, W) gets one channel; anything else but C
    1, 3 or 4 last is refused (channels first, (n, C, H, W), was read as H = C)."""
    if values.ndim == 3:
        values = values[..., None]
    if values.ndim == 4 and len(values) and _first(values) and not _CHANNELS_LAST.get():
        raise UsageError(_channels_first(values.shape), argument=argument, path=path)
    # (an image 0 pixels high or wide was refused only at the size comparison, after
    # numpy's "invalid value encountered in divide" on stderr)
    empty = values.ndim == 4 and 0 in values.shape[1:3]
    if values.ndim != 4 or values.shape[-1] not in (1, 3, 4) or not len(values) or empty:
        first = values.ndim == 4 and values.shape[1] in (1, 3, 4)
        raise UsageError(
            f"array has shape {values.shape}; expected (n, H, W) or (n, H, W, C) with C 1, 3 "
            "or 4 and n, H and W >= 1"
            + (
                " (channels first, as torch keeps them? give np.transpose(a, (0, 2, 3, 1)); "
                "--input-shape C,H,W tells assay the model takes them so)"
                if first
                else ""
            ),
            argument=argument,
            path=path,
        )
    return values


def _channels_first(shape: tuple[int, ...]) -> str:
    """The refusal of an array held channels first.  ``--channels-last`` is offered only
    where the last axis can be channels (1, 3 or 4): a torch batch (40, 3, 32, 32) was told
    "or --channels-last for 3x32 images of 32 channels", which refused again as pasted.
    (A notebook is told ``input_shape`` and ``channels_last=True``: ``core.keywords``.)"""
    _, c, h, w = shape
    first = (
        f"array has shape {shape}: {c} plane(s) of {h}x{w} pixels, channels first as torch "
        "keeps them"
    )
    how = (
        "arrays are read channels last (n, H, W, C): give np.transpose(a, (0, 2, 3, 1)) "
        "(a torch tensor: a.permute(0, 2, 3, 1)) for channels first (--input-shape C,H,W "
        "says the model takes them so)"
    )
    if w not in (1, 3, 4):  # no reading but channels first
        return f"{first}; {how}"
    other = f"{c}x{h} images of {w} channels"
    return f"{first}, or {other}?  {how}, or, for {other}, pass --channels-last"


def _first(values: np.ndarray) -> bool:
    """Small images stored channels first whose width is also a channel count: (n, 3, 4, 4)
    is three 4x4 planes, not 3x4 images of 4 channels (it was read so, silently: "patch
    triggers up to 1x1 pixels", exit 0).  Square planes behind a channel count tell them
    apart; (n, 3, 3, 3) and (n, 4, 4, 3) stay channels last."""
    _, a, b, c = values.shape
    return a in (1, 3, 4) and b == c and a != b


def _header_shape(fh: Any) -> tuple[int, ...]:
    """The shape an .npy stream's header declares (its data is not read)."""
    return array_header(fh)[0]


def _check_header(fh: Any, p: Path, argument: str) -> int:
    """The number of images an array's header declares, before its data is read: a shape
    that holds no images, or that would not fit in memory as the scan holds it, is refused
    (a large file read whole ended in an out-of-memory kill; a few MB of .npz can inflate to
    any size, so the file's own size says nothing)."""
    shape = _header_shape(fh)
    # the same checks as the array read, on a view of the shape that holds no memory
    image_array(np.broadcast_to(np.zeros((), np.uint8), shape), argument, str(p))
    channels = min(shape[3], 3) if len(shape) == 4 else 1
    size = (shape[1], shape[2])
    check_room(shape[0], size, shape[0] * size[0] * size[1] * channels, argument, str(p))
    return shape[0]


def _check_labels(z: Any, key: str, n: int, p: Path, argument: str) -> None:
    """An .npz's labels array holds one label per image, by its header, before it is read
    (a labels array of a few MB inflating to 3 GB was read whole, then copied as int64)."""
    with z.zip.open(f"{key}.npy") as member:
        count = int(np.prod(_header_shape(member), dtype=np.int64))
    if count != n:
        raise UsageError(
            f"{count:,} labels ('{key}') for {n:,} images", argument=argument, path=str(p)
        )


def _read_array(p: Path, argument: str, asked: str | None = None) -> ImageFiles:
    """An .npy file's images, or an .npz file's (its array ``asked``, ``FILE.npz:ARRAY``, or
    the one ``npz_arrays.images_key`` finds) with their true labels if it holds them."""
    labels = None
    try:
        with p.open("rb") as fh:  # our handle: closed even when numpy fails half-way
            if p.suffix.lower() == ".npz":
                with np.load(fh, allow_pickle=False) as z:
                    # (a member not saved as an array, ``images`` without ``.npy``: a bare
                    # ``KeyError``, exit 5; it is no array numpy reads)
                    members = set(z.zip.namelist())
                    keys = [k for k in z.files if f"{k}.npy" in members]
                    key = images_key(z, keys, p, argument, asked)
                    with z.zip.open(f"{key}.npy") as member:
                        n = _check_header(member, p, argument)
                    for k in labels_keys(key):
                        if k in keys:
                            _check_labels(z, k, n, p, argument)
                    values = z[key]
                    for k in labels_keys(key):
                        if k in keys:
                            labels = _class_indices(np.asarray(z[k]).reshape(-1), k, p, argument)
            else:
                _check_header(fh, p, argument)
                fh.seek(0)
                values = np.load(fh, allow_pickle=False)
    except UsageError:
        raise
    except (ValueError, OSError, zipfile.BadZipFile, EOFError) as exc:
        raise UsageError(
            f"not a readable numpy file ({type(exc).__name__}: {exc})",
            argument=argument,
            path=str(p),
        ) from None
    values = image_array(values, argument, str(p))
    if values.dtype.kind not in "uifc":  # (timedelta64 is a numpy number: no pixels)
        raise UsageError(f"array of {values.dtype}, not numbers", argument=argument, path=str(p))
    if labels is not None and len(labels) != len(values):
        raise UsageError(
            f"{len(labels)} labels for {len(values)} images", argument=argument, path=str(p)
        )
    names = [f"{p.name}[{i}]" for i in range(len(values))]
    return ImageFiles(values, values.dtype == np.uint8, names, labels, str(p))
