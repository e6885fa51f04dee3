"""What to say of a true label written otherwise than the model's class: a final ``.``.

UCI Adult's test file ends each label with a full stop (``<=50K.``, ``>50K.``) where its
training file (and every model fitted on it) has ``<=50K``, ``>50K``: the test file's labels
were refused as "not one of the model's classes", the stop easy to miss beside the quotes,
and nothing said how to give them.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["dotted_class"]


def dotted_class(key: str, class_names: Sequence[str], column: str | None) -> str:
    """Said when ``key`` is one of ``class_names`` but for a final ``.`` (and no class ends
    in one): that class, and the line that strips the stops from the label ``column``;
    "" otherwise."""
    if not key.endswith(".") or any(n.endswith(".") for n in class_names):
        return ""
    bare = key.rstrip(".")
    if bare not in class_names:
        return ""
    col = repr(column) if column is not None else "label"
    return (
        f"; the model's class {bare!r} differs from it only by its final '.' (as UCI Adult's "
        f"test file writes its labels): strip the stops, frame[{col}] = "
        f"frame[{col}].str.rstrip('.'), and give that frame (on the command line, a file "
        "saved from it: frame.to_csv('labelled.csv', index=False))"
    )
