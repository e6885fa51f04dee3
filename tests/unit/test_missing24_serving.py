"""missing24: a served model is sent a missing value (``--missing value``) as JSON ``null``,
the JSON form of an empty cell: never ``NaN`` (no JSON; most servers refuse it) nor the text
``"nan"``."""

from __future__ import annotations

import json

import numpy as np

from assay.models.http import _json_body
from assay.models.protocols import JsonCodec, MlflowCodec, OipCodec


def _rows() -> np.ndarray:
    rows = np.empty((2, 3), dtype=object)
    rows[:] = [[30, 12.5, "clerk"], [41, np.nan, np.nan]]
    return rows


def test_a_missing_value_is_sent_as_null() -> None:
    for codec in (JsonCodec("http://h/p"), MlflowCodec("http://h/invocations", columns=["a"])):
        body = _json_body(codec.encode(_rows()))
        assert b"NaN" not in body and b"nan" not in body, body
        assert b"[41, null, null]" in body, body
    floats = _json_body(JsonCodec("http://h/p").encode(np.array([[1.0, np.nan]])))
    assert json.loads(floats) == {"inputs": [[1.0, None]]}


def test_an_oip_text_tensor_sends_null_never_the_text_nan() -> None:
    body = _json_body(OipCodec("http://h/v2/models/m").encode(_rows()))
    tensor = json.loads(body)["inputs"][0]
    assert tensor["datatype"] == "BYTES"
    assert tensor["data"] == ["30", "12.5", "clerk", "41", None, None], tensor
