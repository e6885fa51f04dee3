"""A served model's failing streak, and what it says of the endpoint.

``HttpModel.failing`` is since when every attempt has failed (no request answered since)
and the last failure; beside it the model counts those attempts (``failed_attempts``),
the refused connections in a row and since when (``refused_run``), and the last wait the
server asked for (``asked_wait``, a 429's or 503's ``Retry-After``).  From them:

- ``refusing``: a run whose time ran out while a request was retried ended by the endpoint
  (exit 3, resumable), not by its budget, only when the endpoint was really refusing: for
  ``FAILING_SECONDS`` or more, and ``REFUSING_ATTEMPTS`` attempts in a row failed or the
  streak held most (``MOST``) of the time the endpoint was asked.  serve42's rule (5 s and a
  tenth of the run) read one wait: a single 429 ``Retry-After: 20`` near the end of a long
  run with findings turned its exit 1 into exit 3 (left42s).
- ``gone``: connections refused in a row for ``GONE_SECONDS``, two requests' attempts or
  more, none answered (or answered ``502 Bad Gateway`` with no ``Retry-After``: a proxy
  whose model behind it refuses it; left43s): the server is not there (serve42 said it
  only as the model call neared ``--call-timeout``, 57 s of refused connections at the
  default 60).
- ``refusal_since``: what a budget stop says of the streak (its status, the wait asked), for
  ``core.refusals`` (loading's ``--max-time``, which knows no model).
- ``streak_state``/``take_streak``: a Dask worker's streak at its unit's end, given to the
  client's copy with the unit's counts (the rule read only the client's copy before).
"""

from __future__ import annotations

import time
from typing import Any

from assay.errors import ModelUnavailable

__all__ = [
    "BAD_GATEWAY",
    "FAILING_SECONDS",
    "GONE_SECONDS",
    "answered",
    "attempt_failed",
    "gone",
    "refusal_since",
    "refusing",
    "streak_state",
    "take_streak",
]

FAILING_SECONDS = 5.0  # a streak shorter than this as the run stops: a blip, a budget stop
REFUSING_ATTEMPTS = 3  # failed attempts in a row that are the endpoint refusing
MOST = 0.5  # ...or a streak over this share of the time since the endpoint's first request
GONE_SECONDS = 10.0  # refused connections this long (two requests' attempts): gone
BAD_GATEWAY = 502  # a proxy's "its upstream refused me": counted as a refused connection


def attempt_failed(model: Any, error: str, *, refused: bool, wait: float | None) -> None:
    """One attempt failed (under the model's lock): the streak begins or goes on."""
    first = model.failing is None
    model.failing = (time.monotonic() if first else model.failing[0], error)
    model.failed_attempts = 1 if first else getattr(model, "failed_attempts", 0) + 1
    # (the refused connections in a row, and since when: a kept-alive connection's first
    # failure, the server gone, is a dropped one, not refused)
    kept = getattr(model, "refused_run", None)
    run = (kept or (time.monotonic(), 0)) if refused else None
    model.refused_run = None if run is None else (run[0], run[1] + 1)
    model.asked_wait = wait


def answered(model: Any) -> None:
    """A request answered (under the model's lock): no streak."""
    model.failing = None
    model.failed_attempts = 0
    model.refused_run = None
    model.asked_wait = None


def _seconds(model: Any) -> float:
    return time.monotonic() - float(model.failing[0])


def _asked(model: Any) -> str:
    wait = getattr(model, "asked_wait", None)
    return "" if wait is None else f", asking to retry after {wait:,.0f} s (Retry-After)"


def _in_a_row(n: int) -> str:
    return "1 attempt" if n == 1 else f"{n:,} attempts in a row"


def refusing(model: Any) -> str | None:
    """Why ``model``'s endpoint has stopped answering when a request is still in its
    retries as the run stops (see the module), or None (a budget stop)."""
    if model.failing is None:
        return None
    seconds = _seconds(model)
    attempts = getattr(model, "failed_attempts", 0)
    first = model.stats.first
    asked_for = time.time() - first if first is not None else seconds
    if seconds < FAILING_SECONDS:
        return None
    if attempts < REFUSING_ATTEMPTS and seconds < MOST * asked_for:
        return None  # (one wait, late in the run: the budget ended the run, said beside)
    return (
        f"the endpoint {model.shown} stopped answering: every attempt of the last "
        f"{seconds:,.0f} s failed ({_in_a_row(attempts)}), none answered, and the run's time "
        f"ran out while it was retried (last: {model._scrub(model.failing[1])}"
        f"{_asked(model)}), so the run did not end by its budget"
    )


def refusal_since(model: Any, started: float) -> tuple[bool, str] | None:
    """``model``'s streak begun at ``started`` (``time.monotonic()``) or later, if one goes
    on: whether it is the endpoint refusing (``refusing``; or, never answered, it asked to
    wait or failed twice), and what to say of it."""
    failing = model.failing
    if failing is None or failing[0] < started:
        return None
    attempts = getattr(model, "failed_attempts", 0)
    said = (
        f"the endpoint {model.shown} failed every attempt of the last {_seconds(model):,.0f} s "
        f"({_in_a_row(attempts)}; last: {model._scrub(failing[1])}{_asked(model)})"
    )
    never = model.stats.answered == 0 and (
        attempts >= 2 or getattr(model, "asked_wait", None) is not None
    )
    return never or refusing(model) is not None, said


def gone(model: Any, retries: int) -> None:
    """``ModelUnavailable`` when every attempt for ``GONE_SECONDS`` or more was a refused
    connection, two requests' attempts or more, none answered (see the module)."""
    failing, refused = model.failing, getattr(model, "refused_run", None)
    if failing is None or refused is None:
        return
    since, attempts = refused
    seconds = time.monotonic() - since
    if attempts < 2 * (retries + 1) or seconds < GONE_SECONDS:
        return
    last = model._scrub(failing[1])
    proxied = last.startswith(f"status {BAD_GATEWAY}")
    refused_how = (
        f"was answered {BAD_GATEWAY} (Bad Gateway: the proxy in front of the model could not "
        "reach it)"
        if proxied
        else "was refused"
    )
    raise ModelUnavailable(
        f"the endpoint {model.shown} stopped answering: every connection of the last "
        f"{seconds:,.0f} s {refused_how} ({attempts:,} attempts, none answered; last: "
        f"{last}): the server {'behind it ' if proxied else ''}is gone or not listening; "
        "resume the run once the endpoint answers again"
    )


def streak_state(model: Any) -> dict[str, Any] | None:
    """The streak, as JSON data for another process (``take_streak``)."""
    if model.failing is None:
        return None
    return {
        "seconds": _seconds(model),
        "at": time.time(),
        "last": model.failing[1],
        "attempts": getattr(model, "failed_attempts", 0),
        "wait": getattr(model, "asked_wait", None),
    }


def take_streak(model: Any, state: Any) -> None:
    """``model`` takes the streak another copy of it ended a unit with (None: answered)."""
    if not isinstance(state, dict):
        answered(model)
        return
    ago = max(0.0, time.time() - float(state.get("at") or time.time()))
    model.failing = (time.monotonic() - ago - float(state["seconds"]), str(state["last"]))
    model.failed_attempts = int(state.get("attempts") or 0)
    model.refused_run = None  # (a worker's own: it judged them there)
    wait = state.get("wait")
    model.asked_wait = None if wait is None else float(wait)
