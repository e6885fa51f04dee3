"""A bin edge beyond the data's values was refused naming a backwards bin: `--protected
age:bins=100` on ages 18 to 69 said "no row ... has age in 100-69", and `bins=5,100` "in
18-4" (hostile33).  Such a bin is named by its edge now."""

from __future__ import annotations

import pandas as pd
import pytest

from assay.errors import UsageError
from assay.fairness.bins import Bins, apply_bins

AGES = pd.DataFrame({"age": [18, 30, 45, 69], "hours": [10, 20, 30, 40]})


@pytest.mark.parametrize(
    ("edges", "said"), [((100.0,), "in >= 100 (values from 18 to 69)"), ((5.0, 100.0), "in < 5 (")]
)
def test_a_bin_beyond_the_data_is_named_by_its_edge(edges: tuple[float, ...], said: str) -> None:
    with pytest.raises(UsageError) as err:
        apply_bins(AGES, {"age": Bins("age", edges)}, "people.csv")
    assert said in str(err.value), err.value


def test_a_bin_inside_the_data_keeps_its_whole_numbers() -> None:
    _, done = apply_bins(AGES, {"age": Bins("age", (40.0,))}, "people.csv")
    assert done["age"].labels == ("18-39", "40-69")
