"""left43s: a proxy answering 502 Bad Gateway on every request is said as a server gone.

A proxy whose model server is down answers ``502`` at once (nginx: "connect() failed ...
while connecting to upstream"): each request failed after its retries and was sent again
until the model call neared ``--call-timeout`` (here 40 s; 60 s at the default), where a
refused connection is said in 10 s (left42s's ``http_streak.gone``).  A 502 without
``Retry-After`` is now counted as a refused connection; a 503 (an overload, a restart) is
still ridden out.
"""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler

import numpy as np
import pytest
from test_hostile25a_serving import CAPS, send_body, serve  # noqa: F401  (the fixture)
from test_serve42_serving import _scores

from assay.core.calls import WatchedCaller
from assay.errors import ModelUnavailable
from assay.models.http import HttpModel


def test_a_wall_of_bad_gateways_is_a_server_gone_within_seconds(serve) -> None:  # noqa: F811
    def proxy(h: BaseHTTPRequestHandler, n: int, k: int) -> None:
        if k > 1:  # (its model server gone after the first request)
            send_body(h, 502, b"<html><center>502 Bad Gateway</center> nginx</html>")
        else:
            send_body(h, 200, json.dumps({"outputs": _scores(h)}).encode())

    model = HttpModel(serve(proxy), capabilities=CAPS, retries=1, backoff=0.5, max_error_rate=0.99)
    caller = WatchedCaller(call_timeout=40)
    try:
        model.predict(np.zeros((2, 3)))
        with pytest.raises(ModelUnavailable) as err:
            caller.submit(lambda: model.predict(np.zeros((2, 3)))).result()
    finally:
        caller.close()
        model.close()
    text = str(err.value)
    assert "answered 502 (Bad Gateway" in text and "behind it is gone" in text, text
    seconds = int(text.split("the last ")[1].split(" s")[0])
    assert 10 <= seconds < 30, text  # (``http_streak.GONE_SECONDS``: 10)
