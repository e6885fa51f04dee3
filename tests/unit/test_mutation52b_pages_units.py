"""left52's readings at their edges: a count of tokens or a percentage below the batch is no
batch size (``http_hints``), and a body is a page's fragment only when it begins with an HTML
element, not when one is quoted inside JSON (``http_page``) (mutation52b: B2, B5, G2 survived
main's tests, whose token count was above the batch and whose JSON held no markup)."""

from __future__ import annotations

import pytest

from assay.models.http_hints import smaller_size
from assay.models.http_page import looks_like_page


@pytest.mark.parametrize(
    "words",
    [
        "at most 100 tokens per request",
        "maximum of 64 tokens",
        "cpu limit is 90%",
        "at most 50 % of the quota",
    ],
)
def test_a_count_of_tokens_or_a_share_below_the_batch_is_no_batch_size(words: str) -> None:
    assert smaller_size(words, 128) == 64


def test_a_count_of_inputs_below_the_batch_is_still_read() -> None:
    assert smaller_size("at most 100 inputs per request", 128) == 100


@pytest.mark.parametrize(
    "body",
    [
        b'{"error": "<b>bad</b> input"}',
        b'{"message": "see <div>',
        b'[{"html": "<h1>x</h1>"}]',
        b"  <Error><p>a JSON cut on the way is never this</p></Error>",
    ],
)
def test_markup_not_at_the_start_is_no_page(body: bytes) -> None:
    assert not looks_like_page(body)


def test_a_fragment_at_the_start_is_a_page() -> None:
    assert looks_like_page(b"\n <div class='err'>Session expired</div>")
    assert looks_like_page(b"<h1>502 Bad Gateway</h1>")
