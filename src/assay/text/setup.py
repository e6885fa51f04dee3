"""``TextSetup``: what a text run is built from (the test, the classifiers as one panel,
their names, and the invocation stored with the run to rebuild it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from assay.text.panel import Panel
from assay.text.technique import TextTest

__all__ = ["TextSetup"]


@dataclass
class TextSetup:
    test: TextTest
    model: Panel
    names: list[str]
    invocation: dict[str, Any]
