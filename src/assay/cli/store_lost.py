"""What a command leaves when its store's index is made unwritable under a write (a SIGBUS
that ``core.store_bus`` turns into the store's failure, exit 4).

The process ends inside the signal's handler: the store is never touched again (reading it
would map the index: a second SIGBUS), so no report of the run can be built, and a CI job
that read only the ``--junit`` file found no file at all (ops49).  That file needs no store:
it is written as for any command stopped on an error before its reports
(``leftover.error_junit``: one errored case naming the failure, ``command_exit`` 4), and
``--json`` prints the error's document, as the command's own store failure does; the
``--report`` and ``--html`` files are named as not written, with the command that writes
them once the index is writable again (they are built from the store: nothing in memory
holds the run's findings); those this command wrote before the failure (at its end, the
store failing as it closed) are named as written (its ``--junit`` file too, when the
error's could not be written over it: a full disk), and a file being written when it came is
removed (``core.outfile.in_progress``): no cut file is left, hidden or not.  What this
needs is loaded when the command first opens a store to write (``ready``), never in the
handler, where an import could wait on a lock the faulting thread holds.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from assay.cli import leftover
from assay.cli.console import json_fd
from assay.core import store_bus
from assay.core.message_secrets import redact_message
from assay.core.outfile import in_progress

__all__ = ["EXIT_STORE", "left_behind"]

EXIT_STORE = 4  # (README's table: the run store failed)
_UNREAD = "the store cannot be read until its index is writable again"


@contextmanager
def left_behind(command: str, options: dict[str, Any]) -> Iterator[None]:
    """Within: a store lost to a SIGBUS leaves the command's ``--junit`` file (and
    ``--json``'s document), and names its reports, before its exit 4."""

    def ready() -> None:
        from assay.cli.reporting import report_command

        report_command("r", "s.db", "--report", "r.json")
        json.dumps({"ready": True})
        if options.get("junit"):  # (its imports: the models' package among them, ~0.2 s)
            leftover.error_junit_text(command, "store_error", "", "before a run was made", 4)

    def leave(words: str) -> str:
        for cut in in_progress():  # (a report or export being written: never left cut)
            with contextlib.suppress(OSError):
                os.unlink(cut)
        message = redact_message(words)
        made = leftover.current()
        before = f"after run {made[0]} was made" if made else "before a run was made"
        junit = options.get("junit")
        wrote = leftover.error_junit(
            junit, command, "store_error", message, before, code=EXIT_STORE
        )
        if options.get("as_json"):  # (a JSON reader gets JSON, whatever went wrong)
            document = {"error": message, "kind": "store_error", "exit_code": EXIT_STORE}
            document["run_id"] = made[0] if made else None
            text = json.dumps(document, indent=2) + "\n"
            os.write(json_fd(), text.encode("utf-8", "replace"))
        return _unmade(made, options, junit if wrote else None)

    with store_bus.then(leave, ready):
        yield


def _unmade(made: tuple[str, Any] | None, options: dict[str, Any], wrote: Any) -> str:
    """The line naming the reports asked for: the JUnit file written, the others not ("":
    none asked for)."""
    from assay.cli.reporting import report_command

    asked = [
        ("--report", options.get("report", options.get("json_path"))),
        ("--html", options.get("html")),
        ("--junit", None if wrote else options.get("junit")),
    ]
    # a report at its path now was written whole by this command, before the failure (an
    # earlier one is removed as the command starts: ``core.writable``; one being written is
    # removed above, its path left as it was); so is the JUnit file when the error's could
    # not be written over it (a full disk: the store's SIGBUS and the error's write alike)
    whole = [str(path) for flag, path in asked if path and _whole(path)]
    unmade = [(flag, str(path)) for flag, path in asked if path and str(path) not in whole]
    said = []
    if whole:
        said.append(f"wrote {', '.join(whole)} (before the store failed: the run as it ended)")
    if unmade:
        listed = ", ".join(f"{flag} {path}" for flag, path in unmade)
        said.append(f"not written: {listed} ({_UNREAD})")
    if wrote:
        said.append(f"wrote {wrote} (one error naming why)")
    if not said:
        return ""
    line = "; ".join(said)
    if made is None:
        return f"assay: {line}"
    rebuilt = [w for flag, path in unmade for w in (flag, os.path.abspath(path))]
    if rebuilt:
        command = report_command(made[0], made[1], *rebuilt)
        line += f"; once the index is writable again, write them: {command}"
    return f"assay: run {made[0]}: {line}"


def _whole(path: Any) -> bool:
    """Whether a regular file is at ``path`` (not through a link): a report written whole."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except (OSError, ValueError):
        return False
