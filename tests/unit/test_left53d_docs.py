"""docs/fairness.md says what hostile53c's two wording fixes print (docs53's Left: a value
padded with spaces is quoted, ``'M '``; a pyarrow ``RecordBatchReader`` is told
``data=reader.read_all()``), each quoted from the page against what the code says."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import assay
from assay.cli.answer_lines import first_idi
from assay.report.verdict_text import favoured_text

_PAGE = Path(__file__).resolve().parents[2] / "docs" / "fairness.md"


def _page() -> str:
    return " ".join(_PAGE.read_text(encoding="utf-8").split())


def test_the_page_quotes_a_padded_value_as_the_findings_do() -> None:
    rows = [{"value": "M ", "favoured_in": 1.0}, {"value": "F ", "favoured_in": 0.0}]
    said = favoured_text(rows, ">50K", "them")
    example = first_idi(
        {
            "examples": [
                {
                    "input": {"age": 30},
                    "variants": [{"protected": {"sex": "M "}, "prediction": ">50K"}],
                }
            ]
        }
    )
    page = _page()
    assert said.startswith("the 'M ' variant gets ") and "the 'M ' variant gets ..." in page
    assert example.endswith("sex 'M ': >50K") and "\"sex 'M ': >50K\"" in page


def test_the_page_gives_a_record_batch_readers_way() -> None:
    pa = pytest.importorskip("pyarrow")
    reader = pa.Table.from_pandas(pd.DataFrame({"sex": ["F", "M"] * 5, "x": range(10)}))
    with pytest.raises(assay.UsageError) as refused:
        assay.check_fairness(
            lambda X: X["x"] > 3, reader.to_reader(), protected="sex", classes=[False, True]
        )
    assert "data=reader.read_all()" in str(refused.value)
    assert "`RecordBatchReader`, a stream, is refused with the way: `data=reader.read_all()`" in (
        _page()
    )
