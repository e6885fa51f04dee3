"""The commands assay prints (``to reproduce: assay demo --seed 0``, ``resume with: assay
resume RUN``, ``(see: assay fairness --help)``) as the user can paste them here.

They say ``assay``, which fails where ``assay`` is not on the PATH: after ``make demo``
without activating its virtualenv, the README's own ``.venv/bin/assay demo`` printed
"see every run: assay runs", and that line pasted said "command not found".  Where
``assay`` is not on the PATH, a printed command names the program as it was invoked: the
script's absolute path (``/home/me/assay/.venv/bin/assay``), or the interpreter with
``-m assay`` (``python -m assay``, or assay called from Python).  Where it is, the lines
stay as they are.
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
# user's words, never rewritten)
_COMMAND = re.compile(
    r"(?<![\w./\\\-\"'])assay(?= (?:" + "|".join(COMMANDS) + r")(?![\w:-]))"
    r"|(?<![\w./\\\-\"'])assay(?= --(?:help|version)\b)"
)


def program() -> str:
    """How a printed command runs assay here, quoted for a POSIX shell: ``assay`` when it
    is on the PATH; else the ``assay`` script as invoked, by its absolute path; else the
    interpreter running assay with ``-m assay``."""
    if shutil.which("assay"):
        return "assay"
    script = sys.argv[0] if sys.argv else ""
    if os.path.basename(script) in ("assay", "assay.exe") and os.path.isfile(script):
        return shlex.quote(os.path.abspath(script))
    return f"{shlex.quote(sys.executable or 'python3')} -m assay"


def as_invoked(text: str) -> str:
    """``text`` with each command it holds (``assay SUBCOMMAND ...``) beginning with the
    program as ``program`` names it (unchanged where ``assay`` is on the PATH)."""
    if "assay" not in text:
        return text
    shown = program()
    if shown == "assay":
        return text
    return _COMMAND.sub(lambda _: shown, text)
