"""How long a class label may be: every finding holds its labels, and so do the reports.

A function answering a 20 MB string as a label took 22 GB in 1,600 queries (text), a
fairness model whose two declared classes were 1 MB strings 10 GB and 102 s for 4,000
queries, a 68 MB store and a 34 MB JSON report: a label that long is text the model
generated, not a class name.
"""

from __future__ import annotations

from collections.abc import Sequence

from assay.errors import UsageError

__all__ = ["LONGEST_LABEL", "check_label_lengths", "check_labels_not_texts"]

LONGEST_LABEL = 10_000
"""Characters of the longest label a model may have."""


def check_label_lengths(name: str, labels: Sequence[str], *, argument: str = "MODEL") -> None:
    """Refuse ``labels`` (of the model ``name``) when one is longer than ``LONGEST_LABEL``."""
    long = next((x for x in labels if len(x) > LONGEST_LABEL), None)
    if long is not None:
        raise UsageError(
            f"{name} has a label of {len(long):,} characters ({long[:60]!r}...); a label is "
            f"at most {LONGEST_LABEL:,}: is it answering text rather than a label? Give it "
            "a function that answers the label alone",
            argument=argument,
        )


GENERATED_LENGTH = 80
"""A label this long or longer (its median), one for each sentence asked, is text."""
_FEW = 8  # sentences: fewer cannot tell a many-class classifier from a text generator


def check_labels_not_texts(name: str, asked: int, said: Sequence[str]) -> None:
    """Refuse a model that answered ``asked`` sentences (8 or more) with ``said``: a label of
    its own for each, long ones (a median of ``GENERATED_LENGTH`` characters or more).
    Those are texts it generated, not class labels: an LLM answering "positive, because
    ..." gave each of a text run's 64 probe sentences a 5 KB label, 65 labels stored four
    times (3.4 MB) before its first answer outside them ended the run (exit 3)."""
    labels = sorted(set(said), key=len)
    if asked < _FEW or len(labels) < asked:
        return
    median = len(labels[len(labels) // 2])
    if median < GENERATED_LENGTH:
        return
    raise UsageError(
        f"{name} answered {asked} sentences with {len(labels)} different labels, of "
        f"{median:,} characters (median; {labels[0][:60]!r}...): texts it generated, not "
        "class labels (a class is answered to many sentences). Give it a function that "
        "answers the label alone (e.g. the first word of its answer), or declare its "
        "labels beside it: `FUNCTION.classes_ = ['negative', 'positive']`",
        argument="MODEL",
    )
