"""A 200 answer that is a whole web page, not the model's JSON.

A body that is not JSON was retried as one cut on the way.  A login portal in front of the
model (a session that expired mid-run, single sign-on) answers 200 with its HTML page, whole,
on every attempt: the run retried it until ``--call-timeout`` (60 s by default) and stopped
as the endpoint "stopped answering ... unreadable JSON" (hostile51).  A page declared
``text/html`` is the server's whole answer, and another attempt meets the same page."""

from __future__ import annotations

import httpx

__all__ = ["html_page"]


def html_page(status: int, headers: httpx.Headers, shown: str, body: str) -> str | None:
    """The refusal of a 200 answer whose ``Content-Type`` is an HTML page (``body``: its
    excerpt, scrubbed), or None (any other answer: read, or retried as before)."""
    kind = headers.get("content-type", "").split(";")[0].strip().lower()
    if status != 200 or kind not in ("text/html", "application/xhtml+xml"):
        return None
    return (
        f"the endpoint {shown} answered status 200 with a web page ({kind}), not JSON: "
        "something in front of the model answers (a login page, a proxy's or a portal's), "
        f"and another attempt meets the same page; body starts: {body}; give the address "
        "the model is served at as MODEL, and a login in front of it a credential with "
        "--header-env"
    )
