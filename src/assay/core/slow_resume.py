"""The longer deadline a Python caller's resume is given after a call timed out.

A run whose model did not answer within ``--call-timeout`` prints a resume line with 4
times the deadline (``assay resume RUN --call-timeout 4`` of a run given 1: ``cli.app``):
a slow model, not a broken one, is given longer.  Raised into a notebook, the same failure
said "continue it with assay.resume_run('RUN', store=...)" without it, and that resume met
the same deadline (hostile53).
"""

from __future__ import annotations

import re

__all__ = ["longer_deadline"]

_WITHIN = re.compile(r"within (\d+(?:\.\d+)?) s \(--call-timeout\)")


def longer_deadline(message: str) -> str:
    """``", call_timeout=N"`` (4 times the deadline ``message`` says a call missed) for the
    resume call, or "" when no call timed out."""
    found = _WITHIN.search(message)
    if found is None:
        return ""
    return f", call_timeout={4 * float(found[1]):g}"
