"""Real HTTP servers on loopback for the serving tests.

``FaultServer``: a small threaded HTTP server (the standard library's) that answers a model's
predictions over a protocol (assay's JSON, or Open Inference Protocol v2) and injects faults
on a fixed schedule of request numbers: 500s, 429s with Retry-After, answers slower than the
client's timeout, dropped connections, and cut (unparseable) JSON.  It can be taken down and
brought back on the same port.

``server_venv``: a virtual environment of its own for a third-party server (MLServer, MLflow),
created once and cached (``ASSAY_SERVER_VENVS``, default ``~/.cache/assay-test-servers``),
so that its dependencies never meet assay's pins.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import numpy as np

Predict = Callable[[np.ndarray], np.ndarray]

FAULTS = ("500", "429", "slow", "drop", "garbage")


class FaultServer:
    """Serves ``predict`` over ``protocol`` ("json" or "oip"); ``faults`` maps a request
    number (1-based, POSTs only) to a fault name (a 429 asks ``retry_after`` seconds of
    wait).  ``token``: the Authorization header it
    requires; ``url_token``: the ``token=`` query parameter it requires (401 without)."""

    def __init__(
        self,
        predict: Predict,
        *,
        protocol: str = "json",
        faults: dict[int, str] | None = None,
        slow_seconds: float = 1.5,
        retry_after: str = "0",
        token: str | None = None,
        url_token: str | None = None,
        port: int = 0,
    ) -> None:
        self.predict = predict
        self.protocol = protocol
        self.faults = dict(faults or {})
        self.slow_seconds = slow_seconds
        self.retry_after = retry_after  # a 429's Retry-After
        self.token = token
        self.url_token = url_token
        self.posts = 0
        self.injected: dict[str, int] = dict.fromkeys(FAULTS, 0)
        self.headers_seen: list[str] = []
        self.lock = threading.Lock()
        self.port = port
        self.httpd: ThreadingHTTPServer | None = None
        self.down = False  # when set, open connections are dropped too
        self.thread: threading.Thread | None = None

    # -- lifecycle ------------------------------------------------------------------------
    def start(self) -> FaultServer:
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # headers and body go out in two writes: without this, Nagle's algorithm and the
            # client's delayed ACK hold every answer about 40 ms (real servers set it too)
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _send(self, status: int, payload: bytes, extra: dict[str, str] | None = None):
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                for k, v in (extra or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(payload)

            def do_GET(self) -> None:
                if self.path.endswith("/v2/health/ready"):
                    self._send(200, b"{}")
                elif "/v2/models/" in self.path:
                    meta = {
                        "name": "model",
                        "inputs": [{"name": "x", "datatype": "FP64", "shape": [-1, -1]}],
                        "outputs": [{"name": "proba", "datatype": "FP64", "shape": [-1, -1]}],
                    }
                    self._send(200, json.dumps(meta).encode())
                else:
                    self._send(404, b'{"error": "not found"}')

            def do_POST(self) -> None:
                size = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(size))
                outer.headers_seen.append(str(dict(self.headers)))
                with outer.lock:
                    outer.posts += 1
                    fault = outer.faults.get(outer.posts)
                    if fault:
                        outer.injected[fault] += 1
                if outer.down:
                    fault = "drop"
                if (
                    outer.token is not None and self.headers.get("Authorization") != outer.token
                ) or (outer.url_token is not None and f"token={outer.url_token}" not in self.path):
                    self._send(401, b'{"error": "unauthorised"}')
                    return
                if fault == "500":
                    self._send(500, b'{"error": "injected"}')
                    return
                if fault == "429":
                    self._send(429, b'{"error": "slow down"}', {"Retry-After": outer.retry_after})
                    return
                if fault == "drop":  # also when the server is down
                    self.close_connection = True
                    with contextlib.suppress(OSError):
                        self.connection.shutdown(socket.SHUT_RDWR)
                    return
                if fault == "slow":
                    time.sleep(outer.slow_seconds)
                answer = outer._answer(body)
                if fault == "garbage":
                    answer = answer[: len(answer) // 2]
                self._send(200, answer)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self.thread.start()
        return self

    def stop(self) -> None:
        self.down = True
        if self.httpd is not None:
            self.httpd.shutdown()
            self.httpd.server_close()
            self.httpd = None

    def __enter__(self) -> FaultServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        if self.protocol == "oip":
            return f"http://127.0.0.1:{self.port}/v2/models/model"
        return f"http://127.0.0.1:{self.port}/predict"

    # -- answers --------------------------------------------------------------------------
    def _answer(self, body: dict[str, Any]) -> bytes:
        if self.protocol == "oip":
            t = body["inputs"][0]
            x = np.asarray(t["data"], dtype=np.float64).reshape(t["shape"])
            y = np.asarray(self.predict(x), dtype=np.float64)
            out = {"name": "proba", "datatype": "FP64", "shape": list(y.shape)}
            out["data"] = y.ravel().tolist()
            return json.dumps({"model_name": "model", "outputs": [out]}).encode()
        raw = body["inputs"]
        # text models take their strings as they are; every other model numbers
        x = raw if raw and isinstance(raw[0], str) else np.asarray(raw, dtype=np.float64)
        return json.dumps({"outputs": np.asarray(self.predict(x)).tolist()}).encode()


def fault_schedule(n: int, *, every: int = 6, start: int = 3) -> dict[int, str]:
    """Every ``every``-th request from ``start`` gets the next fault, in turn."""
    return {r: FAULTS[i % len(FAULTS)] for i, r in enumerate(range(start, n, every))}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(url: str, seconds: float, proc: subprocess.Popen[bytes] | None = None) -> bool:
    import httpx

    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if proc is not None and proc.poll() is not None:
            return False
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=1).status_code == 200:
                return True
        time.sleep(0.3)
    return False


# -- third-party servers in their own virtual environments --------------------------------
VENVS = Path(os.environ.get("ASSAY_SERVER_VENVS", Path.home() / ".cache" / "assay-test-servers"))

# pinned; scikit-learn matches what assay's test environment trains with, so the served
# model and the local one are the same object
SERVER_REQUIREMENTS = {
    "mlserver": ["mlserver==1.7.1", "mlserver-sklearn==1.7.1"],
    "mlflow": ["mlflow-skinny==3.17.2", "pandas<3", "fastapi", "uvicorn"],
}


def server_venv(name: str, sklearn_version: str) -> Path | None:
    """The python of ``name``'s venv (created on first use, ~2 minutes); None if it cannot be
    installed here (the reason is in ``VENVS/name.log``)."""
    reqs = [*SERVER_REQUIREMENTS[name], f"scikit-learn=={sklearn_version}"]
    tag = "\n".join(reqs)
    venv = VENVS / name
    python = venv / "bin" / "python"
    stamp = venv / ".assay-requirements"
    if python.exists() and stamp.exists() and stamp.read_text() == tag:
        return python
    VENVS.mkdir(parents=True, exist_ok=True)
    log = VENVS / f"{name}.log"
    with log.open("w") as out:
        ok = python.exists() or (
            subprocess.run(
                [sys.executable, "-m", "venv", str(venv)], stdout=out, stderr=out
            ).returncode
            == 0
        )
        ok = (
            ok
            and subprocess.run(
                [str(python), "-m", "pip", "install", "--quiet", *reqs],
                stdout=out,
                stderr=out,
                timeout=900,
            ).returncode
            == 0
        )
    if not ok:
        return None
    stamp.write_text(tag)
    return python
