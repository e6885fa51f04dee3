"""True labels from a file (``--labels FILE``): one label per line in the order of the images
scanned, or ``name,label`` lines (a comma or a tab) naming each image as assay names it
(``cat.png``, ``cat/1.png`` in a folder of class subfolders, ``scan.npz[3]``).  A label is one
of the model's class names, or a class index.  Errors name the file and the line."""

from __future__ import annotations

import csv
import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assay.core.textfile import read_text_file
from assay.errors import UsageError

__all__ = ["LabelFile", "class_of", "read_label_file"]

_HEADER_WORDS = {"label", "labels", "class", "target", "y"}


def class_of(text: str, class_names: tuple[str, ...] | None, n_classes: int) -> int | None:
    """The class a label names: the model's class name, else a class index written as a whole
    number (0 to ``n_classes`` - 1); None when it names none."""
    if class_names and text in class_names:
        return class_names.index(text)
    if text.isdigit() and int(text) < n_classes:
        return int(text)
    return None


@dataclass(frozen=True)
class LabelFile:
    """The labels read, in the order of the images, each with the line it is on."""

    path: str
    values: list[str]
    lines: list[int]

    def indices(self, class_names: tuple[str, ...] | None, n_classes: int) -> np.ndarray:
        out = []
        for value, line in zip(self.values, self.lines, strict=True):
            got = class_of(value, class_names, n_classes)
            if got is None:
                classes = (
                    "its class names are " + ", ".join(map(str, class_names))
                    if class_names
                    else f"it does not name its classes: labels are class indices 0 to "
                    f"{n_classes - 1}"
                    + (
                        ""
                        if value.isdigit()
                        else "; labels written as class names need the model's classes "
                        "named, in the order of its outputs: --classes NAME,NAME,... "
                        "(classes=[...])"
                    )
                )
                raise UsageError(
                    f"the label {value!r} names no class of the model ({classes})",
                    argument="--labels",
                    path=self.path,
                    line=line,
                )
            out.append(got)
        return np.asarray(out, dtype=np.int64)


def read_label_file(path: str | os.PathLike[str], names: list[str]) -> LabelFile:
    """The labels of the images ``names`` (as assay names them) from the file at ``path``."""
    p = Path(path)
    try:
        text = read_text_file(p, what="the labels file", argument="--labels")
    except FileNotFoundError:
        raise UsageError("no such file", argument="--labels", path=str(p)) from None
    except OSError as exc:
        raise UsageError(
            f"cannot read the labels file ({type(exc).__name__}: {exc}); give a UTF-8 text "
            "file, one label per line or name,label lines",
            argument="--labels",
            path=str(p),
        ) from None
    rows = [(n, line.strip()) for n, line in enumerate(text.splitlines(), start=1)]
    while rows and not rows[-1][1]:
        rows.pop()  # blank lines at the end
    rows = [(n, line) for n, line in rows if not line.startswith("#")]
    if not rows:
        raise UsageError("the labels file holds no label", argument="--labels", path=str(p))
    blank = next((n for n, line in rows if not line), None)
    if blank is not None:  # a missing label would shift every later one onto the wrong image
        raise UsageError(
            "a blank line among the labels (a label missing?)",
            argument="--labels",
            path=str(p),
            line=blank,
        )
    if any(re.search(r"[,\t]", line) for _, line in rows):
        return _pairs(p, rows, names)
    if len(rows) != len(names):
        raise UsageError(
            f"{len(rows)} labels for {len(names)} images: give one label per line in the "
            f"order of the images ({', '.join(names[:3])}{', ...' if len(names) > 3 else ''}), "
            "or name,label lines",
            argument="--labels",
            path=str(p),
        )
    return LabelFile(str(p), [line for _, line in rows], [n for n, _ in rows])


def _pairs(p: Path, rows: list[tuple[int, str]], names: list[str]) -> LabelFile:
    where = {name: i for i, name in enumerate(names)}
    values: list[str | None] = [None] * len(names)
    lines = [0] * len(names)
    for k, (n, line) in enumerate(rows):
        fields = next(csv.reader([line], delimiter="\t" if "\t" in line else ","))
        # the label is the last field: a file name may hold a comma ("a,b.png,3")
        name, value = ",".join(fields[:-1]).strip(), (fields[-1] if fields else "").strip()
        if not name or not value:
            raise UsageError(
                f"expected name,label, not {line!r}", argument="--labels", path=str(p), line=n
            )
        if k == 0 and name not in where and value.lower() in _HEADER_WORDS:
            continue  # a header line
        index = where.get(name.removeprefix("./"))
        if index is None:
            shown = ", ".join(names[:3]) + (", ..." if len(names) > 3 else "")
            raise UsageError(
                f"{name!r} is not one of the images scanned (they are named {shown})",
                argument="--labels",
                path=str(p),
                line=n,
            )
        if values[index] is not None and values[index] != value:
            raise UsageError(
                f"{name!r} is labelled {values[index]!r} on line {lines[index]} and {value!r} here",
                argument="--labels",
                path=str(p),
                line=n,
            )
        values[index], lines[index] = value, n
    missing = [names[i] for i, v in enumerate(values) if v is None]
    if missing:
        raise UsageError(
            f"{len(missing)} of the {len(names)} images have no label, the first {missing[0]!r}",
            argument="--labels",
            path=str(p),
        )
    return LabelFile(str(p), [str(v) for v in values], lines)
