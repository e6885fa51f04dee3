"""left26: a fairness IDI's JUnit case is named by its values in the data's own terms (what
its variants differ in, what they share, a hash of the whole rows), not by its position
among the findings: the same IDI is the same case in the next run, so CI follows it."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np

from assay.core.findings import FindingBatch
from assay.core.store import RunStore
from assay.report import build_document
from assay.report.junit import render_junit

FEATURES = [
    {"name": "city", "kind": "categorical", "categories": ["Leeds", "York", "Bath"]},
    *({"name": f"score{i}", "kind": "integer", "low": 0, "high": 99} for i in range(30)),
    {"name": "sex", "kind": "categorical", "categories": ["F", "M"]},
]


def _idi(city: int, last: int, *, swapped: bool = False) -> list[list[float]]:
    """A pair differing in sex only; ``last``: the value of its last score (beyond where
    its name is cut)."""
    base = [float(city), *([7.0] * 29), float(last)]
    pair = [[*base, 0.0], [*base, 1.0]]
    return pair[::-1] if swapped else pair


def _names(tmp_path: Path, name: str, idis: list[list[list[float]]]) -> list[str]:
    store = RunStore(tmp_path / f"{name}.db")
    run_id = f"fairness-20260101-000000-{name}"
    store.create_run(
        run_id=run_id, technique="fairness", seed=1, command="assay fairness m.skops --seed 1",
        config={"schema": {"features": FEATURES}}, model={}, versions={},
    )  # fmt: skip
    batch = FindingBatch(
        kind="fairness.idi",
        inputs=np.array(idis),
        outputs=np.array([[[0.9, 0.1], [0.2, 0.8]]] * len(idis)),
        severity=np.ones(len(idis)),
    )
    store.checkpoint(run_id, findings=[batch], status="completed", summary={"tested": 10})
    root = ET.fromstring(render_junit(build_document(store, run_id)))
    store.close()
    return [c.get("name", "") for c in root.iter("testcase")]


def test_an_idi_is_the_same_case_wherever_it_is_found(tmp_path: Path) -> None:
    first = _names(tmp_path, "a", [_idi(0, 1), _idi(1, 1), _idi(2, 1)])
    # the next run: another IDI first, and the York one found with its variants swapped
    second = _names(tmp_path, "b", [_idi(0, 2), _idi(1, 1, swapped=True), _idi(2, 1)])
    assert len(set(first)) == 3 and len(set(second)) == 3, first
    york = [n for n in first if "city=York" in n]
    assert len(york) == 1 and york[0] in second, (first, second)
    assert york[0].startswith("fairness.idi sex=F / sex=M; city=York, score0=7")
    assert not any("[0]" in n or "[1]" in n for n in first)
    # an IDI differing only past the cut name is another case (the hash of its whole rows)
    assert first[0] != second[0] and first[0][:-10] == second[0][:-10]
