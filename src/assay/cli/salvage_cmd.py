"""``assay salvage``: the runs that still read, out of a damaged store into a new one."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from assay.cli.console import Output
from assay.cli.options import AsJson, Quiet
from assay.core.salvage import Salvage, SavedRun, salvage
from assay.core.terminal import shell_word

__all__ = ["register"]

EXIT_SOME_LOST = 4  # (a store error: the store did not come through whole)


def _line(run: SavedRun) -> str:
    if run.outcome == "lost":
        return f"  lost   {run.id}: {run.why}"
    if run.outcome == "partial":
        kept = f"{run.findings:,} findings, {run.kept:,} of their witnesses kept"
        return f"  partly {run.id} ({run.status}, {kept}); lost: {run.why}"
    return f"  saved  {run.id} ({run.status}, {run.findings:,} findings)"


def _document(done: Salvage) -> dict[str, Any]:
    return {
        "source": str(done.source),
        "target": str(done.target),
        "schema": done.schema,
        "complete": done.complete,
        "runs": [
            {
                "id": r.id,
                "outcome": r.outcome,
                "status": r.status or None,
                "findings": r.findings,
                "witnesses_kept": r.kept,
                "lost": r.why or None,
            }
            for r in done.runs
        ],
    }


def register(app: typer.Typer, guarded: Callable[[Any], Any]) -> None:
    @app.command("salvage")
    @guarded
    def salvage_cmd(
        source: Annotated[
            Path, typer.Argument(help="The damaged run store (never written).", show_default=False)
        ],
        target: Annotated[
            Path,
            typer.Argument(help="The new store to write (must not exist).", show_default=False),
        ],
        as_json: AsJson = False,
        quiet: Quiet = False,
    ) -> None:
        """Copy the runs of a damaged store that still read into a new store.

        Each run is read on its own (its record, findings, tallies, resume state) and read back
        from the new store; it is saved whole, saved with its damaged parts lost (said, and then
        not resumable), or lost.  The damaged file is left as it was.  Exit 0 when every run
        came through whole, 4 when any part was lost."""
        out = Output(quiet=quiet, as_json=as_json)
        out.note(f"assay salvage: reading {source} ...")
        done = salvage(source, target, say=None if as_json else lambda r: out.say(_line(r)))
        if as_json:
            out.emit_json(_document(done))
        else:
            found = sum(r.findings for r in done.saved)
            out.say(
                f"saved {len(done.saved):,} of {len(done.runs):,} runs ({found:,} findings) "
                f"into {target}; {source} was left as it was"
            )
            if done.saved:
                out.say(f"see them: assay runs --store {shell_word(str(target))}")
        if not done.complete:
            raise typer.Exit(EXIT_SOME_LOST)
