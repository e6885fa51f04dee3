"""Which of the user's words a command prints on one line (``core.kept_words`` keeps them).

A column named ``job\\nFAKE LINE`` (or a category value, a model's file, a classifier spec,
a grammar's file, the store's or a report's path) goes into assay's lines as it is: into the
answer line, the example, the headline, the notes and the errors, and into the prose the run
stores (its JSON keeps every name exact).  The commands keep the words once they know them:
the command line's (``app``), a fairness run's schema, a stored run's command line, schema
and the class names its model gave (from the run's start: ``reporting.announce``), the paths
written; the backdoor technique keeps the names of the image files it reads.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterator, Mapping
from typing import Any

from assay.core.kept_words import keep_on_one_line, on_one_line
from assay.core.run_record import RunRecord

__all__ = [
    "keep_on_one_line",
    "keep_run_words",
    "model_words",
    "on_one_line",
    "schema_words",
    "stored_words",
]


def schema_words(schema: Mapping[str, Any] | None) -> Iterator[object]:
    """A fairness schema's (its JSON form, as a run's config stores it) column names,
    protected names, categories and value labels."""
    if not isinstance(schema, Mapping):
        return
    yield from schema.get("protected") or ()
    for feature in schema.get("features") or ():
        if isinstance(feature, Mapping):
            yield feature.get("name")
            yield from feature.get("categories") or ()
            yield from feature.get("value_labels") or ()


def stored_words(command: str) -> list[str]:
    """The words of a stored run's command line (``shlex.join``'s, as the store keeps it)."""
    try:
        return shlex.split(command)
    except ValueError:  # (a command line assay did not write)
        return []


def model_words(record: RunRecord) -> Iterator[object]:
    """The names a run learnt from its model, not from the user's typing: the class names
    its model (or each classifier) gave (a ``.onnx``'s metadata, a served model's labels, an
    image model's classes), the favourable class and the classes its examples were given
    (a model answering 0/1 is named by the data's label names)."""
    stack: list[object] = [record.model]
    while stack:
        item = stack.pop()
        if isinstance(item, Mapping):
            names = item.get("class_names")
            if isinstance(names, list | tuple):
                yield from names
            stack.extend(v for k, v in item.items() if k != "class_names")
        elif isinstance(item, list | tuple):
            stack.extend(item)
    summary = record.summary if isinstance(record.summary, Mapping) else {}
    favourable = summary.get("favourable")
    if isinstance(favourable, Mapping):
        yield favourable.get("class")
    for example in summary.get("examples") or ():
        for variant in (example.get("variants") or ()) if isinstance(example, Mapping) else ():
            if isinstance(variant, Mapping):
                yield variant.get("prediction")


def keep_run_words(record: RunRecord) -> None:
    """A stored run's words printed on one line: its command line's (the model, the files
    and paths it was given), its config's schema (a fairness run's) and the names its model
    gave (``model_words``)."""
    keep_on_one_line(stored_words(record.command))
    keep_on_one_line(schema_words(record.config.get("schema")))
    keep_on_one_line(model_words(record))
