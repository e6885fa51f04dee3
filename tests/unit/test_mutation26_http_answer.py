"""A served answer read with bounds (mutation26): the size cap grows with the batch (a large
batch's long answers are read whole, one input's flood is stopped), a relative redirect is
said as the absolute address, and Retry-After as a number or a date on a 429 or a 503."""

from __future__ import annotations

import time
from email.utils import formatdate

import httpx
import pytest

from assay.models.http_answer import (
    Answer,
    AnswerTooLarge,
    answer_limit,
    asked_wait,
    read_answer,
    redirect_target,
)

BIG = b"x" * (20 * 1024 * 1024)  # 20 MB: over the base cap, within a large batch's


def _read(n: int) -> Answer:
    client = httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(200, content=BIG)))
    with client:
        return read_answer(
            client, "http://m/predict", body=b"{}", headers={}, timeout=30.0, limit=answer_limit(n)
        )


def test_a_large_batchs_long_answer_is_read_and_one_inputs_flood_is_stopped() -> None:
    assert len(_read(1000).content) == len(BIG)
    with pytest.raises(AnswerTooLarge) as got:
        _read(1)
    assert got.value.limit == answer_limit(1) and len(got.value.head) <= 4096
    assert answer_limit(0) == answer_limit(1) < answer_limit(2)


def _answer(status: int, **headers: str) -> Answer:
    return Answer(status, httpx.Headers(headers), b"")


def test_a_redirect_is_said_as_an_absolute_address() -> None:
    url = "https://models.example/v1/predict"
    assert redirect_target(_answer(307, Location="/v2/predict"), url) == (
        "https://models.example/v2/predict"
    )
    assert redirect_target(_answer(301), url) == ""
    assert redirect_target(_answer(200, Location="/v2"), url) is None


def test_retry_after_as_seconds_or_a_date_on_a_429_or_a_503() -> None:
    assert asked_wait(_answer(429, **{"Retry-After": "120"})) == 120.0
    assert asked_wait(_answer(503, **{"Retry-After": "7"})) == 7.0
    assert asked_wait(_answer(503, **{"Retry-After": "-5"})) == 0.0
    assert asked_wait(_answer(500, **{"Retry-After": "7"})) is None
    assert asked_wait(_answer(429)) is None
    later = asked_wait(_answer(503, **{"Retry-After": formatdate(time.time() + 600, usegmt=True)}))
    assert later is not None and 590 <= later <= 601
    past = formatdate(time.time() - 600, usegmt=True)
    assert asked_wait(_answer(429, **{"Retry-After": past})) == 0.0
    assert asked_wait(_answer(429, **{"Retry-After": "soon"})) is None
