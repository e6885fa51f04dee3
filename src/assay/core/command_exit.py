"""The exit code of the command that last ran a run (its run command, or the ``assay resume``
that continued or finished it), kept with the run as that command ends
(``config["command_exit"]``: ``{"code": 3, "command": "fairness"}``), taken away when another
command starts on the run.

A report document's ``exit_code`` is the stored run's verdict (what ``assay report RUN``
exits with); the command that made the run may have exited otherwise: 3 when its model
failed after the search with findings stored (the verdict says 1), 130 when it was
interrupted.  A report read later (a CI artifact) said 1 beside a job that failed with 3;
it now says both (``command_exit_code``, ``command_exit``).  A run made from Python, or
stored before this was kept, has none (``None``).
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import suppress
from typing import Any

from assay.core.store import RunStore

__all__ = ["KEY", "exit_said", "forgotten", "kept", "kept_exit"]

KEY = "command_exit"

_MEANS = {
    0: "the run passed",
    1: "findings at or above --fail-on",
    2: "not everything or nothing was tested, or a usage error",
    3: "the model failed",
    4: "the run store failed",
    5: "an internal error",
    130: "interrupted",
}


def kept(store: RunStore, run_id: str, code: int, command: str) -> None:
    """Keep ``code`` as the exit code of ``command`` (``fairness``, ``resume``, ...) that ran
    the run; a store that cannot be written leaves it unsaid (the command's own error
    matters more)."""
    with suppress(Exception):
        store.set_config(run_id, **{KEY: {"code": int(code), "command": str(command)}})


def forgotten(store: RunStore, run_id: str) -> None:
    """A command starts on the run: the last one's exit code is no longer the run's."""
    with suppress(Exception):
        store.set_config(run_id, **{KEY: None})


def kept_exit(config: Mapping[str, Any] | None) -> tuple[int, str] | None:
    """(code, command) kept with the run, None when there is none."""
    value = (config or {}).get(KEY)
    if not isinstance(value, Mapping):
        return None
    code, command = value.get("code"), value.get("command")
    if isinstance(code, bool) or not isinstance(code, int) or not isinstance(command, str):
        return None
    return code, command


def exit_said(config: Mapping[str, Any] | None, verdict_code: int) -> str | None:
    """The command's exit code in words, and how it stands beside the run's verdict
    (``verdict_code``); None when none was kept."""
    found = kept_exit(config)
    if found is None:
        return None
    code, command = found
    means = _MEANS.get(code, f"exit {code}")
    said = f"assay {command} exited {code} ({means})"
    if code != verdict_code:
        said += (
            f"; the run's verdict as it is stored is exit {verdict_code}, what assay report "
            "RUN exits with"
        )
    return said
