"""scale23 (twenty-third session): a report's image examples take their values' digits, not a
line of indentation each; the JSON holds the same data."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from assay.core.findings import FindingBatch
from assay.core.store import RunStore
from assay.report import build_document, dumps_document, load_document, write_reports


def _image_run(path: Path, n: int) -> RunStore:
    """``n`` backdoor-like findings of three 64x64x3 images (pixels k/255, as a PNG loads)."""
    store = RunStore(path)
    store.create_run(
        run_id="bd-1",
        technique="toy",
        seed=1,
        command="assay toy",
        config={},
        model={},
        versions={},
    )
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (n, 3, 64, 64, 3)) / 255.0
    batch = FindingBatch(
        kind="backdoor-trigger",
        inputs=images,
        outputs=np.zeros((n, 3), dtype=np.int64),
        severity=np.linspace(0.5, 1, n),
        columns={"box": np.tile([56, 56, 6, 6], (n, 1)), "name": np.array(["a.png"] * n)},
    )
    store.checkpoint("bd-1", findings=[batch], status="completed", summary={})
    return store


def test_image_examples_take_about_their_digits_in_the_json(tmp_path: Path) -> None:
    """Indented a value a line: 12 MB for scale22's seven findings of three 64x64x3 images,
    about 46 bytes a value (18 of them digits)."""
    store = _image_run(tmp_path / "runs.db", 4)
    doc = build_document(store, "bd-1")
    out = tmp_path / "r.json"
    write_reports(doc, json_path=out)
    values = 4 * 3 * 64 * 64 * 3
    assert out.stat().st_size / values < 21  # digits, a comma, and the rest of the document
    assert load_document(out) == doc


def test_the_text_holds_the_same_data_as_indented_json() -> None:
    doc = {
        "b": [[1, 2.5, None, True], [-0.0, 1e-300, 12345678901234567890]],
        "a": {"rows": [[1, "x"], [2, "y"]], "empty": [], "none": {}, "s": "é [1, 2]"},
        "z": [{"box": [1, 2]}, 3.25, "[\n 1\n]"],
        "deep": [[[0.1, 0.2], [0.3]], []],
    }
    text = dumps_document(doc)
    assert json.loads(text) == json.loads(json.dumps(doc, indent=2, sort_keys=True))
    # letters written as they are (hostile43t: every script as written, not \u-escaped)
    assert '"s": "é [1, 2]"' in text and text.endswith("}\n")
    assert '"b": [[1,2.5,null,true],[-0.0,1e-300,12345678901234567890]]' in text
    assert '"deep": [[[0.1,0.2],[0.3]],[]]' in text
    # keys sorted and arrays of strings or objects indented as before
    assert text.index('"a"') < text.index('"b"') < text.index('"deep"') < text.index('"z"')
    assert '"rows": [\n' in text


def test_a_document_without_arrays_of_numbers_is_written_as_before() -> None:
    doc = {"k": {"x": "y", "list": ["a", {"b": None}], "n": 1.5}, "e": [], "o": {}}
    assert dumps_document(doc) == json.dumps(doc, indent=2, sort_keys=True) + "\n"
