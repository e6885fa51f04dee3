"""mutation43: a served model's failing streak (``models.http_streak``) and what loading's
``--max-time`` says of it (``core.refusals``), rule by rule, on a made-up clock.

The forty-first session's tests ran servers and waited seconds of real time, and passed
mutants under which the streak's start moved with each attempt, its attempts were never
counted, a dropped connection counted as a refused one, a wait asked for once was kept
through the attempts after it, or the "most of the run" and "attempts in a row" rules were
each dropped or swapped: an exit 3 ("the endpoint stopped answering", resumable) for a run
that ended by its budget, or an exit 2 "raise --max-time" for an endpoint refusing."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from assay.core import refusals
from assay.errors import ModelUnavailable
from assay.models import http_streak
from assay.models.http_streak import (
    answered,
    attempt_failed,
    gone,
    refusal_since,
    refusing,
    streak_state,
    take_streak,
)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now

    def time(self) -> float:  # (wall time: the same clock, another origin)
        return self.now + 5e8


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    c = Clock()
    monkeypatch.setattr(http_streak, "time", c)
    return c


def _model(first: float | None = None, answered_n: int = 0) -> Any:
    return SimpleNamespace(
        failing=None,
        failed_attempts=0,
        refused_run=None,
        asked_wait=None,
        shown="http://h/p",
        _scrub=lambda s: s,
        stats=SimpleNamespace(first=first, answered=answered_n),
    )


def test_a_streak_starts_at_its_first_attempt_and_counts_the_rest(clock: Clock) -> None:
    m = _model()
    attempt_failed(m, "status 429", refused=False, wait=30.0)
    clock.now += 10
    attempt_failed(m, "status 503", refused=False, wait=None)
    assert m.failing == (1000.0, "status 503")
    assert m.failed_attempts == 2
    assert m.refused_run is None  # (failures, no refused connection)
    assert m.asked_wait is None  # (the last attempt asked no wait)


def test_refused_connections_are_counted_since_the_first_in_a_row(clock: Clock) -> None:
    m = _model()
    attempt_failed(m, "refused", refused=True, wait=None)
    clock.now += 5
    attempt_failed(m, "refused", refused=True, wait=None)
    assert m.refused_run == (1000.0, 2)
    attempt_failed(m, "dropped", refused=False, wait=None)
    assert m.refused_run is None


def test_an_answer_ends_every_part_of_the_streak(clock: Clock) -> None:
    m = _model()
    attempt_failed(m, "refused", refused=True, wait=4.0)
    answered(m)
    assert (m.failing, m.failed_attempts, m.refused_run, m.asked_wait) == (None, 0, None, None)


def _failing(clock: Clock, seconds: float, attempts: int, run: float, wait: Any = None) -> Any:
    """A model asked since ``run`` seconds ago, failing the last ``seconds`` in ``attempts``."""
    m = _model(first=clock.time() - run)
    m.failing = (clock.now - seconds, "status 429")
    m.failed_attempts = attempts
    m.asked_wait = wait
    return m


def test_a_streak_is_the_endpoint_refusing_by_its_attempts_or_its_share(clock: Clock) -> None:
    # a blip: under FAILING_SECONDS, whatever the attempts
    assert refusing(_failing(clock, 4, 10, 5)) is None
    # one wait late in a long run: a budget stop
    assert refusing(_failing(clock, 6, 1, 100)) is None
    assert refusing(_failing(clock, 6, 2, 100)) is None
    # three attempts in a row failed: refusing, whatever the share
    said = refusing(_failing(clock, 6, 3, 100, wait=30.0))
    assert said is not None and "6 s failed (3 attempts in a row)" in said
    assert "asking to retry after 30 s (Retry-After)" in said
    # one long wait holding most of the run: refusing
    said = refusing(_failing(clock, 60, 1, 100))
    assert said is not None and "(1 attempt)" in said


def test_a_streak_begun_before_loading_is_not_loadings(clock: Clock) -> None:
    m = _failing(clock, 20, 3, 100)
    assert refusal_since(m, clock.now - 10) is None
    got = refusal_since(m, clock.now - 30)
    assert got is not None and got[0] is True


def test_a_never_answered_endpoint_refuses_after_two_attempts_or_a_wait(clock: Clock) -> None:
    never = _failing(clock, 1, 1, 1)
    assert refusal_since(never, 0.0) == (False, refusal_since(never, 0.0)[1])  # type: ignore[index]
    never.failed_attempts = 2
    assert refusal_since(never, 0.0)[0] is True  # type: ignore[index]
    waited = _failing(clock, 1, 1, 1, wait=20.0)
    assert refusal_since(waited, 0.0)[0] is True  # type: ignore[index]
    # after answers, two attempts and a wait of a second are a late wait: the budget's
    late = _failing(clock, 1, 2, 100, wait=20.0)
    late.stats.answered = 5
    assert refusal_since(late, 0.0)[0] is False  # type: ignore[index]
    # after answers, a streak that is the endpoint refusing (three attempts over 5 s)
    refusing_late = _failing(clock, 6, 3, 100)
    refusing_late.stats.answered = 5
    assert refusal_since(refusing_late, 0.0)[0] is True  # type: ignore[index]


def _refused(clock: Clock, seconds: float, attempts: int) -> Any:
    m = _model()
    m.failing = (clock.now - seconds, "connection failed: refused")
    m.refused_run = (clock.now - seconds, attempts)
    return m


def test_a_server_gone_is_two_requests_attempts_over_ten_seconds(clock: Clock) -> None:
    gone(_refused(clock, 20, 7), retries=3)  # (one request's 4 attempts and 3 more: not yet)
    gone(_refused(clock, 9, 8), retries=3)  # (two requests' attempts in 9 s: not yet)
    gone(_refused(clock, 0, 100), retries=3)
    with pytest.raises(ModelUnavailable, match=r"every connection of the last 10 s was refused"):
        gone(_refused(clock, 10, 8), retries=3)


def test_a_workers_streak_reaches_the_client_as_it_was(clock: Clock) -> None:
    worker = _failing(clock, 12, 4, 100, wait=7.0)
    state = streak_state(worker)
    clock.now += 3  # (the unit's counts travel back)
    client = _model()
    client.refused_run = (0.0, 9)
    take_streak(client, state)
    assert client.failing == (clock.now - 15, "status 429")
    assert (client.failed_attempts, client.asked_wait, client.refused_run) == (4, 7.0, None)
    take_streak(client, None)  # (the next unit answered)
    assert (client.failing, client.failed_attempts, client.asked_wait) == (None, 0, None)


class _Watched:
    def __init__(self, said: tuple[bool, str] | None) -> None:
        self.said = said

    def refusal_since(self, started: float) -> tuple[bool, str] | None:
        return self.said


def test_loading_hears_of_the_refusing_endpoint_first(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(refusals, "_WATCHED", refusals.weakref.WeakSet())
    a, b, c = _Watched((False, "a late wait")), _Watched((True, "refusing")), _Watched(None)
    for m in (a, b, c):
        refusals.watch(m)
    assert refusals.refused_since(0.0) == (True, "refusing")


def _dropping_server() -> tuple[str, Any]:
    """A server that accepts each connection and closes it at once (a dropped one)."""
    import socket
    import threading

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    sock.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
            except OSError:
                continue
            conn.close()

    threading.Thread(target=serve, daemon=True).start()

    def close() -> None:
        stop.set()
        sock.close()

    return f"http://127.0.0.1:{sock.getsockname()[1]}/predict", close


def _closed_port() -> str:
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return f"http://127.0.0.1:{port}/predict"


def test_only_a_refused_connection_counts_toward_a_server_gone() -> None:
    """A connection the server accepted and dropped is a failure, not a refused one (HT4:
    every connection failure taken as refused; ten seconds of a server dropping requests,
    busy, would be said "gone or not listening")."""
    import numpy as np

    from assay.core.model import Capabilities
    from assay.models.http import HttpModel

    caps = Capabilities(modality="tabular", n_classes=2, outputs="proba")
    url, close = _dropping_server()
    dropped = HttpModel(url, capabilities=caps, retries=1, backoff=0.0)
    try:
        with pytest.raises(Exception):  # noqa: B017  (whichever: the state is the test)
            dropped.predict(np.zeros((2, 3)))
        assert dropped.failing is not None and dropped.refused_run is None
    finally:
        dropped.close()
        close()
    refused = HttpModel(_closed_port(), capabilities=caps, retries=1, backoff=0.0)
    try:
        with pytest.raises(Exception):  # noqa: B017
            refused.predict(np.zeros((2, 3)))
        assert refused.refused_run is not None and refused.refused_run[1] >= 2
    finally:
        refused.close()
