"""``--keep-findings 0`` keeps the most severe findings' witnesses (64 of 1,341 in a fairness
run), and its report showed 50 of them as examples, yet ``findings.kept`` said 0 and the HTML
"The run store holds every finding (0 kept as witnesses)": ``Tallies.kept`` read the
reservoir's threshold, still "everything" when there is no sample (hostile35)."""

from __future__ import annotations

from pathlib import Path

from test_witnesses import _batches, _kept_numbers, _run  # (the toy run: tests/unit)

from assay.core.witnesses import TOP
from assay.report import build_document


def test_keep_zero_counts_the_witnesses_it_keeps(tmp_path: Path) -> None:
    store, run_id = _run(tmp_path, _batches(5, 200), keep=0)
    kept = len(_kept_numbers(store, run_id))
    assert kept == TOP
    assert store.witness_counts(run_id)["toy"]["kept"] == TOP  # it said 0
    doc = build_document(store, run_id)
    assert doc["findings"]["kept"] == TOP and doc["findings"]["total"] == 1000
