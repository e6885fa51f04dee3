"""mutation35: left34's Dask resource, which says a worker runs this assay.

A worker keeps the resource an earlier run gave it (left34's Left 2: it stays after the
run).  Named by version only, a worker given it by a run of other code of the same version
took this run's units (findings of other code); and a worker holding any resource (a GPU,
an older assay's) counted as one running this assay (copies, parallelism, and "no worker
running this assay" never said while only those were left).  ``Admission`` remembers the
workers it refused and neither asks nor warns of them again.
"""

from __future__ import annotations

from typing import Any

from test_mutation34_worker_check import _Client

from assay.execution.worker_check import Admission, resource_name, this_assay


def test_the_resource_names_this_source_not_only_this_version() -> None:
    assert resource_name(("1.0", "aaaa", "")) != resource_name(("1.0", "bbbb", ""))
    assert resource_name(this_assay()) == resource_name(this_assay())


def test_only_this_runs_resource_counts() -> None:
    here = this_assay()
    admission = Admission(_Client({}), resource_name(here))
    assert admission.holds({"resources": {resource_name(here): 2}})
    for other in ({"GPU": 1}, {resource_name(("0.9", "old", "")): 2}, {}):
        assert not admission.holds({"resources": other})


class _Counting(_Client):
    def __init__(self, answers: dict[str, Any]) -> None:
        super().__init__(answers)
        self.asked: list[list[str] | None] = []

    def run(self, fn: Any, *args: Any, on_error: str, workers: Any = None) -> dict[str, Any]:
        self.asked.append(workers)
        return super().run(fn, *args, on_error=on_error, workers=workers)

    def scheduler_info(self) -> dict[str, Any]:
        return {"workers": {"tcp://b:1": {"nthreads": 1, "resources": {}}}}


def test_a_refused_worker_is_asked_once() -> None:
    client = _Counting({"tcp://b:1": ("9.9.9", "other", "")})
    admission = Admission(client, resource_name(this_assay()))
    workers = client.scheduler_info()["workers"]
    assert admission.usable(workers) == 0
    assert admission.usable(workers) == 0
    assert client.asked == [["tcp://b:1"]]
    assert list(admission.refused) == ["tcp://b:1"] and "9.9.9" in admission.why_none()


class _Worker:
    """What ``_admit_here`` reads of a Dask worker, and the resources it is given."""

    def __init__(self) -> None:
        self.state = type("State", (), {"nthreads": 3})()
        self.given: dict[str, int] = {}

    async def set_resources(self, **resources: int) -> None:
        self.given.update(resources)


def test_only_a_worker_running_this_assay_is_given_the_resource() -> None:
    import asyncio

    from assay.execution.worker_check import _admit_here

    here = this_assay()
    mine = _Worker()
    asyncio.run(_admit_here(here[:2], "assay-r", mine))
    assert mine.given == {"assay-r": 3}  # one per thread
    for elsewhere in ((here[0], "other-source"), ("9.9.9", here[1])):
        theirs = _Worker()
        asyncio.run(_admit_here(elsewhere, "assay-r", theirs))
        assert theirs.given == {}
