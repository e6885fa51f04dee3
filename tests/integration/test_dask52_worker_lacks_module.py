"""dask52: workers of an existing cluster that lack a module the model needs (a package
installed where the client runs only): the model's task failed unpickling there, and its
``ModuleNotFoundError`` reached the command as an internal error of assay (exit 5, "a bug in
assay").  Now it is the cluster's failure (``ClusterError``, exit 2) naming the worker and
the module, and what to do."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

distributed = pytest.importorskip("distributed")

_NO_DEP = """
import sys

class _Block:
    def find_spec(self, name, path=None, target=None):
        if name == "dask52dep":
            raise ModuleNotFoundError(f"No module named {name!r}")
        return None

sys.meta_path.insert(0, _Block())
"""


def test_workers_lacking_the_models_module_are_a_cluster_error_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assay import check_fairness
    from assay.errors import ClusterError

    (tmp_path / "dask52dep.py").write_text("def rule(total):\n    return total % 3 >= 1.5\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "dask52dep", raising=False)
    import dask52dep  # (here, and by name in the model's pickle)

    def model(rows: Any) -> Any:
        import numpy as np

        return dask52dep.rule(np.asarray(rows, dtype=float).sum(axis=1)).astype(int)

    preload = tmp_path / "no_dep.py"
    preload.write_text(_NO_DEP)
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=1, dashboard_address=":0", preload=[str(preload)]
        ) as cluster,
        pytest.raises(ClusterError) as got,
    ):
        check_fairness(
            model, dataset="adult", protected="sex", max_queries=400, seed=1, units=2,
            executor="dask", scheduler=cluster.scheduler_address, store=tmp_path / "r.db",
        )  # fmt: skip
    said = str(got.value)
    assert "the model cannot be loaded on the Dask worker tcp://" in said, said
    assert "No module named 'dask52dep'" in said and 'executor="inprocess"' in said
