"""mutation50: a batch of findings (``core.findings``) refuses columns that disagree in
length, says its most severe finding whatever the order, keeps its named columns through
the store's bytes, joins and selects every column with the rows, and gives each finding
plain JSON data (numpy scalars and nested mappings turned into Python's own)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from assay.core.findings import FindingBatch, to_jsonable


def _batch(n: int = 3, start: int = 0) -> FindingBatch:
    rows = np.arange(start, start + n)
    return FindingBatch(
        kind="idi",
        inputs=np.stack([rows, rows + 100], axis=1)[:, :, None],
        outputs=np.stack([rows % 2, 1 - rows % 2], axis=1),
        severity=np.linspace(0.9, 0.1, n) if n else np.zeros(0),
        columns={"feature": rows.astype(np.int32), "score": rows / 10.0},
        details={"names": ["age"], "feature": "shared"},
    )


def test_columns_that_disagree_in_length_are_refused() -> None:
    good = _batch()
    with pytest.raises(ValueError, match="2 outputs, 3 severities"):
        FindingBatch("idi", good.inputs, good.outputs[:2], good.severity)
    with pytest.raises(ValueError, match="column 'feature' has 2 rows, not 3"):
        FindingBatch("idi", good.inputs, good.outputs, good.severity, {"feature": np.zeros(2)})


def test_the_most_severe_finding_is_said_whatever_the_order() -> None:
    assert _batch().max_severity == pytest.approx(0.9)
    assert _batch(0).max_severity == 0.0


def test_the_columns_ride_the_bytes_under_their_names_and_objects_are_refused() -> None:
    back = FindingBatch.from_bytes(_batch().to_bytes())
    assert sorted(back.columns) == ["feature", "score"]
    assert back[1].details == {"names": ["age"], "feature": 1, "score": 0.1}
    bad = FindingBatch(
        "idi", np.zeros((1, 1)), np.zeros((1, 1)), np.ones(1), {"o": np.array([None])}
    )
    with pytest.raises(TypeError, match="object arrays"):
        bad.to_bytes()


def test_joined_and_selected_batches_keep_each_rows_columns() -> None:
    joined = FindingBatch.concat([_batch(3), _batch(2, start=3)])
    assert len(joined) == 5 and joined.columns["feature"].tolist() == [0, 1, 2, 3, 4]
    assert joined.severity.tolist() == pytest.approx([0.9, 0.5, 0.1, 0.9, 0.1])
    picked = joined.select(np.array([False, True, False, True, False]))
    assert picked.columns["feature"].tolist() == [1, 3] and picked[1].inputs == [[3], [103]]


def test_each_finding_is_plain_json_data() -> None:
    finding = _batch()[2]
    assert type(finding.details["feature"]) is int and type(finding.severity) is float
    nested = {"a": {np.int64(1): np.float32(0.5)}, "b": (np.bool_(True), [np.int8(2)])}
    plain = to_jsonable(nested)
    assert plain == {"a": {"1": 0.5}, "b": [True, [2]]}
    assert type(plain["a"]["1"]) is float and type(plain["b"][0]) is bool
    json.dumps(finding.to_json())  # (no numpy value left)
