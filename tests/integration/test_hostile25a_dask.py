"""hostile25a: ``--scheduler`` pointing at something that is not a Dask scheduler.

A web server (the dashboard's port 8787 is the likely slip) accepts the connection and waits
for a request: the Dask client waited for its handshake for ever (5 minutes, then killed).
A service or proxy answering bytes of its own: the client read them as a message length and
asked numpy for 3 EiB (exit 5, "internal error").  Both are now a usage error naming
``--scheduler`` before a run exists.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import assay

pytest.importorskip("distributed")

Talk = Callable[[socket.socket], None]


@pytest.fixture
def listener() -> Iterator[Callable[[Talk], str]]:
    made: list[socket.socket] = []

    def start(talk: Talk) -> str:
        srv = socket.create_server(("127.0.0.1", 0))
        made.append(srv)

        def serve() -> None:
            while True:
                try:
                    conn, _ = srv.accept()
                except OSError:
                    return
                threading.Thread(target=talk, args=(conn,), daemon=True).start()

        threading.Thread(target=serve, daemon=True).start()
        return f"tcp://127.0.0.1:{srv.getsockname()[1]}"

    yield start
    for s in made:
        s.close()


def _silent(conn: socket.socket) -> None:  # a web server waiting for a request
    time.sleep(120)
    conn.close()


def _http_error(conn: socket.socket) -> None:  # a service that speaks first, not Dask
    conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
    time.sleep(5)
    conn.close()


def _assay(tmp_path: Path, scheduler: str) -> tuple[int, str, float]:
    env = {**os.environ, "PYTHONPATH": str(Path(assay.__file__).parents[1])}
    t0 = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "assay", "fairness", "--dataset", "adult", "--protected", "sex",
         "--max-queries", "500", "--seed", "1", "--store", str(tmp_path / "r.db"),
         "--executor", "dask", "--scheduler", scheduler],
        capture_output=True, text=True, env=env, timeout=120, cwd=tmp_path,
    )  # fmt: skip
    return done.returncode, done.stderr, time.monotonic() - t0


@pytest.mark.parametrize(
    ("talk", "said"),
    [
        (_silent, "it accepted the connection but said nothing within 10 s"),
        (_http_error, "it began its answer with b'HTTP/1.1', not a Dask message"),
    ],
)
def test_a_scheduler_address_of_another_service_is_a_usage_error(
    listener, tmp_path: Path, talk: Talk, said: str
) -> None:
    address = listener(talk)
    code, err, took = _assay(tmp_path, address)
    assert code == 2, err
    assert f"argument --scheduler: {address} is not a Dask scheduler: {said}" in err
    assert "8786" in err and "internal error" not in err
    assert took < 60
    assert not (tmp_path / "r.db").exists()  # refused before a run was made


def test_a_rate_limit_is_shared_among_the_workers_copies() -> None:
    """Each worker thread holds its own copy of a served model, and each copy its own
    limiter: ``--rate-limit 5`` on 2 workers sent up to 12 requests in a second."""
    import cloudpickle

    from assay.core.model import Capabilities
    from assay.execution.dask import _rate_shared
    from assay.models.checked import CheckedModel
    from assay.models.http import HttpModel

    caps = Capabilities(modality="tabular", n_classes=2, outputs="proba")
    served = HttpModel("http://127.0.0.1:9/predict", capabilities=caps, rate_limit=5.0)
    model = CheckedModel(served)
    blob = _rate_shared(model, 2)
    assert blob is not None
    sent = cloudpickle.loads(blob)
    assert sent.inner.rate_limit == 2.5  # each of the 2 copies: half
    assert served.rate_limit == 5.0  # the client's own is left as it was
    assert _rate_shared(model, 1) is None
    assert (
        _rate_shared(CheckedModel(HttpModel("http://127.0.0.1:9/p", capabilities=caps)), 4) is None
    )
