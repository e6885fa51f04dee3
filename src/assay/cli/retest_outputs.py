"""The files a retrained model's test writes, beside the first run's, not over them.

The "test it again with" line after ``--retrain`` repeated the run's ``--export idis.csv``
(and ``--html``, ``--junit``, ``--report``): pasted, it wrote the retrained model's findings
and reports over the first run's (hostile51c).  Each such file is named with
``.retrained`` before its suffix (``idis.retrained.csv``).
"""

from __future__ import annotations

from pathlib import PurePath

__all__ = ["OUTPUTS", "retrained_output"]

OUTPUTS = ("--export", "--html", "--junit", "--report")


def retrained_output(path: str) -> str:
    """``path`` with ``.retrained`` before its suffix (after its folder, if any).  A path
    given with a trailing ``/`` (``--report rep/``) names the file ``rep``, as the option's
    ``Path`` reads it (its name was cut from the path's end: ``rrep.retrained``)."""
    bare = path.rstrip("/") or path
    name = PurePath(bare).name
    stem, dot, suffix = name.rpartition(".")
    new = f"{stem}.retrained.{suffix}" if dot and stem else f"{name}.retrained"
    return bare[: len(bare) - len(name)] + new
