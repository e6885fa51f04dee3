"""One image file's pixels through Pillow, as uint8 arrays (8-bit files) or floats in [0, 1]
(16-bit and float grey files, at their full depth), with every refusal named: a transparent
pixel, an animation, an image too large to decode safely, low-depth data in a 16-bit file,
float values outside [0, 1], a set of sizes that differ or would not fit in memory.  A file's EXIF
orientation (a phone photo stored sideways) is applied: its pixels are read upright."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from assay.core.extras import pip_install
from assay.errors import UsageError

__all__ = ["check_room", "check_sizes", "pixels", "read_file"]

# the most memory one set of images may take as the scan holds them (float64, three copies:
# the values read, in [0, 1], and as the model takes them): a share of the machine's
MEMORY_SHARE = 0.25
# the scan's working arrays as float64 images of the size scanned, beside the images held
# (``check_room``): hostile43b's 512x512 grey run (10 images, 20 clean: 63 MB as float64)
# peaked at 300 MB of numpy allocations at its start, 189 MB of them the images' three copies,
# the rest ~53 images' worth (the whole run's resident peak, interpreter and all, 1.05 GB)
WORKING_IMAGES = 64


def pixels(im: Any, where: str, argument: str) -> np.ndarray:
    """A PIL image's pixels: uint8 (H, W, 1) for a grey image (a palette of greys included),
    else (H, W, 3) (a palette by its colours); a 16-bit grey image (``I;16``, ``I``) or a
    float one (``F``, values in [0, 1]) as float64 (H, W, 1) in [0, 1] at its full depth
    (rounded to 256 levels, a CT's narrow window kept a few greys of its thousands).  An
    alpha channel is dropped only when every pixel is fully opaque (nothing is lost); a
    transparent pixel is refused, naming the image (``_check_opaque``)."""
    _check_opaque(im, where, argument)
    if _wide(im) or im.mode in ("I", "F"):
        arr = _deep_grey(np.asarray(im), where, argument)
    else:
        grey = im.mode in ("1", "L", "LA", "La") or _grey_palette(im)
        arr = np.asarray(im.convert("L" if grey else "RGB"), dtype=np.uint8)
    return arr[..., None] if arr.ndim == 2 else arr


def _check_opaque(im: Any, where: str, argument: str) -> None:
    """Refuse an image with transparent pixels (an alpha channel, or a palette's or a grey
    image's transparent colour).  What a transparent pixel looks like to the model depends
    on the model's own pipeline (torchvision's loader drops alpha and keeps the hidden
    colour; others composite on white or black): assay does not guess it."""
    if im.mode not in ("RGBA", "LA", "La", "RGBa", "PA") and "transparency" not in im.info:
        return
    alpha = np.asarray(im.convert("RGBA"))[..., 3]
    clear = int(np.count_nonzero(alpha < 255))
    if not clear:
        return  # an alpha channel that hides nothing: dropped
    raise UsageError(
        f"{where} has transparent pixels ({clear} of {alpha.size} with alpha below 255); "
        "what the model sees there depends on how its pipeline flattens transparency (dropping "
        "alpha, as torchvision's loader does, or compositing on white or black), so assay does "
        "not guess: save the images as your model's pipeline sees them (e.g. "
        "Image.open(f).convert('RGB') to drop alpha) and give those",
        argument=argument,
    )


def _grey_palette(im: Any) -> bool:
    """A palette image whose colours are all greys (R = G = B): one grey channel."""
    if im.mode != "P":
        return False
    rgb = np.asarray(im.convert("RGB"))
    return bool((rgb[..., 0] == rgb[..., 1]).all() and (rgb[..., 1] == rgb[..., 2]).all())


def _wide(im: Any) -> bool:
    """A 16-bit grayscale image (``I;16`` and its byte orders)."""
    return str(im.mode).startswith("I;16")


def _deep_grey(raw: np.ndarray, p: Path | str, argument: str) -> np.ndarray:
    """A 16-bit (or 32-bit integer holding 16-bit) grayscale image as 0..65535 / 65535, a
    float one as it is when its values lie in [0, 1], in float64 (full depth).  Pillow's own
    conversion clips at 255: a 16-bit PNG came out almost all white."""
    if raw.dtype.kind == "f":
        lo, hi = (float(raw.min()), float(raw.max())) if raw.size else (0.0, 0.0)
        if not (np.isfinite(raw).all() and lo >= 0.0 and hi <= 1.0):
            raise UsageError(
                f"a float image with values from {lo:.6g} to {hi:.6g}: float images are read "
                "as intensities in [0, 1]; scale them so, or give them as a .npy array in the "
                "model's value range (with --range)",
                argument=argument,
                path=str(p),
            )
        return raw.astype(np.float64)
    if raw.size and (raw.min() < 0 or raw.max() > 65535):
        raise UsageError(
            f"a {raw.dtype} image with values from {raw.min()} to {raw.max()}: give 8- or "
            "16-bit PNG/TIFF images, or a .npy array in the model's value range",
            argument=argument,
            path=str(p),
        )
    top = int(raw.max()) if raw.size else 0
    if 0 < top < LOW_16BIT * 65535:
        # 8- or 12-bit data in a 16-bit file (a camera's or a scanner's): read as 0..65535 it
        # is all near black, and every box pasted on it reads as a "trigger"
        raise UsageError(
            f"{Path(p).name} is a 16-bit image whose values stay under {top + 1} (under "
            f"{LOW_16BIT:.0%} of 0..65535: 8- or 12-bit values saved as 16-bit?); assay reads "
            "16-bit images as 0..65535, so it would be all near black: scale the images as "
            "the model's pipeline does and save them as 8-bit, or give them as a .npy array "
            "with --range",
            argument=argument,
            path=str(p),
        )
    return raw.astype(np.float64) / 65535.0


# a 16-bit image whose brightest pixel is under this share of 65535 holds lower-depth data
# (12-bit data reaches 4095: 6 %); the same share as a float array's "all under 8 %" check
LOW_16BIT = 0.08


def _pillow(argument: str) -> tuple[Any, Any]:
    """Pillow's ``Image`` module and its ``UnidentifiedImageError``; without Pillow, a usage
    error saying how to install it (a folder of PNGs read without it was an internal error,
    exit 5, from the size check before any image is decoded)."""
    try:
        from PIL import Image, UnidentifiedImageError
    except ImportError:
        raise UsageError(
            "reading PNG/JPEG needs Pillow: " + pip_install("'assay[image]'"), argument=argument
        ) from None
    return Image, UnidentifiedImageError


def _unreadable(p: Path, exc: BaseException, argument: str) -> UsageError:
    """A file Pillow cannot read (cut short, damaged, or no image under an image suffix):
    named, and what to do (it said the error alone: "not a readable image (OSError: image
    file is truncated)", hostile53d)."""
    return UsageError(
        f"not a readable image ({type(exc).__name__}: {exc}): the file is damaged, cut short "
        f"or not an image; save it again from its source, or leave it out of {argument}",
        argument=argument,
        path=str(p),
    )


def read_file(p: Path, argument: str) -> np.ndarray:
    """One image file's pixels (H, W, 1) for grey images (a palette of greys included), else
    (H, W, 3); uint8, or float64 in [0, 1] for a 16-bit or float grey file (``pixels``)."""
    Image, UnidentifiedImageError = _pillow(argument)
    try:
        with Image.open(p) as im:
            _one_frame(im, p, argument)
            im.load()
            upright = _upright(im)
            return pixels(upright, str(p), argument)
    except Image.DecompressionBombError as exc:
        raise _too_large(p, exc, argument) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise _unreadable(p, exc, argument) from None


# EXIF orientations (tag 0x0112) that turn the stored image by 90 or 270 degrees
_TURNED = (5, 6, 7, 8)
_ORIENTATION = 0x0112


def _orientation(im: Any) -> int:
    """The EXIF orientation of an opened image (1, upright, when it has none)."""
    try:
        value = im.getexif().get(_ORIENTATION, 1)
    except Exception:  # a broken EXIF block: the pixels as stored
        return 1
    return int(value) if isinstance(value, int) else 1


def _upright(im: Any) -> Any:
    """The image as a viewer shows it: a phone photo stored sideways with an EXIF
    orientation is turned (or mirrored) upright, as the camera meant (Pillow's
    ``ImageOps.exif_transpose``); an image without one is returned as it is."""
    if _orientation(im) == 1:
        return im
    from PIL import ImageOps

    return ImageOps.exif_transpose(im)


def _one_frame(im: Any, p: Path, argument: str) -> None:
    """An animated GIF or WebP, or a TIFF of several pages, is refused: which frame is the
    image is unknown (Pillow's first, silently, might not be the one the model is shown)."""
    frames = int(getattr(im, "n_frames", 1) or 1)
    if frames > 1:
        raise UsageError(
            f"{p.name} holds {frames} frames (an animation or several pages); give one image "
            "per file",
            argument=argument,
            path=str(p),
        )


def _too_large(p: Path, exc: Exception, argument: str) -> UsageError:
    return UsageError(
        f"{p.name} is too large to read safely ({exc}); resize the images to the size the "
        "model takes (assay does not resize)",
        argument=argument,
        path=str(p),
    )


def check_sizes(files: list[Path], names: list[str], argument: str) -> None:
    """Every file's size from its header, before any is decoded: one of another size is
    refused naming it, and a set that would not fit in memory as the scan holds it is
    refused (a folder of large photos read whole ended in an out-of-memory kill)."""
    Image, UnidentifiedImageError = _pillow(argument)

    sizes = []
    for f in files:
        try:
            with Image.open(f) as im:
                w, h = (int(v) for v in im.size)
                if _orientation(im) in _TURNED:  # shown turned by 90 degrees (EXIF)
                    w, h = h, w
                sizes.append((h, w, len(im.getbands())))
        except Image.DecompressionBombError as exc:
            raise _too_large(f, exc, argument) from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
            raise _unreadable(f, exc, argument) from None
        h, w, _ = sizes[-1]
        if (h, w) != sizes[0][:2]:
            raise UsageError(
                f"{names[len(sizes) - 1]} is {h}x{w} but {names[0]} is "
                f"{sizes[0][0]}x{sizes[0][1]}: all images must have one size (resize them as "
                "the model's own pipeline does; assay does not resize)",
                argument=argument,
                path=str(f),
            )
    check_room(len(files), sizes[0][:2], sum(h * w * min(c, 3) for h, w, c in sizes), argument)


def check_room(
    n: int, size: tuple[int, int], values: int, argument: str, path: str | None = None
) -> None:
    """Refuse ``n`` images of ``size`` (``values`` pixel values in all) that would not fit in
    memory as the scan holds them (float64, about three copies) and works on them (its
    batches of pasted, refilled and blended images: ``WORKING_IMAGES`` float64 images of
    that size), before any is read."""
    held = values * 8 * 3
    working = WORKING_IMAGES * (values // max(n, 1)) * 8
    need = held + working
    have = _memory()
    if have and need > MEMORY_SHARE * have:
        h, w = size
        raise UsageError(
            f"{n:,} images of {h}x{w} pixels would take {need / 2**30:.1f} GiB as the "
            f"scan holds them ({held / 2**30:.2f} GiB) and works on them (batches of "
            f"{WORKING_IMAGES} such images: {working / 2**30:.2f} GiB), more than a quarter "
            f"of this machine's {have / 2**30:.0f} GiB; give fewer images (a few hundred clean "
            "images are plenty), or resize them to the size the model takes",
            argument=argument,
            path=path,
        )


def _memory() -> int | None:
    """The machine's memory in bytes, or None where it cannot be told."""
    try:
        return int(os.sysconf("SC_PHYS_PAGES")) * int(os.sysconf("SC_PAGE_SIZE"))
    except (AttributeError, OSError, ValueError):
        return None
