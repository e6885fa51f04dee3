"""``TextSetup``: what a text run is built from (the test, the classifiers as one panel,
their names, and the invocation stored with the run to rebuild it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assay.text.panel import Panel
from assay.text.technique import TextTest

__all__ = ["TextSetup"]


@dataclass
class TextSetup:
    """``loading``: the sentences loading asked each classifier (to learn what it answers;
    a run counts the most asked of one within its query budget); ``probe_answers``: each
    classifier's answers to them (``models.probe_answers``), kept with the run so that a
    resumed session loads it without asking them again.  ``label_map_file``: the label map's
    file, when one was read (its fingerprint is kept for the rerun's note).  ``said_as``:
    the classifiers' names as a verify's words say them (``text.verify_terms.said_names``:
    those given in the run's places by their own); None: the run's names (``names``)."""

    test: TextTest
    model: Panel
    names: list[str]
    invocation: dict[str, Any]
    loading: list[int] = field(default_factory=list)
    probe_answers: list[Any] = field(default_factory=list)
    label_map_file: str | None = None
    said_as: list[str] | None = None

    @property
    def loading_queries(self) -> int:
        """Queries loading asked: the most sentences asked of one classifier."""
        return max(self.loading, default=0)
