"""A refusal's numbers with a unit count bytes, time or tokens, not inputs: "body 120 KB > 100
KB" for a request of 128 inputs was read as the limit 100 and advised --batch-size 100 (a
size that may well be refused again), "a limit of 1 MB" as --batch-size 1 (left51's
leftover).  Such numbers are no batch size: half the batch is advised, as for any refusal
naming no limit; counts of inputs are read as before."""

from __future__ import annotations

import pytest

from assay.models.http_hints import size_hint, smaller_size


@pytest.mark.parametrize(
    "words",
    [
        "body 120 KB > 100 KB",
        "request body size 120 > 100 KB",
        "elapsed 900 > 100 ms",
        "payload 1.5 MB > 1 MB",
        "request body limit is 100kb",
        "maximum of 1 MB per request",
        "at most 512 tokens",
        "took 900 ms > 100 ms",
    ],
)
def test_a_number_with_a_unit_is_no_batch_size(words: str) -> None:
    assert smaller_size(words, 128) == 64


def test_a_413_naming_bytes_advises_half_the_batch() -> None:
    assert "e.g. --batch-size 64;" in size_hint(413, b"body size 120 > 100 KB", 128, 9000)


def test_counts_of_inputs_are_read_as_before() -> None:
    assert smaller_size("batch of 44 > 40", 44) == 40
    assert smaller_size("at most 4 inputs a request", 64) == 4
    assert smaller_size("max_batch_size: 8", 64) == 8
    assert smaller_size("at most 4, got 8", 8) == 4
