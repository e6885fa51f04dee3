"""A pyarrow ``RecordBatchReader`` (a stream of batches, as a dataset scanner or a Flight
client gives) as data was told "give a pandas DataFrame with named columns
(`pandas.DataFrame(array, columns=[...])`)", as if it were an array (hostile53c)."""

from __future__ import annotations

import pandas as pd
import pytest

import assay


def test_a_record_batch_reader_is_told_to_read_its_batches() -> None:
    pa = pytest.importorskip("pyarrow")
    frame = pd.DataFrame({"sex": ["F", "M"] * 20, "x": range(40)})
    reader = pa.Table.from_pandas(frame).to_reader()
    with pytest.raises(assay.UsageError) as refused:
        assay.check_fairness(lambda X: X["x"] > 3, reader, protected="sex", classes=[False, True])
    assert "data=reader.read_all()" in str(refused.value)
