"""A served model's request counters in the run's summary (and so in every report).

``record_serving`` adds ``summary["serving"]`` (requests, retries, failures, requests
that no answer came to, latency percentiles, requests per second, the last errors) and a
"Serving" section in the generic report vocabulary.  A resumed run adds its counts to those
stored before.

The counts are recorded as a session ends; a session killed (``kill -9``) never got there,
and its requests were in no figure (a run killed after 58 requests and resumed said 912 of
the server's 970).  ``follow_served`` has each checkpoint of the session write its counts
so far with it (``RunStore.ride``: ``config["serving_session"]``); the session that records
next adds those of the sessions killed before it (``sessions_killed``: their requests
after their last write, a few seconds' at most, are still missing).  Between checkpoints
(the phases that write none: the determinism check before the search, the answer's
sampling, the checks after it) a timer thread writes the counts every ``EVERY`` seconds
while they change: a session killed there lost every request since its last checkpoint,
all of them when it had none yet.
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass, field
from typing import Any

from assay.core.store import RunStore
from assay.models.http import HttpModel, ServingStats
from assay.models.http_streak import refusing as http_refusing

__all__ = [
    "check_served",
    "close_served",
    "fail_unavailable",
    "follow_served",
    "record_served",
    "record_serving",
    "served_model",
    "stopped_answering",
]

_ADDED = ("requests", "answered", "retried", "failed", "unanswered", "unit_attempts_lost")
EVERY = 2.0  # seconds between the timer's writes of a session's counts (``_keep_writing``)
_PENDING = "serving_session"  # the config entry of a session's counts so far
_RECORDED = "serving_recorded"  # the config entry of the counts recorded (every session's)
_SECONDS = ("wall_seconds", "busy_seconds")
_TITLE = "Serving"


def served_model(model: Any) -> HttpModel | None:
    """The ``HttpModel`` inside wrappers (``inner``/``model`` attributes), if there is one."""
    seen = 0
    while model is not None and seen < 16:
        if isinstance(model, HttpModel):
            return model
        model = getattr(model, "inner", None) or getattr(model, "model", None)
        seen += 1
    return None


def record_served(store: RunStore, run_id: str, models: Any) -> None:
    """``record_serving`` for the served models among ``models`` (a text panel's
    classifiers, a backdoor run's model), as one: their counts add up, and their seconds
    are the wall clock from the first one's first request to the last one's last answer
    (two classifiers asked side by side over a 40 s run took 40 s, not 80).  Never raises
    an AssayError: the counters must not turn an ended run into a failed one."""
    from contextlib import suppress

    from assay.errors import AssayError

    served = [m for m in (served_model(x) for x in models) if m is not None]
    if served:
        with suppress(AssayError):
            _record(store, run_id, served)


def close_served(models: Any) -> None:
    """Close the connections of every served model among ``models`` at the end of a run (a
    later call opens new ones).  Left to the garbage collector, a run stopped by Ctrl-C
    left its sockets open until a later collection ('unclosed socket')."""
    for model in models:
        served = served_model(model)
        if served is not None:
            if isinstance(served.followed, _Followed):
                served.followed.end()  # (its timer stopped: the session is over)
            served.close()


def stopped_answering(models: Any) -> str | None:
    """Why a served model among ``models`` has stopped answering, if it has: its last
    request failed after its retries.  (A failed request is sent again until it is answered
    or the run's time is up, so a run whose last request failed ended by the endpoint, not
    by its budget: a dead server under --max-time spent the time left retrying, below the
    error-rate window, and the run read as a clean budget stop.)"""
    for model in models:
        served = served_model(model)
        if served is None:
            continue
        outcomes = served._outcomes
        if outcomes and not outcomes[-1]:
            errors = served.stats.errors
            last = served._scrub(str(errors[-1].get("error", ""))) if errors else "?"
            return (
                f"the endpoint {served.shown} stopped answering: its last request failed "
                f"after {served.retries + 1} attempts ({last}), so the run did not end by "
                "its budget"
            )
        refusing = http_refusing(served)
        if refusing is not None:
            return refusing
    return None


def check_served(store: RunStore, run_id: str, models: Any) -> None:
    """After a run: if a served model stopped answering (``stopped_answering``), mark the
    run ``model_unavailable`` and raise ``ModelUnavailable`` (exit 3): never a pass."""
    fail_unavailable(store, run_id, stopped_answering(models))


def fail_unavailable(
    store: RunStore, run_id: str, why: str | None, *, finishing: bool = False
) -> None:
    """``check_served`` with its judgement made earlier (``why``: ``stopped_answering``'s,
    None: every served model answered): a caller that asks a served model more after the
    run (a re-check) judges the run on the run's own requests.  ``finishing``: a session
    that searched nothing (``core.finishing``): the run keeps its ended status and what it
    lacks, for a resume to finish once the model is back (``left_to_finish``)."""
    from contextlib import suppress

    from assay.core.finishing import left_to_finish
    from assay.errors import ModelUnavailable

    if why is not None:
        with suppress(Exception):  # the store failing too: the model's failure matters more
            if finishing:
                left_to_finish(store, run_id, "model_unavailable", why)
            else:
                store.checkpoint(run_id, status="model_unavailable", error=why)
        raise ModelUnavailable(why)


def _section(stats: dict[str, Any]) -> dict[str, Any]:
    lat = stats.get("latency_ms") or {}
    rows = [
        ["endpoint", stats.get("endpoint", "")],
        ["protocol", stats.get("protocol", "")],
        ["requests sent (retries included)", stats["requests"]],
        ["retries", stats["retried"]],
        ["requests failed after their retries", stats["failed"]],
        [
            "requests that got no answer (timed out, connection refused or cut; each retried "
            "or failed)",
            stats.get("unanswered", 0),
        ],
        ["latency p50 / p90 / p99 (ms)", " / ".join(str(lat.get(k, "-")) for k in _PCT)],
        [
            "requests answered per wall-clock second (first request to last answer)",
            stats.get("requests_per_second") or "-",
        ],
    ]
    section: dict[str, Any] = {
        "title": _TITLE,
        "text": "Requests to the served model. Failed requests were sent again; no input "
        "went unanswered.",
        "table": {"columns": ["", "value"], "rows": rows},
    }
    notes = []
    for key, said in _MISSING:
        count = int(stats.get(key) or 0)
        if count:
            notes.append(said.format(count))
    errors = stats.get("errors") or []
    if errors:
        notes.append("last failure: " + str(errors[-1].get("error", ""))[:300])
    if notes:
        section["note"] = "; ".join(notes)
    return section


_PCT = ("p50", "p90", "p99")
# the notes on requests sent that the counts miss (summary key, what the note says)
_MISSING = (
    (
        "unit_attempts_lost",
        "{} attempt(s) at units started on a Dask worker and never came back (the worker "
        "died, or the run stopped before they ended): the requests they sent are not in "
        "these counts (a unit run again counts its own)",
    ),
    (
        "sessions_killed",
        "{} session(s) of the run were killed before they recorded these counts: theirs "
        "are counted to their last checkpoint (the requests of their last seconds are not)",
    ),
)


def record_serving(store: RunStore, run_id: str, model: Any) -> dict[str, Any] | None:
    """Store the served model's counters with the run; returns them (None: not served)."""
    served = served_model(model)
    return None if served is None else _record(store, run_id, [served])


def _unrecorded(model: HttpModel) -> ServingStats:
    """The counters of ``model`` not yet recorded with a run (all of them, for a model no
    run has recorded): a model object used by two runs in one process (the API's, or a
    run stopped and resumed with the same model) once counted the first run's requests in
    the second's too, and twice in a resumed run's."""
    own, mark = model.stats, model.recorded
    if mark is None:
        return own
    out = ServingStats()
    out.add(own.since({**mark, "at": own.first}))  # (``first``: reset when recorded)
    out.lost_attempts = own.lost_attempts - int(mark.get("lost_attempts") or 0)
    return out


def _merged(models: list[HttpModel]) -> dict[str, Any]:
    """The counters of ``models`` as one model's (``ServingStats.to_json``)."""
    if len(models) == 1:
        return _unrecorded(models[0]).to_json()
    whole = ServingStats()
    for m in models:
        own = _unrecorded(m)
        start = {"requests": 0, "answered": 0, "retried": 0, "failed": 0, "busy": 0.0}
        whole.add(own.since({**start, "statuses": {}, "at": own.first}))
        # (one unit attempt lost asked every model of the panel: counted once)
        whole.lost_attempts = max(whole.lost_attempts, own.lost_attempts)
    return whole.to_json()


@dataclass
class _Followed:
    """A session's served models followed (``follow_served``): what the sessions killed
    before it left (``carried``: their counts; ``killed``: how many)."""

    token: str
    carried: dict[str, Any] = field(default_factory=dict)
    killed: int = 0
    ended: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)  # (a timer's write)

    def end(self) -> None:
        """No timer write from now on (one under way finishes first)."""
        with self.lock:
            self.ended.set()


def follow_served(store: RunStore, run_id: str, models: Any) -> None:
    """From now on each checkpoint of the run writes the counts of the served models among
    ``models`` so far (with those of earlier sessions killed before recording theirs), so
    that a kill loses at most the requests since the last checkpoint."""
    served = [m for m in (served_model(x) for x in models) if m is not None]
    if not served:
        return
    carried, killed = _left_pending(store.get_run(run_id).config)
    followed = _Followed(uuid.uuid4().hex, carried, killed)
    for m in served:
        m.followed = followed
        with m._lock():  # the error window is this session's: an object reused after a
            m._outcomes.clear()  # run whose endpoint failed does not fail this one with it

    def pending() -> dict[str, Any]:
        return {
            "session": followed.token,
            "counts": _plus(_so_far(served), followed.carried),
            "killed": followed.killed,
        }

    store.ride(run_id, _PENDING, pending)
    timer = threading.Thread(
        target=_keep_writing,
        args=(store, run_id, followed, pending),
        name="assay-serving-counts",
        daemon=True,
    )
    timer.start()


def _keep_writing(store: RunStore, run_id: str, followed: _Followed, pending: Any) -> None:
    """Every ``EVERY`` seconds until the session ends, the session's counts written with
    the run when they changed (through this thread's own connection to the store), so a
    phase without checkpoints loses no more than a kill during the search does."""
    last = None
    while not followed.ended.wait(EVERY):
        with followed.lock:
            if followed.ended.is_set():
                return
            try:
                now = pending()
                if now["counts"] == last:
                    continue
                store.set_config(run_id, **{_PENDING: now})
            except Exception:  # (the store closed or gone: the checkpoints carry on alone)
                return
            last = now["counts"]


def _left_pending(config: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """The counts a session killed before recording them left (and how many sessions
    that is, itself included)."""
    entry = config.get(_PENDING)
    if not isinstance(entry, dict):
        return {}, 0
    return dict(entry.get("counts") or {}), int(entry.get("killed") or 0) + 1


def _so_far(models: list[HttpModel]) -> dict[str, Any]:
    """The counts and seconds of ``models`` now, as one model's (``_merged``'s figures
    without the latencies: read at every checkpoint, under each model's lock)."""
    out: dict[str, Any] = dict.fromkeys(_ADDED, 0)
    busy, first, last = 0.0, None, None
    for m in models:
        with m._lock():
            st = _unrecorded(m)
            for key in ("requests", "answered", "retried", "failed", "unanswered"):
                out[key] += int(getattr(st, key))
            out["unit_attempts_lost"] = max(out["unit_attempts_lost"], st.lost_attempts)
            busy += st.busy
            if st.first is not None:
                first = st.first if first is None else min(first, st.first)
            if st.last is not None:
                last = st.last if last is None else max(last, st.last)
    span = max(last - first, 0.0) if first is not None and last is not None else 0.0
    return {**out, "busy_seconds": round(busy, 3), "wall_seconds": round(span, 3)}


def _plus(stats: dict[str, Any], more: dict[str, Any]) -> dict[str, Any]:
    """``stats`` with the counts and seconds of ``more`` added."""
    out = dict(stats)
    for key in _ADDED:
        out[key] = int(out.get(key, 0) or 0) + int(more.get(key, 0) or 0)
    for key in _SECONDS:
        out[key] = round(float(out.get(key, 0) or 0) + float(more.get(key, 0) or 0), 3)
    # (answers by status and the last errors of every session: a resumed run said only its
    # last session's, the 503s that stopped the first gone)
    statuses = dict(out.get("statuses") or {})
    for code, count in (more.get("statuses") or {}).items():
        statuses[code] = int(statuses.get(code, 0) or 0) + int(count or 0)
    if statuses:
        out["statuses"] = statuses
    errors = [*(more.get("errors") or []), *(out.get("errors") or [])]
    if errors:
        out["errors"] = sorted(errors, key=_when)[-20:]
    return out


def _when(error: Any) -> float:
    """When a recorded error happened (0: it does not say)."""
    try:
        return float(error.get("time") or 0)
    except (AttributeError, TypeError, ValueError):
        return 0.0


def _record(store: RunStore, run_id: str, models: list[HttpModel]) -> dict[str, Any]:
    stats = _merged(models)
    stats["endpoint"] = ", ".join(dict.fromkeys(m.shown for m in models))
    stats["protocol"] = ", ".join(dict.fromkeys(m.codec.name for m in models))
    record = store.get_run(run_id)
    summary = dict(record.summary or {})
    # (the sessions recorded before: kept in the config, which checkpoints leave alone; a
    # resumed session's first checkpoint wrote a summary without them, and a run stopped
    # as unavailable after 134 requests and resumed said 128, its 104 503s gone)
    before = record.config.get(_RECORDED) or summary.get("serving") or {}
    followed = getattr(models[0], "followed", None)
    if isinstance(followed, _Followed):
        followed.end()  # (the timer's writes over before the counts are recorded)
        carried, killed = followed.carried, followed.killed
        followed.carried, followed.killed = {}, 0  # (recorded now: never twice)
    else:  # (a session not followed: what a killed one left, all the same)
        carried, killed = _left_pending(record.config)
    stats = _plus(_plus(stats, before), carried)
    stats["sessions_killed"] = int(before.get("sessions_killed") or 0) + killed
    wall = stats["wall_seconds"]
    stats["requests_per_second"] = round(stats["answered"] / wall, 3) if wall > 0 else None
    summary["serving"] = stats
    sections = [s for s in summary.get("sections") or [] if s.get("title") != _TITLE]
    sections.append(_section(stats))
    summary["sections"] = sections
    metrics = dict(summary.get("metrics") or {})
    metrics["requests retried"] = stats["retried"]
    metrics["requests failed"] = stats["failed"]
    summary["metrics"] = metrics
    # the counts recorded and the pending ones cleared in one transaction (a kill between
    # the two would count a session twice); then no longer written
    store.ride(run_id, _PENDING, lambda: None)
    store.ride(run_id, _RECORDED, lambda: stats)
    store.checkpoint(run_id, summary=summary)
    store.ride(run_id, _PENDING, None)
    store.ride(run_id, _RECORDED, None)
    for m in models:  # (what a later run of the same model object counts starts here)
        with m._lock():
            m.recorded = {**m.stats.mark(), "lost_attempts": m.stats.lost_attempts}
            m.stats.first = None
    return stats
