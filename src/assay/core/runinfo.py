"""What every run records about how it was made: library versions and the rerun command."""

from __future__ import annotations

import os
import shlex
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from assay._version import __version__

__all__ = [
    "launch_dir",
    "pasteable",
    "record_wall_clock",
    "rerun_command",
    "store_option",
    "versions",
]


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


def launch_dir(argv: Sequence[str] | None) -> str | None:
    """The directory a command-line run was started in (its rerun command's relative paths
    are that directory's; ``config["cwd"]``); ``None`` for a run made through the API."""
    return None if argv is None else os.getcwd()


def pasteable(command: str, config: Mapping[str, Any] | None) -> str:
    """A run's rerun ``command`` as it can be pasted here: after ``cd DIR &&`` when the run
    was started in another directory, whose relative paths the command holds."""
    where = (config or {}).get("cwd")
    if not isinstance(where, str) or not command.startswith("assay "):
        return command
    try:
        if Path(where).resolve() == Path.cwd().resolve():
            return command
    except OSError:
        return command
    return f"cd {shlex.quote(where)} && {command}"


def store_option(path: str | os.PathLike[str]) -> list[str]:
    """``["--store", path]`` for a command printed for a run in ``path``; nothing for the
    default store (``.assay/runs.db``, where commands look without ``--store``)."""
    from assay.core.store import DEFAULT_STORE

    given = Path(path)
    if given.resolve() == DEFAULT_STORE.resolve():
        return []
    return ["--store", given.as_posix()]


def record_wall_clock(store: Any, run_id: str, seconds: float, *, counted: str, rate: str) -> None:
    """Put the run's wall-clock seconds (from its start, loading included) in its summary's
    metrics, and metric ``rate``: metric ``counted`` per one of those seconds (never a rate
    over part of the run)."""
    record = store.get_run(run_id)
    summary = dict(record.summary or {})
    metrics = summary.get("metrics")
    if not isinstance(metrics, dict) or seconds <= 0:
        return
    if counted in metrics:  # (a backdoor model scan counts no images)
        metrics[rate] = round(float(metrics[counted] or 0) / seconds, 6)
    # four significant digits: a short run's 0.11 s beside 88 images per second read as if
    # the rate were 91 (10 images in 0.1134 s)
    metrics["wall-clock seconds"] = float(f"{seconds:.4g}")
    store.checkpoint(run_id, summary=summary)
