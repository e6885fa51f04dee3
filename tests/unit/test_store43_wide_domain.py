"""A fairness run on a table of 10,000 columns ended as an internal error (exit 5) after its
search: the exact analysis wrote the domain's size, 100^10,000 inputs, with ``f"{n:,}"``,
and Python refuses to write an integer of more than 4,300 digits."""

from __future__ import annotations

import time

import numpy as np

from assay.fairness.exact.enumerated import enumerate_share
from assay.fairness.schema import Feature, Schema


def test_a_domain_too_large_to_write_out_says_its_power_of_ten() -> None:
    columns = tuple(Feature(f"c{i}", "integer", 0, 99) for i in range(10_000))
    schema = Schema((*columns, Feature("s", "integer", 0, 1)), protected=("s",))
    why = enumerate_share(
        schema,
        lambda rows: np.zeros(len(rows), dtype=np.int64),
        "s",
        data=None,
        deadline=time.monotonic() + 30,
        source="test",
    )
    assert isinstance(why, str)
    assert "about 10^20,000 inputs besides s" in why and len(why) < 200
