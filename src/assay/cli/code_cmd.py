"""``assay code``: the model code this account named (``core.named_code``), listed, and
entries forgotten."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import typer

from assay.cli import lost_stdout
from assay.cli.console import Output
from assay.cli.options import AsJson, Quiet
from assay.core import named_code
from assay.errors import UsageError

__all__ = ["register"]


def _record() -> str:
    try:
        return str(named_code.record_path())
    except RuntimeError:  # (no home known: nothing is ever recorded)
        return "(none: no home folder known)"


def _as_dict(entry: named_code.Entry) -> dict[str, Any]:
    return {"spec": entry.spec, "file": entry.origin}


def _forget(names: list[str], clear: bool) -> list[named_code.Entry]:
    """The entries ``names`` (or ``clear``: all) take out of the record; a name that is in
    none is refused before anything is taken out."""
    if clear:
        return named_code.forget(None, gone=False)
    held = named_code.entries()
    for name in names:
        if not any(e.matches(name) for e in held):
            raise UsageError(
                f"{name} is not in the record of model code this account named (see: assay code)",
                argument="--forget",
            )
    return named_code.forget(names, gone=False) if names else []


def register(app: typer.Typer, guarded: Callable[[Any], Any]) -> None:
    @app.command("code")
    @guarded
    def code(
        forget: Annotated[
            list[str] | None,
            typer.Option(
                "--forget",
                metavar="<file or spec>",
                help="Forget this file or module spec (again: several); resume and verify "
                "then ask for --model before importing it for a stored run.",
                show_default=False,
            ),
        ] = None,
        clear: Annotated[bool, typer.Option("--clear", help="Forget every entry.")] = False,
        as_json: AsJson = False,
        quiet: Quiet = False,
    ) -> None:
        """List the model code this account named: what resume and verify import for a
        stored run without --model.

        Every Python file and module spec assay imports as a model is noted in a file of
        this account's (never in a run store); a store from elsewhere naming other code is
        refused until --model names it.  Entries whose file is gone are dropped."""
        out = Output(quiet=quiet, as_json=as_json)
        if clear and forget:
            raise UsageError("give --clear or --forget, not both", argument="--clear")
        if not (clear or forget):  # (else what it forgot stands, its lines commentary)
            lost_stdout.answer("the list of model code")
        gone = named_code.forget([], gone=True)
        forgotten = _forget(list(forget or []), clear)
        kept = named_code.entries()
        if as_json:
            out.emit_json(
                {
                    "record": _record(),
                    "entries": [_as_dict(e) for e in kept],
                    "forgotten": [_as_dict(e) for e in forgotten],
                    "gone": [_as_dict(e) for e in gone],
                }
            )
            return
        for entry in forgotten:
            out.say(f"forgot {entry.shown}")
        if gone:
            out.note(f"dropped {len(gone):,} entries whose file is gone")
        if not kept:
            out.say(f"no model code named on this account ({_record()})")
            return
        out.say(f"model code this account named ({_record()}):")
        for entry in kept:
            out.say(f"  {entry.shown}")
