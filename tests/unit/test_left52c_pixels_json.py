"""The JSON report writes a backdoor example's 8-bit pixels as integers (``inputs_scale``
255), not as floats of 18 digits (``0.17254901960784313``: two 224x224 findings were
17.5 MB, hostile52b's Left 4); ``load_document`` reads them back as the floats."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from assay.report.document import SCHEMA_VERSION, load_document, load_schema, write_reports


def _doc(inputs: np.ndarray) -> dict[str, object]:
    finding = {
        "index": 0, "kind": "backdoor-trigger", "severity": 1.0, "inputs": inputs.tolist(),
        "outputs": [[0.1, 0.9]] * len(inputs), "details": {},
    }  # fmt: skip
    return {
        "schema_version": SCHEMA_VERSION, "assay_version": "0", "generated_at": "x",
        "run": {}, "headline": "h", "rerun": "r",
        "findings": {"total": 1, "by_kind": {}, "max_severity": 1.0, "examples": [finding]},
    }  # fmt: skip


def test_whole_pixels_are_written_as_integers_and_read_back(tmp_path: Path) -> None:
    pixels = np.random.default_rng(0).integers(0, 256, (3, 32, 32, 3))
    values = pixels / 255
    values[1, :3, :3] = pixels[1, :3, :3] * (1 / 255)  # (a pasted trigger: rounding apart)
    doc = _doc(values)
    path = tmp_path / "r.json"
    write_reports(doc, json_path=path)
    raw = json.loads(path.read_text())
    example = raw["findings"]["examples"][0]
    assert example["inputs_scale"] == 255 and example["inputs"] == pixels.tolist()
    jsonschema = pytest.importorskip("jsonschema")
    one = {"$defs": load_schema()["$defs"], "$ref": "#/$defs/finding"}
    jsonschema.validate(example, one)
    assert doc["findings"]["examples"][0]["inputs"] == values.tolist()  # (doc unchanged)
    back = load_document(path)["findings"]["examples"][0]
    assert "inputs_scale" not in back
    assert np.abs(np.asarray(back["inputs"]) - values).max() < 1e-15
    floats = len(json.dumps(values.tolist(), separators=(",", ":")))  # (the images alone)
    assert path.stat().st_size < floats / 3, (path.stat().st_size, floats)


def test_other_values_stay_floats(tmp_path: Path) -> None:
    """Values between pixels (a normalised array, a blend) and a table's rows as they are."""
    values = np.random.default_rng(1).random((2, 8, 8, 1))
    path = tmp_path / "r.json"
    write_reports(_doc(values), json_path=path)
    example = json.loads(path.read_text())["findings"]["examples"][0]
    assert "inputs_scale" not in example and example["inputs"] == values.tolist()
    rows = np.array([[39.0, 0.0, 13.0], [39.0, 1.0, 13.0]])
    write_reports(_doc(rows), json_path=path)
    example = json.loads(path.read_text())["findings"]["examples"][0]
    assert "inputs_scale" not in example and example["inputs"] == rows.tolist()
