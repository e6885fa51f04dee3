"""Classes declared by the user (``--classes``, ``classes=``): how many, or their names.

A model that answers its labels by name (an endpoint answering ``"yes"``/``"no"``, an ONNX
graph whose label output is strings and names no classes) needs its labels declared, in
order: the i-th name is class i.  A model that names its own classes keeps them: declared
names must be the same, in the same order.
"""

from __future__ import annotations

import dataclasses
import numbers
from collections.abc import Sequence
from typing import Any, TypeVar

from assay.core.model import Capabilities
from assay.core.numerals import unwritten, written_int
from assay.core.terminal import shell_word
from assay.errors import UsageError

__all__ = [
    "class_names",
    "classes_advice",
    "declared_count_or_names",
    "named_capabilities",
    "numbered",
    "numbered_classes",
    "parse_classes",
]

_HOW = "give a number of classes (--classes 10) or their names in order (--classes no,yes)"


def classes_advice(seen: list[str], n_classes: int | None = None) -> str:
    """A ``--classes`` to paste for a model answering labels by name, of which a probe saw
    ``seen``: every label in order.  Labels that are class numbers written as text ('0',
    '9') are listed from 0 up to the count given (``--classes 10``), else to 9 or the highest
    seen; a list of the labels seen alone stops the run at the first label the probe missed."""
    read = [written_int(s) for s in seen]
    numbers = [n for s, n in zip(seen, read, strict=True) if n is not None and str(n) == s]
    if seen and len(numbers) == len(seen):
        top = max(numbers) + 1  # unless told, ten (digits): a probe sees only a few labels
        count = n_classes if n_classes is not None and n_classes >= top else max(top, 10)
        listing = ",".join(str(i) for i in range(count))
        if count == n_classes:
            return f"--classes {listing} (its {count} labels by name, in order)"
        return f"--classes {listing} if its labels are 0 to {count - 1} (every one, in order)"
    if n_classes is not None and len(seen) == n_classes:
        return (
            f"--classes {shell_word(','.join(seen))} if that is the model's order (class 0 first)"
        )
    return (
        f"e.g. --classes {shell_word(','.join(seen[:4]))},... naming every label it can answer, "
        "in the "
        f"model's order (class 0 first), not only the {len(seen)} its first answers held"
    )


def numbered_classes(seen: Sequence[str], n_classes: int | None) -> tuple[str, ...] | None:
    """The names '0', '1', ..., 'N-1' when a count of classes was declared (``--classes N``)
    and every label a model answered by name is a class number written as text below it:
    such a model ('0'..'9' for ten digits) is read by those names (class i is 'i'), as with
    ``--classes 0,1,...,9``; None otherwise (names that are not numbers need declaring)."""
    if n_classes is None or not seen:
        return None
    for label in seen:
        number = written_int(label)
        if number is None or str(number) != label:
            return None
        if not 0 <= number < n_classes:
            return None
    return tuple(str(i) for i in range(n_classes))


_E = TypeVar("_E", bound=BaseException)


def numbered(exc: _E, seen: Sequence[str], n_classes: int | None) -> _E:
    """``exc`` (the refusal of labels by name) marked with the names ``numbered_classes``
    gives, read by ``loader.load_model`` to load the model again by them."""
    exc.numbered_classes = numbered_classes(seen, n_classes)  # type: ignore[attr-defined]
    return exc


def parse_classes(text: str, *, argument: str = "--classes") -> int | tuple[str, ...]:
    """``--classes``: a whole number (how many classes, 0 to N-1) or names separated by
    commas (``no,yes``: class 0 is ``no``)."""
    value = text.strip()
    if value.isdigit():  # ('٨' was 8 classes, '²' a bare ValueError: digits 0-9 alone)
        count = written_int(value)
        if count is None:
            raise UsageError(f"{text!r} holds {unwritten(value)}; {_HOW}", argument=argument)
        if count < 2:
            raise UsageError(f"must be at least 2, not {count}; {_HOW}", argument=argument)
        return count
    if value.startswith(("[", "@")):  # (split by its commas it read as odd names: docs47)
        raise UsageError(
            f"{text!r} is a JSON list or @FILE, which only the backdoor command's --classes reads; "
            f"{_HOW}; names holding a comma: classes=[...] from Python",
            argument=argument,
        )
    if "," not in value:
        raise UsageError(
            f"{text!r} is one name; {_HOW} (two or more, separated by commas)", argument=argument
        )
    return class_names([part.strip() for part in value.split(",")], argument=argument)


def class_names(value: Any, *, argument: str = "--classes") -> tuple[str, ...]:
    """Declared names as text: two or more, distinct, none empty."""
    if isinstance(value, str | bytes):
        raise UsageError(
            f"must be a list of class names (['no', 'yes']), not the text {value!r}",
            argument=argument,
        )
    try:
        items = list(value)
    except TypeError:
        raise UsageError(
            f"must be a list of class names, not {value!r}", argument=argument
        ) from None
    names = tuple(str(v) for v in items)
    empty = [i for i, n in enumerate(names) if not n.strip()]
    if empty:
        raise UsageError(
            f"class name {empty[0] + 1} of {len(names)} is empty ({list(names)!r})",
            argument=argument,
        )
    if len(names) < 2:
        raise UsageError(
            f"a classifier has two or more classes; {len(names)} named: {list(names)!r}",
            argument=argument,
        )
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise UsageError(
            f"{twice[0]!r} is named twice in {list(names)!r}; each class once, in order",
            argument=argument,
        )
    return names


def declared_count_or_names(
    value: Any, *, argument: str = "--classes"
) -> tuple[int | None, tuple[str, ...] | None]:
    """``classes=`` as given to the API (or the CLI's text): a count, or names; the count
    of names is theirs."""
    if value is None:
        return None, None
    if isinstance(value, str):
        parsed = parse_classes(value, argument=argument)
    elif isinstance(value, numbers.Integral) and not isinstance(value, bool):
        parsed = int(value)
        if parsed < 2:
            raise UsageError(f"must be at least 2, not {parsed}; {_HOW}", argument=argument)
    else:
        parsed = class_names(value, argument=argument)
    if isinstance(parsed, int):
        return parsed, None
    return len(parsed), parsed


def named_capabilities(
    caps: Capabilities, names: tuple[str, ...], *, what: str, argument: str = "--classes"
) -> Capabilities:
    """``caps`` with the declared ``names``; refused when the model names other classes or
    answers another number of them."""
    if caps.class_names is not None:
        if tuple(caps.class_names) != names:
            raise UsageError(
                f"{what} names its own classes ({', '.join(map(repr, caps.class_names))}); "
                f"the classes declared are {', '.join(map(repr, names))}: declare the model's "
                "own, in its order (or leave them out)",
                argument=argument,
            )
        return caps
    if caps.n_classes is not None and caps.n_classes != len(names):
        raise UsageError(
            f"{what} answers {caps.n_classes} classes; {len(names)} are declared "
            f"({', '.join(map(repr, names))})",
            argument=argument,
        )
    return dataclasses.replace(caps, n_classes=len(names), class_names=names)
