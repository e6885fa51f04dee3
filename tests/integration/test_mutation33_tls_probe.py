"""The probe that tells an http:// address's TLS port from a flaky plain server
(``models/http_tls.plain_to_tls``), piece by piece (bench/RESULTS.md, mutation33's table:
mutants TL1, TL2, TL4, TL6, TL7, TL10 and UN2 survived ``test_serve32_serving.py``)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator

import httpx
import numpy as np
import pytest
from test_hostile25a_serving import CAPS
from test_serve31_serving import certificate, tls_server  # noqa: F401  (the fixtures)

from assay.errors import ModelUnavailable
from assay.models import http as http_module
from assay.models.http import HttpModel
from assay.models.http_tls import _handshakes, plain_to_tls

# a TLS record: an alert (21), version 3.3, 2 bytes: fatal (2), handshake_failure (40)
ALERT = bytes([21, 3, 3, 0, 2, 2, 40])


@pytest.fixture
def raw() -> Iterator[Callable[[bytes | None], int]]:
    """A port whose server reads what comes and answers ``said`` (None: closes at once,
    without a word) to every connection; the port."""
    servers: list[socket.socket] = []

    def start(said: bytes | None) -> int:
        server = socket.create_server(("127.0.0.1", 0))
        servers.append(server)

        def serve() -> None:
            while True:
                try:
                    conn, _ = server.accept()
                except OSError:
                    return
                with conn:
                    conn.settimeout(2)
                    try:
                        conn.recv(65536)
                        if said is not None:
                            conn.sendall(said)
                    except OSError:
                        pass

        threading.Thread(target=serve, daemon=True).start()
        return int(server.getsockname()[1])

    yield start
    for s in servers:
        s.close()


def test_a_tls_alert_is_tls_all_the_same(raw: Callable[[bytes | None], int]) -> None:
    """A TLS server refusing our handshake (an alert: no cipher in common, a client
    certificate required) speaks TLS (mutant TL6: not)."""
    assert _handshakes("127.0.0.1", raw(ALERT), 2.0)


def test_a_server_closing_without_a_word_is_no_tls(raw: Callable[[bytes | None], int]) -> None:
    """A plain server that reads the hello and closes is no TLS port (mutant TL7: it was,
    and a flaky plain server was told to use https://)."""
    assert not _handshakes("127.0.0.1", raw(None), 2.0)
    assert not _handshakes("127.0.0.1", raw(b"HTTP/1.1 400 Bad Request\r\n\r\n"), 2.0)


def test_only_http_addresses_are_probed_and_port_80_is_their_default() -> None:
    """(mutants TL1: an https:// address said to speak TLS; TL4: port 443 named)"""
    said = plain_to_tls(None, "http://models.example/predict", "http://models.example/predict", 1)
    assert said is not None and "models.example:80 speaks TLS" in said
    assert "https://models.example/predict" in said
    assert plain_to_tls(None, "https://models.example/x", "https://models.example/x", 1) is None


def test_a_failure_that_is_no_reset_is_not_probed(
    tls_server: tuple[str, list[int]],  # noqa: F811
) -> None:
    """A timeout or a refused connection is no TLS server's answer to a plain request:
    the port is not probed (mutant TL2: a timed-out request to a TLS port named it)."""
    url = tls_server[0].replace("https://", "http://")
    assert plain_to_tls(httpx.ConnectTimeout("slow"), url, url, 2.0) is None
    cut = httpx.ReadError("reset")
    assert plain_to_tls(cut, url, url, 2.0) is not None  # (the guard: a reset is probed)


def test_a_plain_server_cutting_connections_is_probed_once(
    raw: Callable[[bytes | None], int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each retry met the same cut; the port is probed for TLS once per model (mutant TL10:
    once per failed request, a handshake each)."""
    probed: list[str] = []

    def counted(exc: BaseException | None, url: str, shown: str, timeout: float) -> str | None:
        probed.append(url)
        return plain_to_tls(exc, url, shown, timeout)

    monkeypatch.setattr(http_module, "plain_to_tls", counted)
    port = raw(None)
    model = HttpModel(
        f"http://127.0.0.1:{port}/", capabilities=CAPS, retries=3, backoff=0.01, error_window=1
    )
    with pytest.raises(ModelUnavailable):
        model.predict(np.zeros((2, 3)))
    assert model.stats.retried == 3
    assert len(probed) == 1
    # each request cut is one that got no answer (mutant UN2: only timeouts were counted)
    assert model.stats.unanswered == model.stats.requests == 4
    model.close()
