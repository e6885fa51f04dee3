"""The core and the fairness search import and run without the optional extras."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def test_search_runs_without_onnx_or_pyarrow() -> None:
    code = textwrap.dedent(
        """
        import sys
        class Block:
            def find_spec(self, name, path=None, target=None):
                if name.split('.')[0] in ('onnxruntime', 'onnx', 'skl2onnx',
                                          'pyarrow', 'dask', 'distributed', 'torch'):
                    raise ImportError('blocked for the test: ' + name)
                return None
        sys.meta_path.insert(0, Block())
        import numpy as np
        from sklearn.tree import DecisionTreeClassifier
        import assay
        from assay.api import check_fairness
        rng = np.random.default_rng(0)
        X = rng.integers(0, 5, (500, 3)).astype(float)
        X[:, 2] = rng.integers(0, 2, 500)
        y = ((X[:, 0] + 2 * X[:, 2]) > 3).astype(int)
        model = DecisionTreeClassifier(random_state=0).fit(X, y)
        from assay.fairness.schema import Feature, Schema
        schema = Schema((Feature('a', 'integer', 0, 4), Feature('b', 'integer', 0, 4),
                         Feature('s', 'integer', 0, 1)), protected=('s',))
        r = check_fairness(model, schema=schema, max_queries=5000, seed=1,
                           store=sys.argv[1], estimate=True)
        assert r.n_findings > 0, r.summary
        print('ok', r.n_findings)
        """
    )
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        out = subprocess.run(
            [sys.executable, "-c", code, f"{d}/runs.db"], capture_output=True, text=True
        )
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.startswith("ok")
