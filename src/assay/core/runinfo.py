"""What every run records about how it was made: library versions and the rerun command."""

from __future__ import annotations

import os
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from assay._version import __version__

__all__ = ["rerun_command", "store_option", "versions"]


def versions() -> dict[str, str]:
    import platform

    out = {"assay": __version__, "python": platform.python_version(), "numpy": np.__version__}
    for mod in ("sklearn", "pandas", "onnxruntime", "skops"):
        m = sys.modules.get(mod)
        if m is not None:
            out[mod] = str(getattr(m, "__version__", "?"))
    return out


def rerun_command(argv: Sequence[str] | None, seed: int) -> str:
    """The command line that reproduces a run: the one given, with its seed made explicit."""
    if argv is None:
        return f"(Python API; seed {seed})"
    args = list(argv)
    if "--seed" not in args and not any(a.startswith("--seed=") for a in args):
        args += ["--seed", str(seed)]
    return shlex.join(["assay", *args])


def store_option(path: str | os.PathLike[str]) -> list[str]:
    """``["--store", path]`` for a command printed for a run in ``path``; nothing for the
    default store (``.assay/runs.db``, where commands look without ``--store``)."""
    from assay.core.store import DEFAULT_STORE

    given = Path(path)
    if given.resolve() == DEFAULT_STORE.resolve():
        return []
    return ["--store", given.as_posix()]
