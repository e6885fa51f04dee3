"""serve32: served models' requests that no answer came to, and http:// to a TLS port.

``http://`` given for a port that speaks TLS: the server reset each plain request (or, as
nginx and Go do, answered 400 "the plain HTTP request was sent to HTTPS port"), which was
retried four times as a flaky server, then "unavailable" (exit 3).  It is a usage error now,
said at once, naming the https:// address to give.
"""

from __future__ import annotations

import time
from http.server import BaseHTTPRequestHandler

import numpy as np
import pytest
from test_hostile25a_serving import CAPS, _json_answer, serve  # noqa: F401  (the fixture)
from test_serve31_serving import certificate, tls_server  # noqa: F401  (the fixtures)

from assay.errors import ModelUnavailable, UsageError
from assay.models.http import HttpModel


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
