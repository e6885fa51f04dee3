"""The outcome classes a labels model may answer, and the classes it answered.

A model answering class indices it declares none of (a served model answering ``0``/``1``,
a function returning ints) was compared on whatever it answered: an endpoint answering ``2``
on German credit's two outcomes (``0`` bad, ``1`` good) was tested, and ``0`` against ``2``
counted as discrimination (hostile15a, hostile25a, hostile51).  When the outcomes are known
(a built-in dataset's, the ``--label`` column's), an answer outside them is another model or
another column: ``ClassWatch.check`` stops the run (``ModelError``, exit 3, what was found
kept) naming the class, the known classes and where they came from, and how to declare more
(``--classes N`` in a new run).  A model declaring its classes (``--classes``, ``classes_``,
named classes) is refused outside them by ``core.model.check_outputs`` and the class-name
readers already.  When no outcome is known, the classes answered are said with the run
(``answered_note``: ``summary["answered_classes"]`` and a note).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from assay.core.model import ModelInputs, describe_input
from assay.core.store import RunStore
from assay.errors import ModelError

__all__ = [
    "ANSWERED_KEY",
    "ClassWatch",
    "KnownClasses",
    "answered_note",
    "is_answered_note",
    "known_of",
    "record_answered",
]

ANSWERED_KEY = "answered_classes"  # the summary's entry: the classes a model answered
_NOTE_START = "The model answered the classes "


@dataclass(frozen=True)
class KnownClasses:
    """The outcome classes known for a run (``values``, class indices), their names
    (``names``, one per value, or None) and where they came from (``source``)."""

    values: tuple[int, ...]
    names: tuple[str, ...] | None
    source: str

    def shown(self) -> str:
        """``0 ('bad'), 1 ('good')`` or ``0, 1``."""
        if self.names is None:
            return ", ".join(str(v) for v in self.values)
        return ", ".join(f"{v} ({n!r})" for v, n in zip(self.values, self.names, strict=True))


def known_of(
    labels: np.ndarray | None,
    *,
    dataset: str | None,
    label_names: Sequence[str] | None,
    label: str | None,
    source: str | None,
) -> KnownClasses | None:
    """The outcome classes of a run whose model declares none: a built-in ``dataset``'s
    (``0`` to ``len(label_names) - 1``, named), else the ``label`` column's distinct values
    (class indices, as ``labels`` holds them) in ``source`` (the data's name); None when
    there are no labels, or a column of one outcome (the others are not known from it: a
    sample of approved rows beside a model that also declines)."""
    if labels is None:
        return None
    if dataset is not None and label_names:
        return KnownClasses(
            tuple(range(len(label_names))),
            tuple(str(n) for n in label_names),
            f"the built-in dataset {dataset}'s label (--dataset {dataset})",
        )
    if label is None:
        return None
    values = tuple(int(v) for v in np.unique(np.asarray(labels, dtype=np.int64)))
    if len(values) < 2:  # (rows of one outcome: the others are not known from them)
        return None
    where = f" of {source}" if source else ""
    return KnownClasses(values, None, f"the label column {label!r}{where} (--label {label})")


class ClassWatch:
    """What a labels model declaring no classes answered (``seen``), checked against the
    ``known`` outcome classes when there are some (``EncodedModel`` calls ``check`` on
    every answer)."""

    __slots__ = ("by_probability", "known", "seen")

    def __init__(self, known: KnownClasses | None, *, by_probability: bool = False) -> None:
        self.known = known
        self.seen: set[int] = set()
        # a probabilities model whose classes are its columns alone: its answer's class is
        # the column of the highest probability (a third column on two known outcomes)
        self.by_probability = by_probability

    def check(self, labels: np.ndarray, inputs: ModelInputs) -> None:
        """Add ``labels`` (class indices answered to ``inputs``) to ``seen``; raise
        ``ModelError`` at the first one outside the known classes."""
        flat = np.asarray(labels).reshape(-1)
        if not flat.size or flat.dtype.kind not in "iub":
            return
        classes = np.unique(flat)
        if len(self.seen) < 10_000:  # (amounts: fairness.amounts refuses them)
            self.seen.update(int(v) for v in classes)
        if self.known is None:
            return
        outside = classes[~np.isin(classes, self.known.values)]
        if outside.size:
            self._refuse(int(outside[0]), flat, inputs)

    def _refuse(self, answered: int, flat: np.ndarray, inputs: ModelInputs) -> None:
        known = self.known
        assert known is not None
        i = int(np.argmax(flat == answered))
        n = max(*known.values, answered) + 1
        recode = (
            ""
            if known.names is not None
            else "if the column codes the outcomes otherwise than the model (1 and 2 for its 0 "
            "and 1), give a column of the model's class indices; "
        )
        if answered >= 0:
            how = recode + (
                f"if the model does have more classes than these, declare them in a new run "
                f"(a resumed run keeps this one's options): --classes {n} (its labels 0 to "
                f"{n - 1}; in Python classes={n}), or by name in its order, --classes "
                f"NAME0,NAME1,..."
            )
        else:
            how = recode + (
                "class labels are indices 0, 1, ...: if the model codes its outcomes "
                f"otherwise ({answered} and ...), answer them as indices (a function around "
                "it mapping its labels), and test it in a new run"
            )
        said = (
            f"gave its highest probability to class {answered} (the column {answered} of its "
            "answer: its classes are only its columns, none declared)"
            if self.by_probability
            else f"answered class {answered}"
        )
        raise ModelError(
            f"the model {said} to input {i} ({describe_input(inputs, i)}), "
            f"which is not one of the outcome classes {known.shown()} known from "
            f"{known.source}: a model answering another class is the wrong model, or the "
            "label is another outcome than the one it predicts, and compared as classes any "
            f"answer against {answered} would count as discrimination; {how}"
        )


def answered_note(seen: Sequence[int]) -> str:
    """What to say of the classes ``seen`` answered by a labels model declaring none, in a
    run knowing no outcome classes."""
    shown = ", ".join(str(v) for v in sorted(seen)[:12]) + (", ..." if len(seen) > 12 else "")
    return (
        f"{_NOTE_START}{shown} (whole numbers; it declares none, and no outcome classes were "
        "given: no --label column, no --classes): each was compared as a class; if it "
        "should answer fewer, give the data's outcomes (--data with --label COLUMN) or its "
        "classes (--classes N) in a new run, and an answer outside them stops the run"
    )


def is_answered_note(text: Any) -> bool:
    """Whether ``text`` is an ``answered_note``."""
    return isinstance(text, str) and text.startswith(_NOTE_START)


def record_answered(store: RunStore, run_id: str, model: Any) -> None:
    """Keep with run ``run_id`` the classes its labels model (``model``: an
    ``EncodedModel``, its ``classes`` watch) answered, when no outcome classes were known:
    ``summary["answered_classes"]`` (an earlier session's added: a resumed run's) and a
    note saying them."""
    watch = getattr(model, "classes", None)
    if not isinstance(watch, ClassWatch) or watch.known is not None or not watch.seen:
        return
    record = store.get_run(run_id)
    summary = dict(record.summary or {})
    if not summary:
        return
    before = summary.get(ANSWERED_KEY)
    # (a worker's answers, local processes or Dask, reach this process only as findings)
    answered = watch.seen | _stored_classes(store, run_id)
    seen = sorted(answered | {int(v) for v in before} if isinstance(before, list) else answered)
    notes = [n for n in summary.get("notes") or [] if not is_answered_note(n)]
    summary[ANSWERED_KEY] = seen
    summary["notes"] = [*notes, answered_note(seen)]
    store.checkpoint(run_id, summary=summary)


def _stored_classes(store: RunStore, run_id: str) -> set[int]:
    """The classes a labels model answered in the run's stored findings (each an input and
    its variants answered): the search's answers where the search ran in other processes,
    whose watches this process never sees."""
    found: set[int] = set()
    for batch in store.iter_batches(run_id):
        outputs = np.asarray(batch.outputs)
        if batch.kind != "fairness.idi" or outputs.ndim != 3 or outputs.shape[-1] != 1:
            continue  # (probabilities: a model declaring its classes by its columns)
        values = np.unique(outputs[np.isfinite(outputs)])
        found.update(int(v) for v in values if float(v).is_integer())
        if len(found) >= 10_000:  # (as the watch's own bound)
            break
    return found
