"""A stored run's verdict as an exit code: ``assay.core.verdict``'s (below the report, whose
JSON document holds it too), named here where the commands have always imported it."""

from __future__ import annotations

from assay.core.verdict import (
    EXIT_INTERRUPTED,
    EXIT_MODEL,
    EXIT_UNTESTED,
    Verdict,
    demo_exit,
    demo_line,
    exit_code,
    run_verdict,
    verdict_line,
)

__all__ = [
    "EXIT_INTERRUPTED",
    "EXIT_MODEL",
    "EXIT_UNTESTED",
    "Verdict",
    "demo_exit",
    "demo_line",
    "exit_code",
    "run_verdict",
    "verdict_line",
]
