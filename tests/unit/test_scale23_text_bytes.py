"""scale23 (twenty-third session): a text finding of long sentences takes about its sentences'
UTF-8 bytes or fewer in the store, not four bytes a character padded to the batch's longest."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from assay.core.checkpoint import Snapshot, from_json_lines, json_lines
from assay.core.columnar import decode_array, encode_array
from assay.core.findings import FindingBatch
from assay.core.store import RunStore
from assay.core.store_blobs import array_bytes, array_from, decode_witnesses, encode_batch


def _sentences(n: int, words: int, seed: int = 0) -> list[str]:
    """``n`` sentences of ``words`` words drawn from a 20,000-word lexicon (little repeats,
    so deflating cannot do more than the lexicon's entropy allows)."""
    rng = np.random.default_rng(seed)
    lengths = rng.integers(words // 2, words + 1, n)
    return [" ".join(f"w{i}" for i in rng.integers(0, 20_000, k)) for k in lengths]


def _text_batch(n: int) -> FindingBatch:
    found = _sentences(n, 200)
    minimal = [s if i % 3 else s.split(" ", 1)[1] for i, s in enumerate(found)]
    return FindingBatch(
        kind="text-differential",
        inputs=np.array([minimal, found]).T,
        outputs=np.zeros((n, 2, 4)),
        severity=np.ones(n),
        columns={"variant": np.array(["1"] * n), "minimal_words": np.full(n, 200)},
        details={"inputs": ["minimal sentence", "sentence found"]},
    )


def test_a_text_finding_costs_its_sentences_utf8_bytes_at_most() -> None:
    """200-word sentences (1,000-1,400 characters): a numpy ``U`` array takes 4 bytes a
    character padded to the longest, stored raw: about 11 KB a finding of two sentences
    (2.6 KB on scale22's 43-word run, 4.9 KB with its resume state)."""
    b = _text_batch(64)
    blob = encode_batch(b, np.arange(64), False)
    back, idx, provisional = decode_witnesses(blob)
    assert not provisional
    assert back.inputs.dtype == b.inputs.dtype and back.inputs.shape == b.inputs.shape
    assert np.array_equal(back.inputs, b.inputs) and np.array_equal(idx, np.arange(64))
    assert np.array_equal(back.columns["variant"], b.columns["variant"])
    utf8 = sum(len(s.encode()) for s in b.inputs.ravel().tolist())
    assert len(blob) < utf8  # the minimal sentence repeats the one found: kept once or so


def test_strings_of_any_kind_come_back_exactly() -> None:
    odd = np.array(
        [["", "é\u20acx"], ["\ud800 lone", "a\x00b"], ["😀" * 50, "plain"]], dtype="<U60"
    )
    for a in (odd, odd[:, :1], np.array("solo"), np.array(["x" * 300])):
        back = decode_array(encode_array(a))
        assert back.dtype == a.dtype and back.shape == a.shape
        assert back.tolist() == a.tolist()


def test_resume_states_json_lines_are_deflated() -> None:
    """The text engine appends each minimal error's record (sentence, variant, original) as
    JSON lines in a uint8 array: 1.7 KB a finding on scale22's run, stored a byte a byte."""
    found = _sentences(40, 200, seed=1)
    records = [
        {"key": str(i), "record": {"sentence": s, "original": s}} for i, s in enumerate(found)
    ]
    chunk = json_lines(records)
    stored = array_bytes(chunk)
    assert from_json_lines(array_from(stored)) == records
    assert len(stored) < 0.6 * len(chunk)


def test_a_text_runs_resume_state_comes_back_whole_and_small(tmp_path: Path) -> None:
    """A checkpoint of a text search: its strategy's cases in the values (2.6 MB of JSON
    rewritten every checkpoint on 200-word sentences), its minimal errors as JSON lines
    appended.  The store gives both back as written, in a fraction of their bytes."""
    store = RunStore(tmp_path / "runs.db")
    store.create_run(
        run_id="t-1",
        technique="text",
        seed=1,
        command="assay text",
        config={},
        model={},
        versions={},
    )
    found = _sentences(120, 200, seed=2)
    values = {"strategy": {"pool": [{"text": s, "tree": [1, 2, 3]} for s in found]}, "n": 3}
    records = [{"key": str(i), "record": {"sentence": s}} for i, s in enumerate(found)]
    plain = len(json.dumps(values)) + sum(len(s) for s in found)
    for half in (records[:60], records[60:]):
        snap = Snapshot(values=values, appends={"minimal": json_lines(half)})
        store.checkpoint("t-1", findings=[_text_batch(10)], snapshot=snap)
    back = store.load_snapshot("t-1")
    assert back is not None and back.values == values
    assert from_json_lines(back.appends["minimal"]) == records
    assert store.state_bytes("t-1") < 0.7 * plain
    got = [b for b, _ in store.iter_witnesses("t-1")]
    assert sum(len(b) for b in got) == 20
    assert np.array_equal(got[0].inputs, _text_batch(10).inputs)
