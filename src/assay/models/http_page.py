"""A 200 answer that is a whole web page, not the model's JSON.

A body that is not JSON was retried as one cut on the way.  A login portal in front of the
model (a session that expired mid-run, single sign-on) answers 200 with its HTML page, whole,
on every attempt: the run retried it until ``--call-timeout`` (60 s by default) and stopped
as the endpoint "stopped answering ... unreadable JSON" (hostile51).  A page declared
``text/html`` is the server's whole answer, and another attempt meets the same page.  So is
a page declared ``application/json`` (or with no type: portals and frameworks send their
error pages so), told by its markup: a body that begins with ``<!doctype html`` or
``<html`` is no JSON cut on the way, whose first byte is ``{`` or ``[`` (hostile51b), and
nor is one that begins with an HTML element, a fragment (``<div>``, ``<h1>``: left52).  The
readiness and metadata GETs (Open Inference Protocol, MLflow, KServe) are read by the same
rule: a page answered there said "no metadata ...: status 200"."""

from __future__ import annotations

import re

import httpx

__all__ = ["html_page", "looks_like_page"]

_PAGE_TYPES = ("text/html", "application/xhtml+xml")
_PAGE_STARTS = (b"<!doctype html", b"<html")


def looks_like_page(data: bytes) -> bool:
    """Whether ``data`` begins as an HTML document (after a byte-order mark, white space,
    an XML declaration or comments)."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(_PAGE_STARTS):
        return True
    if head.startswith((b"<?xml", b"<!--")):
        return any(start in head for start in _PAGE_STARTS)
    return _fragment(head)


_TAG = re.compile(rb"<([a-z][a-z0-9]*)[\s>/]")
# the elements an error page's fragment begins with (a proxy's "<h1>502 Bad Gateway</h1>", a
# framework's "<div>Session expired</div>"): a body so begun is markup whole, never JSON cut on
# the way (whose first byte is "{" or "["); another element (XML's) is not read so
_HTML_TAGS = frozenset(
    b"a b body br center div em form h1 h2 h3 h4 h5 h6 head hr i img link meta noscript p "
    b"pre script span strong style table title ul".split()
)


def _fragment(head: bytes) -> bool:
    """Whether ``head`` (lowered, stripped) begins with an HTML element: a page's fragment
    without ``<!doctype html>`` or ``<html>``."""
    tag = _TAG.match(head)
    return tag is not None and tag.group(1) in _HTML_TAGS


def html_page(
    status: int, headers: httpx.Headers, shown: str, body: str, data: bytes = b"", asked: str = ""
) -> str | None:
    """The refusal of a 200 answer that is an HTML page: its ``Content-Type`` says so, or
    its bytes (``data``) begin as one (``body``: its excerpt, scrubbed; ``asked``: the path
    of a readiness or metadata GET, "" for a batch's POST), or None (any other answer: read,
    or retried as before)."""
    kind = headers.get("content-type", "").split(";")[0].strip().lower()
    if status != 200:
        return None
    if kind in _PAGE_TYPES:
        what = kind
    elif looks_like_page(data):
        what = f"HTML, though declared {kind}" if kind else "HTML, with no Content-Type"
    else:
        return None
    where = f" {asked}" if asked else ""
    return (
        f"the endpoint {shown} answered{where} status 200 with a web page ({what}), not JSON: "
        "something in front of the model answers (a login page, a proxy's or a portal's), "
        f"and another attempt meets the same page; body starts: {body}; give the address "
        "the model is served at as MODEL, and a login in front of it a credential with "
        "--header-env"
    )
