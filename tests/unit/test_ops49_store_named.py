"""ops49: a run's reports named its store by the machine's absolute path alone
(left48r's Left 2): a reader of a copied report (a CI artifact) could not tell where the
store lies in the project.  The JSON document now gives ``store``: its absolute path (what
the commands name, working from any folder of that machine) and its path from the folder
the run was started in when it lies under it (``in_folder``), which a reader elsewhere
gives as ``--store`` from their own checkout."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assay.core.store import RunStore
from assay.report.document import build_document

SCHEMA = Path(__file__).parents[2] / "src" / "assay" / "report" / "schema.json"


def _document(store_path: Path, cwd: str | None) -> dict[str, object]:
    config = {} if cwd is None else {"cwd": cwd}
    with RunStore(store_path) as store:
        store.create_run(
            run_id="fairness-s", technique="fairness", seed=1, command="assay fairness x",
            config=config, model={}, versions={},
        )  # fmt: skip
        store.checkpoint("fairness-s", status="completed", summary={})
        return build_document(store, "fairness-s")


def test_a_store_under_the_runs_folder_is_named_from_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "project" / ".assay").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "project")
    doc = _document(Path(".assay/runs.db"), str(tmp_path / "project"))
    where = (tmp_path / "project" / ".assay" / "runs.db").as_posix()
    assert doc["store"] == {"path": where, "in_folder": ".assay/runs.db"}, doc.get("store")
    # (the commands keep the absolute path: they paste anywhere on this machine)
    assert where in str(doc["report_command"])
    described = json.loads(SCHEMA.read_text())["properties"]["store"]["properties"]
    assert set(described) == set(doc["store"])  # type: ignore[arg-type]


def test_a_store_elsewhere_or_a_run_from_python_has_no_folder_path(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    doc = _document(tmp_path / "a" / "s.db", str(tmp_path / "b"))
    assert doc["store"] == {"path": (tmp_path / "a" / "s.db").as_posix(), "in_folder": None}
    doc = _document(tmp_path / "a" / "t.db", None)
    assert doc["store"] == {"path": (tmp_path / "a" / "t.db").as_posix(), "in_folder": None}
