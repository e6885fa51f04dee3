"""Images to scan and clean images of two sizes: which set is wrong (``size_mismatch``).

Only the model can say: the set it takes is right, the other is named (argument and path).
When it takes both or neither (or cannot say), both sets are named.
"""

from __future__ import annotations

from collections.abc import Callable

from assay.backdoor.image_files import ImageFiles
from assay.errors import UsageError

__all__ = ["size_mismatch"]


def _size(files: ImageFiles) -> str:
    return "x".join(map(str, files.values.shape[1:]))


def _where(files: ImageFiles) -> str | None:
    return files.path if files.path != "array" else None


def size_mismatch(
    images: ImageFiles, clean: ImageFiles, takes: Callable[[ImageFiles], bool]
) -> UsageError:
    """The refusal for ``images`` and ``clean`` of two shapes; ``takes(files)`` says whether
    the model answers images of that set's shape."""
    a, b = _size(images), _size(clean)
    fits_images, fits_clean = takes(images), takes(clean)
    if fits_images and not fits_clean:
        return UsageError(
            f"clean images are {b} but the model takes {a} images, as the images to scan "
            f"({images.path}) are: give clean images of that size",
            argument="--clean",
            path=_where(clean),
        )
    if fits_clean and not fits_images:
        return UsageError(
            f"images to scan are {a} but the model takes {b} images, as the clean images "
            f"({clean.path}) are: give images to scan of that size",
            argument="--images",
            path=_where(images),
        )
    return UsageError(
        f"images to scan ({images.path}) are {a} but clean images ({clean.path}) are {b}: "
        "give both at the size the model takes",
        argument="--images",
        path=_where(images),
    )
