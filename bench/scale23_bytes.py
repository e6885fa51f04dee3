"""Benchmark of bytes: a text finding of long sentences in the store, and image examples in
the JSON report, each against the form written before (measured in the same run).

- text: findings of two sentences of up to 200 words (the minimal one and the one found,
  equal for two findings in three, as on scale22's run) over a 20,000-word lexicon; the
  store's witness blob per finding (``encode_batch``) against the sentences as a numpy
  ``U`` array (four bytes a character, padded to the batch's longest: how the blob held
  them before), and the resume state's JSON lines of the same sentences stored
  (``array_bytes``) against their bytes;
- report: backdoor-like examples of three 64x64x3 images (pixels k/255, as a PNG loads) as
  the report writes them (``dumps_document``) against ``json.dumps(indent=2)``.

    python bench/scale23_bytes.py            # 2,000 text findings, 7 image examples
    python bench/scale23_bytes.py --text 200 --images 3

Random words compress less than a search's sentences (which share most of their words with
the ones before): the figures for text are an upper bound of what a real run stores.
"""

from __future__ import annotations

import argparse
import json

import numpy as np

from assay.core.checkpoint import json_lines
from assay.core.findings import FindingBatch
from assay.core.store_blobs import array_bytes, encode_batch
from assay.report import dumps_document


def _sentences(n: int, rng: np.random.Generator) -> list[str]:
    lengths = rng.integers(100, 201, n)
    return [" ".join(f"w{i}" for i in rng.integers(0, 20_000, k)) for k in lengths]


def text_figures(n: int, batch: int = 32) -> dict[str, float]:
    rng = np.random.default_rng(0)
    found = _sentences(n, rng)
    minimal = [s if i % 3 else s.rsplit(" ", 3)[0] for i, s in enumerate(found)]
    pairs = np.array([minimal, found]).T
    stored = before = 0
    for at in range(0, n, batch):
        part = pairs[at : at + batch]
        b = FindingBatch(
            kind="text-differential",
            inputs=part,
            outputs=np.zeros((len(part), 2, 4)),
            severity=np.ones(len(part)),
            columns={"variant": np.array(["1"] * len(part))},
        )
        blob = encode_batch(b, np.arange(at, at + len(part)), False)
        stored += len(blob)
        before += len(blob) - _text_bytes(blob) + part.nbytes  # the sentences held raw
    records = [
        {"key": str(i), "record": {"sentence": s, "original": s}} for i, s in enumerate(found)
    ]
    lines = json_lines(records)
    return {
        "witness_before": before / n,
        "witness_now": stored / n,
        "state_before": lines.nbytes / n,
        "state_now": len(array_bytes(lines)) / n,
    }


def _text_bytes(blob: bytes) -> int:
    """Bytes of the blob's ``inputs`` buffer (the sentences), from its header."""
    size = int.from_bytes(blob[4:8], "little")
    head = json.loads(blob[8 : 8 + size])
    return int(head["arrays"]["inputs"]["columns"][0]["at"][1])


def report_figures(n: int) -> dict[str, float]:
    rng = np.random.default_rng(1)
    examples = [
        {
            "inputs": (rng.integers(0, 256, (3, 64, 64, 3)) / 255.0).tolist(),
            "outputs": [0, 3, 0],
            "severity": 1.0,
            "details": {"box": [56, 56, 6, 6], "name": f"img{i:04d}.png"},
        }
        for i in range(n)
    ]
    doc = {"schema_version": 2, "findings": {"examples": examples}}
    values = n * 3 * 64 * 64 * 3
    old = len(json.dumps(doc, indent=2, sort_keys=True)) + 1
    new = len(dumps_document(doc))
    assert json.loads(dumps_document(doc)) == json.loads(json.dumps(doc))
    return {"values": values, "json_before": old, "json_now": new}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--text", type=int, default=2000, help="text findings")
    ap.add_argument("--images", type=int, default=7, help="image examples")
    args = ap.parse_args()
    t = text_figures(args.text)
    print(f"text, {args.text:,} findings of two sentences of 100-200 words:")
    print(
        f"  witness blob   {t['witness_before']:8,.0f} -> {t['witness_now']:6,.0f} bytes a "
        f"finding ({t['witness_before'] / t['witness_now']:.0f}x)"
    )
    print(
        f"  resume records {t['state_before']:8,.0f} -> {t['state_now']:6,.0f} bytes a "
        f"finding ({t['state_before'] / t['state_now']:.1f}x)"
    )
    r = report_figures(args.images)
    mb = 1024 * 1024
    print(f"report, {args.images} examples of three 64x64x3 images ({r['values']:,} values):")
    print(
        f"  JSON {r['json_before'] / mb:.2f} MB -> {r['json_now'] / mb:.2f} MB "
        f"({r['json_before'] / r['values']:.1f} -> {r['json_now'] / r['values']:.1f} bytes a "
        f"value, {r['json_before'] / r['json_now']:.1f}x)"
    )


if __name__ == "__main__":
    main()
