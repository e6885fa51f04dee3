"""The commands assay prints (``to reproduce: assay demo --seed 0``, ``resume with: assay
resume RUN``, ``(see: assay fairness --help)``) as the user can paste them here.

They say ``assay``, which fails where ``assay`` is not on the PATH: after ``make demo``
without activating its virtualenv, the README's own ``.venv/bin/assay demo`` printed
"see every run: assay runs", and that line pasted said "command not found".  Where
``assay`` is not on the PATH, a printed command names the program as it was invoked: the
script's absolute path (``/home/me/assay/.venv/bin/assay``), or the interpreter with
``-m assay`` (``python -m assay``, or assay called from Python).  Where it is, the lines
stay as they are.

Only this installation's ``assay`` counts as being on the PATH: the script this process was
started as, or one that runs this interpreter (its ``#!`` line, or beside it in the same
``bin`` folder).  Another virtualenv's ``assay`` earlier on the PATH ran when a command
printed by ``/other/venv/bin/python -m assay`` was pasted: another version resumed, verified
or reported the run.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import sys

__all__ = ["as_invoked", "program"]

# the subcommands a printed command may begin with (``assay text:``, a progress line's
# prefix, is no command: a colon after the word leaves it alone)
COMMANDS = (
    "backdoor",
    "code",
    "delete",
    "demo",
    "fairness",
    "prune",
    "report",
    "resume",
    "runs",
    "salvage",
    "show",
    "text",
    "verify",
)
# (not after a quote: a failing sentence printed in quotes, "assay report is good", is the
# user's words, never rewritten; nor after ``-m ``: a command already rewritten to
# ``python -m assay report``, as a note the API rewrote and the command line prints)
_COMMAND = re.compile(
    r"(?<![\w./\\\-\"'])(?<!-m )assay(?= (?:" + "|".join(COMMANDS) + r")(?![\w:-]))"
    r"|(?<![\w./\\\-\"'])(?<!-m )assay(?= --(?:help|version)\b)"
)


def program() -> str:
    """How a printed command runs assay here, quoted for a POSIX shell: ``assay`` when it
    is on the PATH; else the ``assay`` script as invoked, by its absolute path; else the
    interpreter running assay with ``-m assay``."""
    found = shutil.which("assay")
    if found and _this_installation(found):
        return "assay"
    script = sys.argv[0] if sys.argv else ""
    if os.path.basename(script) in ("assay", "assay.exe") and os.path.isfile(script):
        return shlex.quote(os.path.abspath(script))
    return f"{shlex.quote(sys.executable or 'python3')} -m assay"


def _this_installation(script: str) -> bool:
    """Whether the ``assay`` found on the PATH (``script``) runs this installation: it is the
    script this process runs as, or it runs this interpreter (its ``#!`` line names it, or
    it sits in the interpreter's own folder: a virtualenv's ``bin``, Windows' ``Scripts``)."""
    here = os.path.abspath(sys.executable or "")
    try:
        if sys.argv and os.path.samefile(script, sys.argv[0]):
            return True
    except OSError:  # (argv[0] no file: ``-c``, a notebook)
        pass
    if os.path.dirname(os.path.abspath(script)) == os.path.dirname(here):
        return True
    try:
        with open(script, "rb") as f:
            first = f.readline(4096)
    except OSError:
        return False
    if not first.startswith(b"#!"):
        return False
    words = first[2:].decode(errors="replace").split()
    return bool(words) and os.path.dirname(os.path.abspath(words[0])) == os.path.dirname(here)


def as_invoked(text: str) -> str:
    """``text`` with each command it holds (``assay SUBCOMMAND ...``) beginning with the
    program as ``program`` names it (unchanged where ``assay`` is on the PATH)."""
    if "assay" not in text:
        return text
    shown = program()
    if shown == "assay":
        return text
    return _COMMAND.sub(lambda _: shown, text)
