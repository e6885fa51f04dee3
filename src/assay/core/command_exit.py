"""The exit code of the command that last ran a run (its run command, or the ``assay resume``
that continued or finished it), kept with the run as that command ends
(``config["command_exit"]``: ``{"code": 3, "command": "fairness"}``, with ``"why"`` when the
code's usual meaning is not what happened: an ``--export`` not written).  A command that
begins on the run (its run command once the run exists, a resume once its checks passed)
keeps ``{"code": None, "command": ...}`` first (``begun``): a command killed (``kill -9``)
leaves that, said as a command that did not end, never the code of an earlier one.  A
command refused before it began (a resume of a changed model, a bad option) writes nothing.

A report document's ``exit_code`` is the stored run's verdict (what ``assay report RUN``
exits with); the command that made the run may have exited otherwise: 3 when its model
failed after the search with findings stored (the verdict says 1), 130 when it was
interrupted.  A report read later (a CI artifact) said 1 beside a job that failed with 3;
it now says both (``command_exit_code``, ``command_exit``).  A run made from Python, or
stored before this was kept, has none (``None``).

A call from Python (``check_fairness``, ``resume_run``, ...) has no exit code, but a process
killed in it left ``None``, read as "none kept" (status39): while it runs, the run keeps
``{"code": None, "call": "check_fairness"}`` (``python_call``), taken away once it returns or
raises (``returning``); killed, the mark stays and is said as a call that did not return.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from typing import Any

from assay.core.outcome import answer_rule, rule_option
from assay.core.store import RunStore

__all__ = [
    "KEY",
    "begun",
    "called",
    "exit_said",
    "forgotten",
    "kept",
    "kept_exit",
    "python_call",
    "returning",
    "unended",
]

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
# a demonstration's 0 and 1 (``core.verdict.demo_exit``): never "the run passed" beside the
# bugs it found (report46b: `assay demo`'s JUnit said "exited 0 (the run passed)")
_DEMO_MEANS = {
    0: "the demonstration found the bugs it demonstrates",
    1: "the demonstration found none of the bugs it demonstrates",
}


def kept(store: RunStore, run_id: str, code: int, command: str, why: str | None = None) -> None:
    """Keep ``code`` as the exit code of ``command`` (``fairness``, ``resume``, ...) that ran
    the run (``why``: what it means here, when not its usual meaning); a store that cannot
    be written leaves it unsaid (the command's own error matters more)."""
    value: dict[str, Any] = {"code": int(code), "command": str(command)}
    if why:
        value["why"] = str(why)
    with suppress(Exception):
        store.set_config(run_id, **{KEY: value})


def begun(store: RunStore, run_id: str, command: str) -> None:
    """``command`` begins on the run: until it keeps its exit code, the run says a command
    that has not ended (still running, or killed), not an earlier command's code."""
    with suppress(Exception):
        store.set_config(run_id, **{KEY: {"code": None, "command": str(command)}})


def called(store: RunStore, run_id: str, call: str) -> None:
    """A call from Python (``resume_run``) begins on the run: until it returns, the run says
    a call that has not returned (``python_call``), not an earlier command's code."""
    with suppress(Exception):
        store.set_config(run_id, **{KEY: python_call(call)})


def forgotten(store: RunStore, run_id: str) -> None:
    """A command starts on the run: the last one's exit code is no longer the run's."""
    with suppress(Exception):
        store.set_config(run_id, **{KEY: None})


def python_call(call: str) -> dict[str, Any]:
    """The mark of a call from Python (``check_fairness``, ``resume_run``) that began on the
    run and has not returned: kept in a new run's config, or written by ``resume_run``."""
    return {"code": None, "call": str(call)}


@contextmanager
def returning(store: RunStore, run_id: str, call: str | None) -> Iterator[None]:
    """Around a call from Python on its run (``call``, marked ``python_call``; ``None``: a
    command's run, marked by the command): once the call returns or raises, its mark is
    taken away (a call keeps no exit code, and the run then says none); a process killed
    inside leaves it, said as a call that did not return."""
    try:
        yield
    finally:
        if call is not None:
            with suppress(Exception):  # (the store failed: the call's own error matters more)
                if store.get_run(run_id).config.get(KEY) == python_call(call):
                    forgotten(store, run_id)


def _unreturned(config: Mapping[str, Any] | None) -> str | None:
    """The Python call marked on the run (``python_call``) that has not returned."""
    value = (config or {}).get(KEY)
    if not isinstance(value, Mapping) or value.get("code") is not None:
        return None
    call = value.get("call")
    return call if isinstance(call, str) else None


def kept_exit(config: Mapping[str, Any] | None) -> tuple[int, str] | None:
    """(code, command) kept with the run, None when there is none."""
    value = (config or {}).get(KEY)
    if not isinstance(value, Mapping):
        return None
    code, command = value.get("code"), value.get("command")
    if isinstance(code, bool) or not isinstance(code, int) or not isinstance(command, str):
        return None
    return code, command


def unended(config: Mapping[str, Any] | None) -> str | None:
    """The command that began on the run and kept no exit code (``begun``): still running,
    or killed; None otherwise."""
    value = (config or {}).get(KEY)
    if not isinstance(value, Mapping) or value.get("code") is not None:
        return None
    command = value.get("command")
    return command if isinstance(command, str) else None


def no_run_exit(command: str, code: int) -> str:
    """A command's exit code in words when it stopped before a run was made (its JUnit
    file's ``command_exit``, as a run's says it: report48)."""
    return f"assay {command} exited {code} ({_MEANS.get(code, f'exit {code}')})"


def exit_said(
    config: Mapping[str, Any] | None,
    verdict_code: int,
    *,
    demo: bool = False,
    judged: bool | None = None,
) -> str | None:
    """The command's exit code in words, and how it stands beside the run's verdict
    (``verdict_code``); a command that began and did not end, said so; None when none was
    kept.  ``demo``: a demonstration's run, whose 0 and 1 say whether it showed its bugs.
    ``judged``: False when a rule on the share was never judged (its findings judged the
    run in its place)."""
    if (command := unended(config)) is not None:
        return (
            f"assay {command} began on the run and kept no exit code: it is still running, "
            "or it was killed (kill -9, a crash, the machine stopping) before it ended"
        )
    if (call := _unreturned(config)) is not None:
        return (
            f"assay.{call}(...) began on the run from Python and did not return: it is still "
            "running, or its process was killed (kill -9, a crash, the machine stopping) "
            "before it returned (a call from Python keeps no exit code)"
        )
    found = kept_exit(config)
    if found is None:
        return None
    code, command = found
    why = ((config or {}).get(KEY) or {}).get("why")
    means = _MEANS.get(code, f"exit {code}") if not demo else _DEMO_MEANS.get(code, "")
    if code == 1 and not demo and (rule := answer_rule(config)) is not None:
        # a rule on the share judges the run, not its findings at a threshold never given
        # (it read "findings at or above --fail-on" beside "above --fail-on 'share>0.1'")
        means = (
            f"above {rule_option(rule)}"
            if judged is not False
            else f"{rule_option(rule)} not judged: its findings in its place"
        )
    means = why if isinstance(why, str) and why else means or _MEANS.get(code, f"exit {code}")
    said = f"assay {command} exited {code} ({means})"
    if code != verdict_code:
        said += (
            f"; the run's verdict as it is stored is exit {verdict_code}, what assay report "
            "RUN exits with"
        )
    return said
