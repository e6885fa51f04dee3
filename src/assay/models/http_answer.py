"""One served answer read with bounds: its time, its size, and what its status asks.

``read_answer`` streams a POST's answer instead of reading it whole, so that

- ``--timeout`` bounds the whole answer, not each read: a server (or a proxy) that keeps a
  request open by sending a byte now and then never ended a read timeout, and the request
  waited for ``--call-timeout`` to call the model hung;
- an answer far larger than any answer to the batch (a debug dump, an echo of a huge
  request, a stream that never ends) stops at ``answer_limit(n)`` bytes, a ``ModelError``
  naming its size, instead of filling the client's memory (300 MB of whitespace per answer
  took 2.9 GB of resident memory).

``redirect_error`` and ``asked_wait`` read the status: assay does not follow redirects (a
header credential would go along to the other address), and says where the endpoint points;
a 429 or 503 whose ``Retry-After`` asks longer than assay waits is the server saying it is
not taking requests now, not a hang; so is one asking longer than the call has left before
``--call-timeout`` (``beyond_deadline``).
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin

import httpx

__all__ = [
    "MAX_RETRY_AFTER",
    "Answer",
    "AnswerTooLarge",
    "AnswerTooSlow",
    "answer_limit",
    "asked_wait",
    "beyond_deadline",
    "read_answer",
    "redirect_target",
]

MAX_RETRY_AFTER = 60.0  # the longest Retry-After honoured (seconds)
_BASE_LIMIT = 16 * 1024 * 1024  # bytes of an answer beyond what its inputs need
_PER_INPUT_LIMIT = 64 * 1024  # bytes an answer may take per input (a long explanation)
_REDIRECTS = (301, 302, 303, 307, 308)
# a Retry-After of seconds (a fraction too; a negative one: at once)
_SECONDS = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


@dataclass(frozen=True)
class Answer:
    """A whole answer: its status, headers and body."""

    status: int
    headers: httpx.Headers
    content: bytes


class AnswerTooLarge(Exception):
    """The answer passed ``answer_limit`` bytes: its status and the bytes read so far."""

    def __init__(self, status: int, limit: int, head: bytes) -> None:
        super().__init__(f"status {status}, over {limit:,} bytes")
        self.status = status
        self.limit = limit
        self.head = head


class AnswerTooSlow(Exception):
    """The answer was still arriving when the timeout passed."""

    def __init__(self, status: int, received: int) -> None:
        super().__init__(f"status {status}, {received:,} bytes received")
        self.status = status
        self.received = received


def answer_limit(n: int) -> int:
    """The most bytes an answer to ``n`` inputs may take (a readiness or metadata check's:
    ``answer_limit(0)``)."""
    return _BASE_LIMIT + max(n, 1) * _PER_INPUT_LIMIT


def read_answer(
    client: httpx.Client,
    url: str,
    *,
    body: bytes | None,
    headers: Mapping[str, str],
    timeout: float,
    limit: int,
) -> Answer:
    """POST ``body`` (None: a GET, the readiness and metadata checks) and read the answer
    within ``timeout`` seconds in all and ``limit`` bytes (``AnswerTooSlow``,
    ``AnswerTooLarge``; httpx's own errors as they come)."""
    deadline = time.monotonic() + timeout
    method = "GET" if body is None else "POST"
    with client.stream(method, url, content=body, headers=headers) as response:
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                raise AnswerTooLarge(response.status_code, limit, b"".join(chunks)[:4096])
            if time.monotonic() > deadline:
                raise AnswerTooSlow(response.status_code, size)
        return Answer(response.status_code, response.headers, b"".join(chunks))


def redirect_target(response: Answer, url: str) -> str | None:
    """Where a redirect points (absolute; "" when it does not say), or None for any other
    answer."""
    if response.status not in _REDIRECTS:
        return None
    location = response.headers.get("Location")
    return urljoin(url, location) if location else ""


def asked_wait(response: Answer) -> float | None:
    """The seconds a 429's or 503's ``Retry-After`` asks for (a number or a date), or None
    (none, or one of neither form: the usual backoff)."""
    if response.status not in (429, 503):
        return None
    value = (response.headers.get("Retry-After") or "").strip()
    if not value:
        return None
    if _SECONDS.fullmatch(value):  # (RFC 9110: digits; ``float`` took "nan" and "inf"
        return max(float(value), 0.0)  # too: a NaN wait failed the run as the model's error)
    try:
        when = parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError):
        return None
    return max(when - time.time(), 0.0)


def beyond_deadline(shown: str, said: str, wait: float, got: tuple[float, float] | None) -> None:
    """A ``ModelUnavailable`` (exit 3, resumable) when the endpoint ``shown`` asked to be
    retried after ``wait`` seconds (``said``: its answer) and the call has less than that
    left before ``--call-timeout`` (``got``: (seconds left, the timeout), None: no
    deadline): waiting would end as a model that "may be hung", which it is not."""
    from assay.errors import ModelUnavailable

    if got is None or wait < got[0]:
        return
    left, timeout = got
    # (the call has spent ``timeout - left`` already: a timeout outliving the wait from
    # here, never the one in force: "--call-timeout 60" was advised under --call-timeout 60)
    longer = math.ceil(max(2 * wait, timeout - max(left, 0.0) + wait + 10))
    raise ModelUnavailable(
        f"the endpoint {shown} is not taking requests now: it answered {said}, asking to "
        f"retry after {wait:,.0f} s (Retry-After), longer than the call has left within "
        f"--call-timeout ({timeout:g} s; {max(left, 0.0):.0f} s left); give a --call-timeout "
        f"longer than that wait (--call-timeout {longer}; a stopped run: assay resume RUN_ID "
        f"--call-timeout {longer}), or run again later"
    )
