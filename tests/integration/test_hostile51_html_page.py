"""A 200 answer that is a whole HTML page (a login portal in front of the model, its session
expired mid-run) is refused at once, not retried until ``--call-timeout`` as a body cut on
the way (hostile51: 28 s under --call-timeout 15, 60 s by default, then "stopped answering
... unreadable JSON").  JSON declared as ``text/html`` is still read."""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler
from typing import Any

import numpy as np
import pytest
from test_hostile25a_serving import send_body, serve  # noqa: F401  (the fixture)

from assay.core.model import Capabilities
from assay.errors import ModelError, ModelUnavailable
from assay.models.http import HttpModel

pytestmark = pytest.mark.slow

CAPS = Capabilities(modality="tabular", n_classes=2, outputs="proba")
PAGE = b"<!doctype html><html><body><form action='/sso'>Sign in</form></body></html>"


def refused_at_once(start: Any, body: bytes, declared: str, match: str) -> tuple[str, HttpModel]:
    """The refusal of ``body`` answered 200 as ``declared`` by a server ``start`` (the
    ``serve`` fixture) made, asked once (no retry), and the model asked."""
    posts: list[int] = []

    def portal(h: BaseHTTPRequestHandler, n: int, k: int) -> None:
        posts.append(k)
        send_body(h, 200, body, **{"Content-Type": declared})

    model = HttpModel(start(portal), capabilities=CAPS, retries=3, backoff=0.01)
    with pytest.raises(ModelError, match=match) as got:
        model.predict(np.zeros((2, 3)))
    assert not isinstance(got.value, ModelUnavailable)
    assert len(posts) == 1  # (main: 4 attempts, then sent again until --call-timeout)
    return str(got.value), model


def test_a_login_page_answered_200_is_refused_at_once(serve) -> None:  # noqa: F811
    said, model = refused_at_once(
        serve, PAGE, "text/html; charset=utf-8", r"with a web page \(text/html\)"
    )
    assert "Sign in" in said and "--header-env" in said
    assert model.stats.failed == 1


def test_json_declared_as_html_is_still_read(serve) -> None:  # noqa: F811
    def mislabelled(h: BaseHTTPRequestHandler, n: int, k: int) -> None:
        body = json.dumps({"outputs": [[0.25, 0.75]] * n}).encode()
        send_body(h, 200, body, **{"Content-Type": "text/html"})

    model = HttpModel(serve(mislabelled), capabilities=CAPS, retries=0)
    assert model.predict(np.zeros((2, 3))).tolist() == [[0.25, 0.75]] * 2
