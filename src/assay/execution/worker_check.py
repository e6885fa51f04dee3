"""Whether the workers of an existing Dask cluster run the assay that runs here.

A worker that cannot import assay died as it read its first unit (the task's pickle names
assay's classes): the scheduler lost it, the campaign waited ``WORKER_WAIT`` seconds and
said "the Dask cluster has had no worker", and the user's cluster was one worker short.  A
worker with another assay searched with other code: its units' findings were not those the
seed gives here, and the run's recorded versions (this process's) did not say so.

``check_workers`` asks every worker, before any unit is sent, for its assay's version and a
digest of its source files (the same on a wheel and an editable install of the same code),
with a function sent by value (one that imports nothing of assay's to be read).
"""

from __future__ import annotations

import types
from typing import Any

from assay.errors import UsageError

__all__ = ["check_workers", "this_assay"]


def this_assay() -> tuple[str, str, str]:
    """(version, digest of the package's ``.py`` files, "") of the assay importable here; on
    a worker: ("", "", why) when it cannot be imported."""
    import hashlib
    import importlib
    from pathlib import Path

    try:
        assay = importlib.import_module("assay")
    except Exception as exc:
        return "", "", f"{type(exc).__name__}: {exc}"
    root = Path(str(assay.__file__)).parent
    digest = hashlib.blake2b(digest_size=8)
    for path in sorted(root.rglob("*.py")):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return str(getattr(assay, "__version__", "?")), digest.hexdigest(), ""


def _by_value() -> Any:
    """``this_assay`` as a function pickled by value (its module is not imported to run
    it): built from its code with builtins alone for globals, named as ``__main__``'s."""
    fn = types.FunctionType(this_assay.__code__, {"__builtins__": __builtins__}, "this_assay")
    fn.__module__ = "__main__"
    return fn


def check_workers(client: Any, scheduler: str) -> None:
    """A ``UsageError`` (argument ``--scheduler``) naming the workers that cannot import
    assay, or that run another version or other code than this process."""
    here = this_assay()
    answers = client.run(_by_value(), on_error="return")
    missing, other = [], []
    for address, answer in sorted(answers.items()):
        if isinstance(answer, BaseException):
            missing.append(f"{address} ({type(answer).__name__}: {answer})")
        elif not isinstance(answer, tuple | list) or len(answer) != 3 or answer[2]:
            why = answer[2] if isinstance(answer, tuple | list) and len(answer) == 3 else answer
            missing.append(f"{address} ({why})")
        elif tuple(answer[:2]) != here[:2]:
            other.append(f"{address} (assay {answer[0]}, source {answer[1]})")
    if missing:
        raise UsageError(
            f"the Dask workers at {scheduler} cannot import assay: {'; '.join(missing)}; "
            f"install assay {here[0]} (with its model extras) where they run, or use "
            "--workers N for a cluster on this machine",
            argument="--scheduler",
        )
    if other:
        raise UsageError(
            f"the Dask workers at {scheduler} run another assay than this one (assay "
            f"{here[0]}, source {here[1]}): {'; '.join(other)}; their findings would not be "
            "those this seed gives here: install the same assay on them",
            argument="--scheduler",
        )
