"""A data set (or schema) whose text category is megabytes long: every row a fairness run
builds holds it, and the DataFrame handed to the model stores each row's text apart.  A CSV
with one 10 MB cell took 5.7 GB of memory, one with a 100 MB cell (a missing closing quote
swallows the rest of a file into one cell) the machine's 22 GB and the out-of-memory
killer.  Such a column is refused at loading, naming it and how to set it aside."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from assay.errors import UsageError
from assay.fairness.schema import LONGEST_CATEGORY
from assay.fairness.schema_files import load_schema
from assay.fairness.tabular_io import infer_schema


def test_a_megabyte_category_is_refused_naming_its_column() -> None:
    frame = pd.DataFrame(
        {"age": [30, 40, 50], "sex": ["F", "M", "F"], "job": ["a", "x" * 2**20, "b"]}
    )
    with pytest.raises(UsageError) as info:
        infer_schema(frame, protected=["sex"])
    message = str(info.value)
    assert "column 'job' holds a value of 1,048,576 characters" in message
    assert "--drop job" in message
    assert len(message) < 1000  # the value itself is not repeated whole


def test_a_category_at_the_bound_is_kept() -> None:
    frame = pd.DataFrame({"sex": ["F", "M"], "job": ["a", "x" * LONGEST_CATEGORY]})
    schema = infer_schema(frame, protected=["sex"])
    assert max(len(c) for c in schema.features[1].categories or ()) == LONGEST_CATEGORY


def test_a_schema_file_with_a_megabyte_category_is_refused_at_its_line(tmp_path: Path) -> None:
    long = "x" * (LONGEST_CATEGORY + 1)
    (tmp_path / "s.yaml").write_text(
        "features:\n"
        "  - {name: sex, type: categorical, categories: [F, M]}\n"
        f"  - {{name: job, type: categorical, categories: [a, {long}]}}\n"
        "protected: [sex]\n",
        encoding="utf-8",
    )
    with pytest.raises(UsageError) as info:
        load_schema(tmp_path / "s.yaml")
    assert "a category of 4,097 characters" in str(info.value)
    assert "s.yaml:3:52:" in str(info.value)
