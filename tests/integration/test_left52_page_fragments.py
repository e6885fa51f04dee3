"""An HTML fragment answered 200 as JSON (a proxy's ``<h1>502 Bad Gateway</h1>``, a
framework's ``<div>Session expired</div>``: no ``<!doctype html>``, no ``<html>``) was
retried as a JSON body cut on the way until ``--call-timeout`` (hostile51b); it is markup
whole, refused at once like a page."""

from __future__ import annotations

import pytest
from test_hostile25a_serving import serve  # noqa: F401  (the fixture)
from test_hostile51_html_page import refused_at_once

from assay.models.http_page import looks_like_page

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    "body", [b"<div class='err'>Session expired</div>", b"\n<h1>502 Bad Gateway</h1>"]
)
def test_a_fragment_declared_as_json_is_refused_at_once(serve, body: bytes) -> None:  # noqa: F811
    refused_at_once(serve, body, "application/json", r"with a web page \(HTML, though declared")


def test_other_markup_and_cut_json_are_no_page() -> None:
    assert not looks_like_page(b"<Error><Code>NoSuchKey</Code></Error>")  # (XML, not HTML)
    assert not looks_like_page(b'{"outputs": [[0.2')
    assert not looks_like_page(b"<divine>")
