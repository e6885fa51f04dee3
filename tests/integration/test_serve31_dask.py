"""serve31: ``--scheduler`` of a TLS or websocket address, checked before a run exists.

A ``tls://`` address without Dask's TLS settings for the client was "internal error (a bug
in assay): TypeError: TLS expects a `ssl_context` argument" (exit 5, a run left
``failed``); a ``ws://`` address nothing listens on took the client's 20 s of retries and
left a run ``failed`` too (only ``tcp://`` was probed).
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from dask_kill import KillOne
from test_hostile25a_dask import _assay

import assay

pytest.importorskip("distributed")


def _closed_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as s:
        return int(s.getsockname()[1])


def test_a_tls_scheduler_without_tls_settings_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in (
        "DASK_DISTRIBUTED__COMM__TLS__CA_FILE",
        "DASK_DISTRIBUTED__COMM__TLS__CLIENT__CERT",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DASK_CONFIG", str(tmp_path / "no-dask-config"))
    with socket.create_server(("127.0.0.1", 0)) as listening:  # (something is there)
        code, err, _ = _assay(tmp_path, f"tls://127.0.0.1:{listening.getsockname()[1]}")
    assert code == 2, err
    assert "is a TLS address, and Dask has no TLS settings for its client" in err
    assert "internal error" not in err
    assert not (tmp_path / "r.db").exists()  # refused before a run was made


def test_a_websocket_scheduler_refusing_is_said_at_once(tmp_path: Path) -> None:
    address = f"ws://127.0.0.1:{_closed_port()}"
    code, err, took = _assay(tmp_path, address)
    assert code == 2, err
    assert f"cannot reach the Dask scheduler at {address}: Connection refused" in err
    assert took < 15  # the client's own retries: 20 s and more
    assert not (tmp_path / "r.db").exists()


def test_a_script_calling_assay_at_import_is_told_why_its_cluster_did_not_start(
    tmp_path: Path,
) -> None:
    """A Python script calling ``check_fairness(executor="dask", workers=1)`` at import,
    without ``if __name__ == "__main__":``: each worker process imports it again, and the
    caller got a bare "RuntimeError: Nanny failed to start"."""
    import os
    import subprocess
    import sys

    script = tmp_path / "unguarded.py"
    script.write_text(
        "from assay import check_fairness\n"
        "check_fairness(dataset='german', protected='sex', max_queries=200, seed=1,\n"
        f"               executor='dask', workers=1, store={str(tmp_path / 'r.db')!r})\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(assay.__file__).parents[1])}
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=240
    )
    last = done.stderr.strip().splitlines()[-1]
    assert done.returncode != 0
    assert last.startswith("assay.errors.UsageError: argument workers: a local Dask"), last
    assert str(script) in last and 'if __name__ == "__main__":' in last


def test_requests_of_a_unit_lost_with_its_worker_are_said_to_be_missing(tmp_path: Path) -> None:
    """A served model's request counts come back with each unit's result: a unit whose
    worker was killed mid-unit sent requests that no count holds (the server saw 1,904, the
    report said 1,797, and nothing said so).  The attempt is now counted and noted."""
    import time
    from typing import Any

    from serving_servers import FaultServer
    from sklearn.tree import DecisionTreeClassifier

    from assay.api import setup_fairness
    from assay.core.store import RunStore, new_run_id
    from assay.core.units import execute_units
    from assay.datasets import load_dataset
    from assay.models.http import ServingOptions
    from assay.models.serving import record_serving, served_model

    ds = load_dataset("adult")
    model = DecisionTreeClassifier(random_state=0).fit(ds.X, ds.target)

    def slow(x: Any) -> Any:
        time.sleep(0.02)
        return model.predict_proba(x)

    store = RunStore(tmp_path / "runs.db")
    opts = ServingOptions(batch_size=20, retries=0)
    with FaultServer(slow) as server:
        setup = setup_fairness(server.url, dataset="adult", protected="sex", serving=opts)
        run_id = new_run_id("fairness")
        store.create_run(
            run_id=run_id, technique="fairness", seed=3, command="", config={}, model={},
            versions={},
        )  # fmt: skip
        runner = KillOne(workers=2)  # (the unit killed waits after its first requests)
        try:
            execute_units(
                setup.test, setup.model, store=store, run_id=run_id, seed=3, n_units=4,
                executor=runner, max_queries=6000, merge=setup.test.merge_summaries,
            )  # fmt: skip
        finally:
            runner.close()
        posts = server.posts
    assert runner.killed, "no worker was busy when the first unit finished"
    stats = record_serving(store, run_id, setup.model)
    assert stats is not None and served_model(setup.model) is not None
    assert stats["requests"] < posts  # (what the dead worker sent: in no count)
    assert stats["unit_attempts_lost"] >= 1
    sections = store.get_run(run_id).summary["sections"]
    note = next(s for s in sections if s["title"] == "Serving")["note"]
    assert "started on a Dask worker and never came back (the worker died" in note
