"""Paths in a stored command line that name a shell's pipe, not a file: ``--grammar
<(python make_grammar.py)`` runs with ``--grammar /dev/fd/63``, and so the run's printed
"to reproduce" line reads: pasted, it reads nothing (the pipe is gone, exit 2) or another
command's pipe.  ``piped_note`` says so beside the line (text42)."""

from __future__ import annotations

import re

__all__ = ["piped_note"]

# (a process substitution's /dev/fd/N or /proc/PID/fd/N, and standard input by name)
_PIPED = re.compile(r"(?:^|[\s='\"])(/dev/fd/\d+|/proc/[^/\s]+/fd/\d+|/dev/stdin)(?=$|[\s'\"])")


def piped_note(command: str) -> str | None:
    """What a rerun of ``command`` cannot read again (None: it names no pipe)."""
    found = list(dict.fromkeys(m.group(1) for m in _PIPED.finditer(command)))
    if not found:
        return None
    which, one = ", ".join(found), len(found) == 1
    return (
        f"the command read {which}, {'a pipe' if one else 'pipes'} of the shell that ran it "
        f"(`<(...)` or standard input), not {'a file' if one else 'files'}: pasted, it reads "
        "nothing, or another command's pipe; write what it read to a file and give that "
        "(the stored run keeps what it read: verifying or reporting this run needs no file)"
    )
