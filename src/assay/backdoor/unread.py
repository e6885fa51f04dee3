"""A folder's files that hold images assay would not read, found before any image is: a
format it does not read (a phone's HEIC, a camera's raw file), an image under another suffix
or none (a scraper's hash-named files, ``.jpg_large``: told by the file's first bytes), or a
link named as an image that leads to no file.  Scanned without them, a run passed on the
images read alone (20 HEIC photos beside 20 PNGs: "0 of 20", exit 0); they are refused by
name instead."""

from __future__ import annotations

from pathlib import Path

from assay.errors import UsageError

__all__ = ["IMAGE_SUFFIXES", "refuse_unread", "unread"]

# what Pillow reads (PNG and JPEG above all; BMP, GIF, TIFF and WebP as users keep them;
# JPEG's other suffixes, a browser's ``.jfif`` downloads; Netpbm)
IMAGE_SUFFIXES = (
    ".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp",
    ".jfif", ".jpe", ".ppm", ".pgm", ".pbm", ".pnm",
)  # fmt: skip
# images assay does not read (a phone's HEIC, AVIF, JPEG XL and 2000, cameras' raw files,
# layered, HDR and vector formats, icons)
_NOT_READ = (
    ".heic", ".heif", ".hif", ".avif", ".jxl", ".jp2", ".j2k", ".jpx",
    ".dng", ".raw", ".cr2", ".cr3", ".nef", ".arw", ".orf", ".rw2", ".raf",
    ".psd", ".exr", ".hdr", ".svg", ".ico", ".tga",
)  # fmt: skip
# HEIF/AVIF brands after ``ftyp`` (a video's ``isom``/``mp42`` is none)
_STILL_BRANDS = (b"heic", b"heix", b"heim", b"heis", b"mif1", b"msf1", b"avif", b"avis")
_BMP_HEADERS = (12, 40, 52, 56, 64, 108, 124)


def _held_image(first: bytes) -> str | None:
    """The image format a file's first bytes open, or None."""
    if first.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if first.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if first[:6] in (b"GIF87a", b"GIF89a"):
        return "GIF"
    if first[:4] in (b"II*\x00", b"MM\x00*"):
        return "TIFF"
    if first[:4] == b"RIFF" and first[8:12] == b"WEBP":
        return "WebP"
    if first[4:8] == b"ftyp" and first[8:12] in _STILL_BRANDS:
        return "HEIF/AVIF"
    if first[:2] == b"BM" and len(first) >= 18:
        return "BMP" if int.from_bytes(first[14:18], "little") in _BMP_HEADERS else None
    return None


def _disguised(entry: Path, read: set[Path]) -> str | None:
    """The format of an image a file (or a link to one) holds under a suffix that is not
    read.  A link whose file is one of the folder's images read (``read``: ``latest`` ->
    ``3.png``) holds none that is missed; a link to a file elsewhere was skipped: a folder
    of 4 PNGs and ``stamped`` -> ``../other/stamped.png`` scanned 4 images (mutation45)."""
    try:
        if not entry.is_file() or (entry.is_symlink() and entry.resolve() in read):
            return None
        with entry.open("rb") as fh:
            return _held_image(fh.read(18))
    except (OSError, RuntimeError):  # (``resolve`` of a link loop)
        return None


def _read_files(entries: list[Path]) -> set[Path]:
    """The files the entries named as images lead to (each read as one)."""
    out = set()
    for e in entries:
        if e.suffix.lower() in IMAGE_SUFFIXES and not e.name.startswith("."):
            try:
                out.add(e.resolve())
            except (OSError, RuntimeError):
                continue
    return out


def unread(entries: list[Path]) -> list[tuple[Path, str]]:
    """Each entry that holds or names an image that would not be read, with why."""
    found = []
    read = _read_files(entries) if any(e.is_symlink() for e in entries) else set()
    for e in entries:
        suffix = e.suffix.lower()
        if e.name.startswith("."):
            continue
        if suffix in _NOT_READ:
            found.append((e, f"{suffix} files are not read"))
        elif suffix in IMAGE_SUFFIXES:
            if e.is_symlink() and not e.exists():
                found.append((e, "a link leading to no file (dangling, or a loop) is no image"))
        else:
            held = _disguised(e, read)
            if held is not None:
                found.append((e, f"a {held} image under {suffix or 'no'} suffix is not read"))
    return found


def refuse_unread(found: list[tuple[Path, str]], top: Path, argument: str) -> None:
    """Refuse a folder holding images that would not be read, naming them and why."""
    if not found:
        return
    names = [f.relative_to(top).as_posix() for f, _ in found]
    shown = ", ".join(names[:3]) + (", ..." if len(names) > 3 else "")
    why = "; ".join(dict.fromkeys(w for _, w in found))
    one = len(found) == 1
    raise UsageError(
        f"{len(found)} file{'' if one else 's'} in the folder hold{'s' if one else ''} or "
        f"name{'s' if one else ''} {'an image' if one else 'images'} assay would not read "
        f"({shown}): {why}; give PNG, JPEG, BMP, GIF, TIFF or WebP files named so (converted "
        "as the model's pipeline reads them), or move them out of the folder: assay reads "
        "every image of a folder or none (a scan without them would pass on the images read "
        "alone)",
        argument=argument,
        path=str(top),
    )
