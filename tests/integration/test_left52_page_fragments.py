"""An HTML fragment answered 200 as JSON (a proxy's ``<h1>502 Bad Gateway</h1>``, a
framework's ``<div>Session expired</div>``: no ``<!doctype html>``, no ``<html>``) was
retried as a JSON body cut on the way until ``--call-timeout`` (hostile51b); it is markup
whole, refused at once like a page."""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler

import numpy as np
import pytest
from test_hostile25a_serving import send_body, serve  # noqa: F401  (the fixture)

from assay.core.model import Capabilities
from assay.errors import ModelError, ModelUnavailable
from assay.models.http import HttpModel
from assay.models.http_page import looks_like_page

pytestmark = pytest.mark.slow

CAPS = Capabilities(modality="tabular", n_classes=2, outputs="proba")


@pytest.mark.parametrize(
    "body", [b"<div class='err'>Session expired</div>", b"\n<h1>502 Bad Gateway</h1>"]
)
def test_a_fragment_declared_as_json_is_refused_at_once(serve, body: bytes) -> None:  # noqa: F811
    posts: list[int] = []

    def proxy(h: BaseHTTPRequestHandler, n: int, k: int) -> None:
        posts.append(k)
        send_body(h, 200, body, **{"Content-Type": "application/json"})

    model = HttpModel(serve(proxy), capabilities=CAPS, retries=3, backoff=0.01)
    with pytest.raises(ModelError, match=r"with a web page \(HTML, though declared") as got:
        model.predict(np.zeros((2, 3)))
    assert not isinstance(got.value, ModelUnavailable)
    assert len(posts) == 1  # (main: 4 attempts, then sent again until --call-timeout)


def test_other_markup_and_cut_json_are_no_page() -> None:
    assert not looks_like_page(b"<Error><Code>NoSuchKey</Code></Error>")  # (XML, not HTML)
    assert not looks_like_page(b'{"outputs": [[0.2')
    assert not looks_like_page(b"<divine>")
