"""left30: a ``--schema`` file's lines are bounded as a data file's are (``LineBound``): a
huge line is refused at the bound, naming the file, the line and the bound, with little
memory, where the file was read whole and handed to the YAML parser; short lines (a JSON
schema written on one line too) read as before."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

import pytest

from assay.errors import UsageError
from assay.fairness import long_lines
from assay.fairness.schema_files import load_schema

BOUND = 100_000  # (the real one is 16 MB; a line of 6 MB stands for one of 500 MB)
HEAD = (
    "features:\n"
    "  - {name: age, type: integer, low: 17, high: 90}\n"
    "  - {name: sex, type: categorical, categories: [Female, Male]}\n"
    "protected: [sex]\n"
)


@pytest.fixture(autouse=True)
def _small_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(long_lines, "MAX_LINE_BYTES", BOUND)


def test_a_huge_line_of_a_schema_file_is_refused_early(tmp_path: Path) -> None:
    path = tmp_path / "schema.yaml"
    path.write_text(HEAD + "description: " + "x" * (6 << 20) + "\n")  # valid YAML
    tracemalloc.start()
    try:
        with pytest.raises(UsageError, match="a line longer than 100,000 bytes") as err:
            load_schema(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert err.value.path == str(path) and err.value.line == 5
    assert "schema file" in str(err.value) and "row of a table" not in str(err.value)
    assert peak < 4 << 20, peak  # (read whole: the file's 6 MB, then the parser's copies)


def test_a_schema_of_short_lines_or_one_short_line_reads_as_before(tmp_path: Path) -> None:
    path = tmp_path / "schema.yaml"
    path.write_text(HEAD + "description: " + "x" * 1000 + "\n")
    assert load_schema(path).protected == ("sex",)
    one = tmp_path / "schema.json"
    one.write_text(
        json.dumps(
            {
                "features": [
                    {"name": "age", "type": "integer", "low": 17, "high": 90},
                    {"name": "sex", "type": "categorical", "categories": ["F", "M"]},
                ],
                "protected": ["sex"],
            }
        )
    )
    assert [f.name for f in load_schema(one).features] == ["age", "sex"]
