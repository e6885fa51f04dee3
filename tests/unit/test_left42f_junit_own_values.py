"""left42f: a fairness finding's JUnit failure body (its JSON) showed the IDI's rows as the
store's codes ("inputs": [[2.0, 41.0, 0.0], [2.0, 41.0, 1.0]]): a reader of the CI page met
``city`` 2 and ``sex`` 0 where the message and the terminal say ``city=Bath`` and ``sex=F``.
The body now holds the rows in the data's own column names and categories, and the class
each was answered, as the terminal writes them; the codes beside."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np

from assay.core.findings import FindingBatch
from assay.core.store import RunStore
from assay.report import build_document
from assay.report.junit import render_junit

FEATURES = [
    {"name": "ville", "kind": "categorical", "categories": ["Leeds", "York", "Bath"]},
    {"name": "âge", "kind": "integer", "low": 18, "high": 90},
    {"name": "sex", "kind": "categorical", "categories": ["F", "M"]},
]


def _bodies(tmp_path: Path) -> list[dict[str, object]]:
    store = RunStore(tmp_path / "runs.db")
    run_id = "fairness-20260101-000000-own"
    store.create_run(
        run_id=run_id, technique="fairness", seed=1, command="assay fairness m.skops --seed 1",
        config={"schema": {"features": FEATURES}},
        model={"capabilities": {"class_names": ["deny", "approve"]}}, versions={},
    )  # fmt: skip
    batch = FindingBatch(
        kind="fairness.idi",
        inputs=np.array([[[2.0, 41.0, 0.0], [2.0, 41.0, 1.0]]]),
        outputs=np.array([[[0.9, 0.1], [0.2, 0.8]]]),
        severity=np.ones(1),
    )
    store.checkpoint(run_id, findings=[batch], status="completed", summary={"tested": 10})
    root = ET.fromstring(render_junit(build_document(store, run_id)))
    store.close()
    return [json.loads(f.text or "") for f in root.iter("failure") if f.get("type") != "findings"]


def test_a_fairness_failure_body_shows_the_rows_in_the_datas_own_values(tmp_path: Path) -> None:
    (body,) = _bodies(tmp_path)
    # main: no such key; the body's rows were [[2.0, 41.0, 0.0], [2.0, 41.0, 1.0]] alone
    assert body["in your values"] == [
        "ville=Bath, âge=41, sex=F -> deny",
        "ville=Bath, âge=41, sex=M -> approve",
    ]
    assert body["inputs"] == [[2.0, 41.0, 0.0], [2.0, 41.0, 1.0]]  # the codes still there
