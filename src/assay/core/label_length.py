"""How long a class label may be: every finding holds its labels, and so do the reports.

A function answering a 20 MB string as a label took 22 GB in 1,600 queries (text), a
fairness model whose two declared classes were 1 MB strings 10 GB and 102 s for 4,000
queries, a 68 MB store and a 34 MB JSON report: a label that long is text the model
generated, not a class name.
"""

from __future__ import annotations

from collections.abc import Sequence

from assay.errors import UsageError

__all__ = ["LONGEST_LABEL", "check_label_lengths"]

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
