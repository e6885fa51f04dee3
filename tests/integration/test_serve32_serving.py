"""serve32: served models' requests that no answer came to, and http:// to a TLS port.

``http://`` given for a port that speaks TLS: the server reset each plain request (or, as
nginx and Go do, answered 400 "the plain HTTP request was sent to HTTPS port"), which was
retried four times as a flaky server, then "unavailable" (exit 3).  It is a usage error now,
said at once, naming the https:// address to give.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from test_hostile25a_serving import CAPS, _json_answer, serve  # noqa: F401  (the fixture)
from test_serve31_serving import certificate, tls_server  # noqa: F401  (the fixtures)

import assay
from assay.core.store import RunStore
from assay.errors import ModelUnavailable, UsageError
from assay.models.http import HttpModel
from assay.models.serving import record_serving

ENV = {**os.environ, "PYTHONPATH": str(Path(assay.__file__).parents[1])}


def test_http_to_a_tls_port_is_a_usage_error_naming_https(
    tls_server: tuple[str, list[int]],  # noqa: F811
) -> None:
    url, posts = tls_server
    plain = url.replace("https://", "http://") + "?api_key=SEKRIT4242"
    model = HttpModel(plain, capabilities=CAPS, retries=3, backoff=0.5)
    t0 = time.monotonic()
    with pytest.raises(UsageError) as err:
        model.predict(np.zeros((2, 3)))
    text = str(err.value)
    assert "speaks TLS" in text and "https://127.0.0.1:" in text, text
    assert err.value.argument == "MODEL"
    assert "SEKRIT4242" not in text  # (the URL as shown: its secret masked)
    assert model.stats.retried == 0 and time.monotonic() - t0 < 5  # (no backoff)
    assert posts[0] == 0
    model.close()


def test_a_400_saying_https_is_a_usage_error_naming_https(serve) -> None:  # noqa: F811
    def nginx(h: BaseHTTPRequestHandler, n: int, k: int) -> None:
        body = b"<html><center>The plain HTTP request was sent to HTTPS port</center></html>"
        h.send_response(400)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    model = HttpModel(serve(nginx), capabilities=CAPS, retries=2, backoff=0.2)
    with pytest.raises(UsageError, match=r"speaks TLS, not plain HTTP; give .* as https://"):
        model.predict(np.zeros((2, 3)))
    model.close()


def test_a_plain_server_cutting_connections_is_still_retried(serve) -> None:  # noqa: F811
    """The guard: a reset from a plain HTTP server (no TLS handshake on its port) is the
    flaky server it was, retried, then unavailable."""

    def cut(h: BaseHTTPRequestHandler, n: int, k: int) -> None:
        h.close_connection = True  # (no answer at all: "disconnected without a response")

    model = HttpModel(serve(cut), capabilities=CAPS, retries=1, backoff=0.05, error_window=1)
    with pytest.raises(ModelUnavailable, match="unavailable"):
        model.predict(np.zeros((2, 3)))
    assert model.stats.retried == 1
    model.close()


# -- requests no answer came to, and a killed session's requests ------------------------


def test_requests_that_got_no_answer_are_counted_and_reported(
    serve,  # noqa: F811
    tmp_path: Path,
) -> None:
    """Every third request is answered after the timeout: each is a request sent that no
    answer came to, retried; they were in no figure (the statuses count answers only)."""

    def late(h: BaseHTTPRequestHandler, n: int, k: int) -> None:
        if k % 3 == 0:
            time.sleep(0.6)
        _json_answer(h, n)

    model = HttpModel(serve(late), capabilities=CAPS, timeout=0.3, retries=2, backoff=0.01)
    for _ in range(4):
        model.predict(np.zeros((2, 3)))
    stats = model.stats
    assert stats.unanswered >= 1
    assert stats.requests == stats.answered + stats.unanswered
    assert stats.retried == stats.unanswered  # (each retried, none failed)
    store = RunStore(tmp_path / "s.db")
    store.create_run(
        run_id="fairness-u", technique="fairness", seed=1, command="x", config={}, model={},
        versions={},
    )  # fmt: skip
    store.checkpoint("fairness-u", summary={"headline": "x"})
    said = record_serving(store, "fairness-u", model)
    assert said is not None and said["unanswered"] == stats.unanswered
    summary = store.get_run("fairness-u").summary
    (section,) = [s for s in summary["sections"] if s["title"] == "Serving"]
    rows = dict(map(tuple, section["table"]["rows"]))
    assert rows[next(k for k in rows if k.startswith("requests that got no answer"))] == (
        stats.unanswered
    )
    model.close()
    store.close()


def _scored(h: BaseHTTPRequestHandler, n: int, k: int) -> None:
    """A deterministic answer of each row (a hash of it), a little slow."""
    rows = json.loads(h._body)["inputs"]  # type: ignore[attr-defined]
    time.sleep(0.03)
    out = []
    for row in rows:
        p = int(hashlib.md5(json.dumps(row).encode()).hexdigest()[:4], 16) % 1000 / 1000
        out.append([1 - p, p])
    body = json.dumps({"outputs": out}).encode()
    h.send_response(200)
    h.send_header("Content-Type", "application/json")
    h.send_header("Content-Length", str(len(body)))
    h.end_headers()
    h.wfile.write(body)


def resumed_serving(folder: Path, run_id: str) -> dict[str, Any]:
    """``assay resume`` of the run in ``folder/s.db``, then its ``summary.serving``."""
    done = subprocess.run(
        [sys.executable, "-m", "assay", "resume", run_id, "--store", "s.db", "--quiet"],
        cwd=folder, env=ENV, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode in (0, 1), done.stderr
    store = RunStore(folder / "s.db", read_only=True)
    serving: dict[str, Any] = store.get_run(run_id).summary["serving"]
    store.close()
    return serving


def test_a_killed_session_s_requests_are_counted_after_its_resume(
    serve,  # noqa: F811
    tmp_path: Path,
) -> None:
    """A run killed (-9) after some requests, then resumed: its summary counted the resumed
    session's requests only (912 of the server's 970 in a scratch run).  Each checkpoint
    keeps the session's counts so far; the resume adds them and says a session was killed."""
    posts: list[int] = []

    def counted(h: BaseHTTPRequestHandler, n: int, k: int) -> None:
        posts.append(k)
        _scored(h, n, k)

    url = serve(counted)
    args = [sys.executable, "-m", "assay", "fairness", url, "--dataset", "adult",
            "--protected", "sex", "--max-queries", "6000", "--seed", "1", "--batch-size", "50",
            "--store", "s.db", "--no-determinism-check", "--quiet"]  # fmt: skip
    proc = subprocess.Popen(args, cwd=tmp_path, env=ENV, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while len(posts) < 200 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    proc.kill()
    proc.communicate()
    assert len(posts) >= 200, "the run did not ask enough before its kill"
    killed_at = len(posts)
    store = RunStore(tmp_path / "s.db", read_only=True)
    (record,) = store.list_runs(5)
    store.close()
    serving = resumed_serving(tmp_path, record.id)
    assert len(posts) > killed_at  # (the resume asked too)
    # every request the server saw, but those of the killed session's last seconds
    assert len(posts) - 100 <= serving["requests"] <= len(posts), (serving, len(posts))
    assert serving["sessions_killed"] == 1
