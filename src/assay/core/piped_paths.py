"""Paths in a stored command line that name a shell's pipe, not a file: ``--grammar
<(python make_grammar.py)`` runs with ``--grammar /dev/fd/63``, and so the run's printed
"to reproduce" line reads: pasted, it reads nothing (the pipe is gone, exit 2) or another
command's pipe.  ``piped_note`` says so beside the line (text42).  A named pipe
(``mkfifo g.cfg``) looks like any file in the command: ``named_pipes`` finds the words of the
command line that are one when the run starts (the run keeps them: ``config["piped"]``)."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Sequence

__all__ = ["named_pipes", "piped_note"]

# (a process substitution's /dev/fd/N or /proc/PID/fd/N, and standard input by name)
_PIPED = re.compile(r"(?:^|[\s='\"])(/dev/fd/\d+|/proc/[^/\s]+/fd/\d+|/dev/stdin)(?=$|[\s'\"])")


def named_pipes(argv: Sequence[str] | None) -> list[str]:
    """The words of a command line (``ARG`` or ``--option=ARG``) naming a named pipe (a
    FIFO) at this moment, in order, each once; none for a run made through the API
    (``argv`` None).  The shell's own pipes (``/dev/fd/N``) are ``piped_note``'s already."""
    found: list[str] = []
    for word in argv or ():
        path = word.split("=", 1)[1] if word.startswith("--") and "=" in word else word
        if not path or path.startswith("-") or _PIPED.fullmatch(f" {path}") or path in found:
            continue
        try:
            if stat.S_ISFIFO(os.stat(path).st_mode):
                found.append(path)
        except (OSError, ValueError):  # (no such file; a word too long or holding NUL)
            continue
    return found


def piped_note(command: str, named: Sequence[str] = ()) -> str | None:
    """What a rerun of ``command`` cannot read again (None: it names no pipe); ``named``:
    its words that were named pipes when it ran (``named_pipes``)."""
    found = list(dict.fromkeys(m.group(1) for m in _PIPED.finditer(command)))
    kinds = (
        (found, "a pipe", "pipes", " of the shell that ran it (`<(...)` or standard input)",
         "reads nothing, or another command's pipe"),
        (list(named), "a named pipe", "named pipes", " (`mkfifo`)",
         "waits for a program to write into it and reads whatever that writes"),
    )  # fmt: skip
    notes = [
        f"the command read {', '.join(paths)}, {one if len(paths) == 1 else many}{how}, not "
        f"{'a file' if len(paths) == 1 else 'files'}: pasted, it {then}"
        for paths, one, many, how, then in kinds
        if paths
    ]
    if not notes:
        return None
    return (
        "; ".join(notes) + "; write what it read to a file and give that (the stored run "
        "keeps what it read: verifying or reporting this run needs no file)"
    )
