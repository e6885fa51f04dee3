"""A listing that met runs whose stored record does not parse (``assay runs``): the other
runs are listed, these named in their place, and the command ends as the store's failure
(exit 4).

One byte flipped in one run's row of a store of 1,500 ended `assay runs` with no line at all
(exit 5 before ``core.store_damage``, then exit 4 with nothing listed): a team's shared
history unreadable for one damaged row."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import typer

from assay.core.store import RunRecord
from assay.core.store_damage import DamagedRowError
from assay.errors import StoreError

__all__ = ["EXIT_DAMAGED", "exit_if_damaged", "json_items", "raise_damaged"]

EXIT_DAMAGED = 4  # the store failed (README's exit codes)


def raise_damaged(damaged: list[DamagedRowError]) -> None:
    """Once the runs that read are listed: the store's error naming each damaged run (the
    first's words in full: which part, why, the salvage line), or nothing."""
    if not damaged:
        return
    names = ", ".join(e.run_id for e in damaged[:10])
    more = f" and {len(damaged) - 10:,} more" if len(damaged) > 10 else ""
    raise StoreError(
        f"{len(damaged):,} run(s) of the store not listed, their stored record damaged: "
        f"{names}{more} (the other runs were listed); {damaged[0]}"
    )


def json_items(
    records: Iterable[RunRecord],
    damaged: list[DamagedRowError],
    item: Callable[[RunRecord], dict[str, Any]],
) -> Iterator[dict[str, Any]]:
    """``runs --json``'s items: each run's ``item``, a damaged run in its place as
    ``{"id", "status": "damaged", "error"}`` (one JSON document, whole, on stdout)."""
    said = 0
    for record in records:
        while said < len(damaged):
            yield _damaged_item(damaged[said])
            said += 1
        yield item(record)
    while said < len(damaged):
        yield _damaged_item(damaged[said])
        said += 1


def _damaged_item(exc: DamagedRowError) -> dict[str, Any]:
    return {"id": exc.run_id, "status": "damaged", "error": str(exc)}


def exit_if_damaged(damaged: list[DamagedRowError]) -> None:
    """After ``runs --json``'s document: exit 4 when a run of it was damaged."""
    if damaged:
        raise typer.Exit(EXIT_DAMAGED)
