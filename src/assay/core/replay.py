"""What replaying a run's stored findings against a model found (``assay verify``)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ReplayResult"]


@dataclass(frozen=True)
class ReplayResult:
    total: int
    still_failing: int
    examples: list[int]  # indices (in store order) of findings that still fail, first few
    skipped: int = 0  # stored findings that could not be replayed (said, never counted fixed)
    why_skipped: str = ""
    untested: str = ""  # why no finding could have failed (the model answered one thing)

    @property
    def fixed(self) -> int:
        return self.total - self.still_failing
