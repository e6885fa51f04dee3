"""Whether a run is a demonstration: judged on whether it found the bugs it plants (its exit
code and JUnit file pass when it did), not as a model under test.

A run started as one (``assay demo ...``, ``assay text --demo``, ``assay backdoor --demo``,
which take built-in models only) keeps ``demonstration: true`` in its configuration, and
every other run of the command line or the API ``false``: it is judged by that flag.  Runs
stored before the flag was kept are read by their stored command's words, and only when
their models are built in (``builtin:...``): such a command kept before option values were
stored joined to their option (``--store --demo``) read as a demonstration, and the user's
model was then judged as one (exit 0 on its findings).
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["demonstration_flag", "is_demonstration"]

FLAG = "demonstration"


def _demo_words(words: Sequence[str]) -> bool:
    """``assay demo ...`` or ``assay COMMAND ... --demo ...`` (before a ``--``), the
    backdoor demonstration's clean control (``builtin:clean``) excepted: it is judged as a
    model is (it passes when nothing is found in it)."""
    if len(words) < 2 or words[0] != "assay" or "builtin:clean" in words:
        return False
    if words[1] == "demo":
        return True
    options = words[2 : words.index("--")] if "--" in words else words[2:]
    return "--demo" in options


def _built_in(config: Mapping[str, Any] | None) -> bool:
    """Whether every model the run was started with is built in (``builtin:...``), as its
    configuration's ``invocation`` names them (``model``, or a text run's ``models``)."""
    invocation = (config or {}).get("invocation")
    if not isinstance(invocation, Mapping):
        return False
    models = invocation.get("models", [invocation.get("model")])
    if not isinstance(models, list) or not models:
        return False
    return all(isinstance(m, str) and m.startswith("builtin:") for m in models)


def demonstration_flag(argv: Sequence[str] | None, config: Mapping[str, Any]) -> bool:
    """The flag a new run keeps: started from the command line as a demonstration (``argv``,
    rebuilt from the parsed options, holds ``--demo`` only when it was given as the flag)
    on built-in models.  A run of the API (no ``argv``) is never one."""
    return argv is not None and _demo_words(["assay", *argv]) and _built_in(config)


def is_demonstration(command: str, config: Mapping[str, Any] | None) -> bool:
    """Whether a run (its stored ``command`` and ``config``) is a demonstration: by its
    configuration's flag; a run stored before the flag by its command's words, when its
    models are built in (a user's model is never judged as a demonstration)."""
    flag = (config or {}).get(FLAG)
    if isinstance(flag, bool):
        return flag
    if not _built_in(config):
        return False
    try:
        words = shlex.split(command)
    except ValueError:
        words = command.split()
    return _demo_words(words)
