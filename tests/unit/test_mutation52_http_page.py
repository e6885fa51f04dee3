"""A 200 answer that is a whole web page (``models.http_page``, hostile51, hostile51b), at the
functions: only a 200 is one, XHTML is a page, a page is told by its markup after a mark,
white space, an XML declaration or a comment, a type with parameters is read by its media
type, and the words say what the page was declared as and which GET answered it (mutation52)."""

from __future__ import annotations

import httpx

from assay.models.http_page import html_page, looks_like_page

PAGE = b"<!DOCTYPE html><html><body>Sign in</body></html>"


def _page(status: int, kind: str | None, data: bytes = PAGE, asked: str = "") -> str | None:
    headers = httpx.Headers({} if kind is None else {"content-type": kind})
    return html_page(status, headers, "http://h/p", "<!DOCTYPE html>...", data, asked)


def test_only_a_200_page_is_refused_as_a_page() -> None:
    assert _page(200, "text/html") is not None
    for status in (401, 500, 503):
        assert _page(status, "text/html") is None
        assert _page(status, None) is None


def test_a_page_is_told_by_its_declared_type_with_parameters() -> None:
    said = _page(200, "text/html; charset=utf-8", b"not json")
    assert said is not None and "with a web page (text/html), not JSON" in said
    xhtml = _page(200, "application/xhtml+xml", b"<x/>")
    assert xhtml is not None and "(application/xhtml+xml)" in xhtml
    assert _page(200, "application/json", b"{cut") is None


def test_a_page_is_told_by_its_markup_and_said_as_declared() -> None:
    undeclared = _page(200, None)
    assert undeclared is not None and "(HTML, with no Content-Type)" in undeclared
    declared = _page(200, "application/json")
    assert declared is not None and "(HTML, though declared application/json)" in declared


def test_the_markup_after_a_mark_space_a_declaration_or_a_comment() -> None:
    assert looks_like_page(b"\xef\xbb\xbf\r\n  <!doctype html><html>")
    assert looks_like_page(b'<?xml version="1.0"?>\n<html xmlns="x">')
    assert looks_like_page(b"<!-- portal -->\n<HTML>")
    assert not looks_like_page(b'<?xml version="1.0"?><error>busy</error>')
    assert not looks_like_page(b'{"outputs": [1]')


def test_the_get_that_answered_a_page_is_named() -> None:
    said = _page(200, "text/html", asked="/v2/health/ready")
    assert said is not None and "http://h/p answered /v2/health/ready status 200" in said
    post = _page(200, "text/html")
    assert post is not None and "http://h/p answered status 200 with a web page" in post
