"""``--json``'s document for a command interrupted before it began (a CI job's timeout, or a
Ctrl-C, while the command line loads: 0.4-4 s by the machine's load).  Every other way a
command fails writes its error as one JSON document on stdout (``cli.app._json_error``);
this one left stdout empty, which ``jq`` reads as no input at all (exit 0) and ``python -m
json.tool`` refuses (hostile53b).  Light: called where the command line never loaded."""

from __future__ import annotations

import contextlib
import json
import sys

from assay.cli.failed_json import left_fields

__all__ = ["interrupted_json"]

EXIT_INTERRUPTED = 130


def interrupted_json(args: list[str], message: str) -> None:
    """Write the document of a command line ``args`` interrupted before it began, when it
    asked for ``--json``: the error, its kind and exit code, no run (the keys of any failed
    command's document, ``cli.failed_json``)."""
    options = args[: args.index("--")] if "--" in args else args
    if "--json" not in options or sys.stdout is None:
        return
    document = {"error": message, "kind": "interrupted", "exit_code": EXIT_INTERRUPTED}
    document["run_id"] = None
    document.update(left_fields(None))
    with contextlib.suppress(OSError, ValueError):
        sys.stdout.write(json.dumps(document, indent=2, sort_keys=True) + "\n")
        sys.stdout.flush()
