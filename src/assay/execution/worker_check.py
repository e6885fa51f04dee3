"""Whether the workers of an existing Dask cluster run the assay that runs here.

A worker that cannot import assay died as it read its first unit (the task's pickle names
assay's classes): the scheduler lost it, the campaign waited ``WORKER_WAIT`` seconds and
said "the Dask cluster has had no worker", and the user's cluster was one worker short.  A
worker with another assay searched with other code: its units' findings were not those the
seed gives here, and the run's recorded versions (this process's) did not say so.

``check_workers`` asks every worker, before any unit is sent, for its assay's version and a
digest of its source files (the same on a wheel and an editable install of the same code),
with a function sent by value (one that imports nothing of assay's to be read).  The same
function gives each worker that passes a Dask resource named after this assay's source
(``resource_name``, one per thread), and every task of the run asks for it: a worker that
joins the cluster later gets no unit until ``admit`` has checked it (the executor's watch
does, every few seconds), and one that fails the check gets none at all (left running, the
user's), where it used to die on its first unit or search with its own code.
"""

from __future__ import annotations

import logging
import types
from typing import Any

from assay.core.notices import listener
from assay.errors import UsageError

__all__ = ["Admission", "admit", "check_workers", "refusal", "resource_name", "this_assay"]


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


def resource_name(here: tuple[str, str, str]) -> str:
    """The Dask resource the workers running this assay (``this_assay()``) are given."""
    return f"assay-{here[0]}-{here[1]}"


async def _admit_here(here: tuple[str, str], resource: str, dask_worker: Any) -> Any:
    """On a worker (sent by value): its ``this_assay()``, and the ``resource`` (one per
    thread) when that is ``here``."""
    answer = this_assay()
    if not answer[2] and tuple(answer[:2]) == tuple(here):
        await dask_worker.set_resources(**{resource: dask_worker.state.nthreads})
    return answer


def _by_value(fn: Any, **names: Any) -> Any:
    """``fn`` as a function pickled by value (its module is not imported to run it): built
    from its code with builtins and ``names`` alone for globals, named as ``__main__``'s."""
    space = {"__builtins__": __builtins__, **names}
    made = types.FunctionType(fn.__code__, space, fn.__name__, fn.__defaults__)
    made.__module__ = "__main__"
    return made


def admit(
    client: Any, here: tuple[str, str, str], workers: list[str] | None = None
) -> tuple[list[str], list[str], list[str]]:
    """Check ``workers`` (all when None) and give those running ``here`` its resource:
    (admitted, those that cannot import assay, those running another assay), the last two
    as "ADDRESS (why)"."""
    check = _by_value(_admit_here, this_assay=_by_value(this_assay))
    answers = client.run(check, here[:2], resource_name(here), workers=workers, on_error="return")
    admitted, missing, other = [], [], []
    for address, answer in sorted(answers.items()):
        if isinstance(answer, BaseException):
            missing.append(f"{address} ({type(answer).__name__}: {answer})")
        elif not isinstance(answer, tuple | list) or len(answer) != 3 or answer[2]:
            why = answer[2] if isinstance(answer, tuple | list) and len(answer) == 3 else answer
            missing.append(f"{address} ({why})")
        elif tuple(answer[:2]) != here[:2]:
            other.append(f"{address} (assay {answer[0]}, source {answer[1]})")
        else:
            admitted.append(address)
    return admitted, missing, other


def refusal(here: tuple[str, str, str], missing: list[str], other: list[str]) -> str:
    """What is wrong with the workers ``admit`` refused, and what to do."""
    said = []
    if missing:
        said.append(
            f"cannot import assay: {'; '.join(missing)}; install assay {here[0]} (with its "
            "model extras) where they run"
        )
    if other:
        said.append(
            f"run another assay than this one (assay {here[0]}, source {here[1]}): "
            f"{'; '.join(other)}; their findings would not be those this seed gives here: "
            "install the same assay on them"
        )
    return "; and some ".join(said)


def check_workers(client: Any, scheduler: str) -> str:
    """A ``UsageError`` (argument ``--scheduler``) naming the workers that cannot import
    assay, or that run another version or other code than this process; the resource
    (``resource_name``) the workers were given otherwise."""
    here = this_assay()
    _, missing, other = admit(client, here)
    if missing or other:
        raise UsageError(
            f"the Dask workers at {scheduler} {refusal(here, missing, other)}"
            + (", or use --workers N for a cluster on this machine" if missing else ""),
            argument="--scheduler",
        )
    return resource_name(here)


class Admission:
    """The workers of an existing cluster given this run's units (``resource``): those that
    passed ``check_workers`` at the start, and those that join later (or come back,
    restarted) and pass ``admit``; ``refused``: "ADDRESS (why)" of those that did not, said
    once each (a warning), and not asked again."""

    def __init__(self, client: Any, resource: str) -> None:
        self.client = client
        self.here = this_assay()
        self.resource = resource
        self.refused: dict[str, str] = {}
        # (said from the executor's watch thread, which has not the command's context: to
        # whom the command's warnings go, ``core.notices``, taken here; else the log)
        self._told = listener()

    def usable(self, workers: dict[str, Any]) -> int:
        """How many of ``workers`` (the scheduler's information) run this run's units, after
        checking those without the resource."""
        new = sorted(a for a, w in workers.items() if not self.holds(w) and a not in self.refused)
        if new:
            try:
                _, missing, other = admit(self.client, self.here, new)
            except Exception:  # (a worker gone meanwhile): looked at again next time
                return sum(map(self.holds, workers.values()))
            for said in (*missing, *other):
                self.refused[said.partition(" ")[0]] = said
            if missing or other:
                said = (
                    f"Dask workers that joined the cluster during the run "
                    f"{refusal(self.here, missing, other)}; they are given none of its units"
                )
                if self._told is None:
                    logging.getLogger("assay").warning("assay: %s", said)
                else:
                    self._told(said)
            workers = self.client.scheduler_info().get("workers", {})
        return sum(map(self.holds, workers.values()))

    def holds(self, worker: dict[str, Any]) -> bool:
        """Whether ``worker`` (the scheduler's information) is given units."""
        return bool((worker.get("resources") or {}).get(self.resource))

    def why_none(self) -> str:
        """The workers refused, as said after "no worker running this assay" ("" if none)."""
        return f" (refused: {'; '.join(self.refused.values())})" if self.refused else ""
