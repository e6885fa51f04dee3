"""What replaying a run's stored findings against a model found (``assay verify``)."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

__all__ = ["OneClass", "ReplayResult", "TestReplayed", "judged"]


@dataclass(frozen=True)
class TestReplayed:
    """One test of a text run, replayed: its stored failing cases asked again."""

    test: str
    stored: int
    still_failing: int


@dataclass(frozen=True)
class ReplayResult:
    total: int
    still_failing: int
    examples: list[int]  # indices (in store order) of findings that still fail, first few
    skipped: int = 0  # stored findings that could not be replayed (said, never counted fixed)
    why_skipped: str = ""
    untested: str = ""  # why no finding could have failed (the model answered one thing)
    # a text run of several tests (a suite, several relations): each test's stored failing
    # cases replayed and those still failing, in the grammar's order (``TestReplayed``)
    per_test: tuple[TestReplayed, ...] = ()

    @property
    def fixed(self) -> int:
        return self.total - self.still_failing

    @property
    def passed(self) -> bool:
        """What ``assay verify``'s exit 0 means: something was replayed, nothing was left
        untested (``untested``, as ``judged`` fills it), and no stored finding still fails.
        (``still_failing == 0`` alone also reads a replay that tested nothing as a fix.)"""
        return self.total > 0 and self.still_failing == 0 and not self.untested


def judged(result: ReplayResult, run_id: str, technique: str) -> ReplayResult:
    """``result`` with ``untested`` saying why it is not a pass though nothing still fails,
    for the command line and Python alike: no stored finding replayed (none kept, or none
    could be), or (a backdoor run) findings not replayed beside those that no longer hold,
    since a trigger not asked may still hold."""
    untested = (
        result.untested
        if result.total
        else f"none of run {run_id}'s stored findings could be replayed "
        f"({result.why_skipped}): nothing was tested"
        if result.skipped
        else f"run {run_id} has no stored finding to replay: nothing was tested"
    )
    if technique == "backdoor" and result.skipped and not result.still_failing and not untested:
        untested = (
            f"{result.skipped:,} of run {run_id}'s stored findings could not be "
            f"replayed ({result.why_skipped}): not everything was tested"
        )
    return replace(result, untested=untested)


class OneClass:
    """Whether a replay's model gave one class to everything it was asked (``one``: that
    class, else None).  A model that answers one class to everything turns no stored finding
    (IDI, trigger) into a failure, and shows nothing fixed (``untested``)."""

    def __init__(self) -> None:
        self.one: int | None = None
        self.asked = 0
        self._moved = False

    def see(self, labels: np.ndarray) -> None:
        labels = np.asarray(labels).reshape(-1)
        if not len(labels) or self._moved:
            self.asked += len(labels)
            return
        self.asked += len(labels)
        first = labels[0] if self.one is None else self.one
        if (labels != first).any():
            self._moved, self.one = True, None
        else:
            self.one = int(first)

    def untested(self, shown: str, what: str) -> str:
        """Why nothing was shown fixed (``''``: the classes moved, or nothing was asked);
        ``shown``: the class in the user's words, ``what``: what was asked."""
        if self.one is None or self._moved:
            return ""
        return (
            f"the model gave the same class ({shown}) to every one of the {self.asked:,} "
            f"{what}, so no stored finding could still fail: a model that answers one class "
            "to everything passes every check"
        )
