"""What a user following the docs met (docs38): an ONNX model sent to Dask workers (every
``--executor dask`` run of an ``.onnx`` file, docs/serving.md's backdoor example included, was
refused: its onnxruntime session does not pickle), and ``assay show`` saying a note twice."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pytest


def _onnx_file(folder: Path) -> Path:
    pytest.importorskip("onnxruntime")
    skl2onnx = pytest.importorskip("skl2onnx")
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 4)).astype(np.float32)
    clf = LogisticRegression().fit(x, (x[:, 0] > 0).astype(int))
    graph = skl2onnx.to_onnx(clf, x[:1], options={id(clf): {"zipmap": False}})
    path = folder / "m.onnx"
    path.write_bytes(graph.SerializeToString())
    return path


def test_an_onnx_model_pickles_and_answers_alike(tmp_path: Path) -> None:
    """A Dask worker's copy: the session is opened again from the file (before: TypeError,
    cannot pickle 'InferenceSession', and the run refused with exit 2)."""
    from assay.models.onnx import OnnxModel

    model = OnnxModel(_onnx_file(tmp_path))
    x = np.random.default_rng(1).normal(size=(16, 4))
    copy = pickle.loads(pickle.dumps(model))
    assert copy.session is not model.session
    np.testing.assert_allclose(copy.predict(x), model.predict(x))
    assert model.session is not None  # (the original keeps its own)


def test_a_copy_without_the_file_says_so(tmp_path: Path) -> None:
    from assay.errors import UsageError
    from assay.models.onnx import OnnxModel

    path = _onnx_file(tmp_path)
    frozen = pickle.dumps(OnnxModel(path))
    path.unlink()
    with pytest.raises(UsageError, match=r"not on this machine.*--executor dask"):
        pickle.loads(frozen)


def test_show_says_an_answer_note_once(tmp_path: Path) -> None:
    """``assay show`` printed "the model's probabilities did not change with race ..." twice:
    under the answer's lines (``verdict[].unmoved``) and again among the run's notes."""
    from typer.testing import CliRunner

    from assay import RunStore
    from assay.cli.app import app, register

    unmoved = "race: the model's probabilities did not change with race on any input"
    summary = {
        "headline": "no discriminatory input found for race",
        "verdict": [{"attribute": "race", "basis": "sampled", "share_uniform": 0.0,
                     "level": "none", "unmoved": unmoved}],
        "notes": [unmoved, "set aside the data's column(s) id"],
    }  # fmt: skip
    store = RunStore(tmp_path / "runs.db")
    run_id = "fairness-20260101-000000-abcd"
    store.create_run(run_id=run_id, technique="fairness", seed=1, command="assay", config={},
                     model={}, versions={})  # fmt: skip
    store.checkpoint(run_id, status="completed", summary=summary)
    if not app.registered_commands:
        register()
    result = CliRunner().invoke(app, ["show", run_id, "--store", str(tmp_path / "runs.db")])
    assert result.exit_code == 0, result.output
    assert result.stdout.count(unmoved) == 1, result.stdout
    assert "note: set aside the data's column(s) id" in result.stdout


def test_an_interrupted_run_is_not_told_to_give_more_time(tmp_path: Path) -> None:
    """README: Ctrl-C stops a run at its checkpoint and ``assay resume`` continues it.  A run
    of ``--max-time 120`` interrupted 25 s in (17 s of loading on a busy machine) printed
    "--max-time 120 left the search 5.5 s ...: give the run more time": the time had not run
    out, the user had stopped it.  A run the time budget squeezed is still told."""
    import time

    from assay.core.store import RunStore
    from assay.fairness.time_spent import TimeSpent, squeezed

    for status, told in (("interrupted", False), ("budget_exhausted", True)):
        store = RunStore(tmp_path / f"{status}.db")
        store.create_run(run_id="fairness-1", technique="fairness", seed=1, command="c",
                         config={}, model={}, versions={})  # fmt: skip
        store.checkpoint("fairness-1", status=status,
                         summary={"tested": 9, "model_queries": {"search": 900}})  # fmt: skip
        spent = TimeSpent(time.monotonic())
        spent.seconds = {"loading": 17.0, "checks": 0.5, "answer": 2.6, "search": 5.5}
        spent.record(store, "fairness-1", 120.0)
        summary = store.get_run("fairness-1").summary
        assert bool(squeezed(summary)) is told, (status, summary.get("warnings"))
        assert summary["seconds_by_phase"]["search"] == 5.5  # (where the time went: kept)


def test_a_model_dask_cannot_send_is_refused_before_a_run_is_made(tmp_path: Path) -> None:
    """README, exit 2: "checked before a run is created, so a bad argument never leaves a
    stalled run".  A model that does not pickle with ``--executor dask`` was refused once
    the run existed (``DaskUnits.run``): a ``failed`` run stayed in the store."""
    import threading

    import assay
    from assay import RunStore
    from assay.errors import UsageError

    class Locked:
        classes_ = (0, 1)

        def __init__(self) -> None:
            self.lock = threading.Lock()

        def __call__(self, rows: np.ndarray) -> np.ndarray:
            with self.lock:
                return (np.asarray(rows)[:, 0] > 3).astype(int)

    store = tmp_path / "runs.db"
    with pytest.raises(UsageError, match=r"cannot be sent to the Dask workers.*lock"):
        assay.check_fairness(Locked(), dataset="adult", protected="sex", max_queries=500,
                             executor="dask", workers=1, store=store)  # fmt: skip
    assert RunStore(store).list_runs() == []
