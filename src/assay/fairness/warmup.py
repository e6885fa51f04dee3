"""``build_exact_kernel``: build the exact analysis's compiled code, and the default
search's, ahead of their first use (``assay.build_exact_kernel()``).

Part of the technique's shell (see ``fairness.api``): it may import ``models``.
"""

from __future__ import annotations

import time

import numpy as np

from assay.fairness.schema import Schema

__all__ = ["build_exact_kernel"]


def build_exact_kernel() -> float:
    """Build the exact analysis's compiled refinement for tree ensembles ahead of its first
    use (numba, the extra ``assay[exact]``; 20-40 s of CPU once, then loaded from numba's
    cache), and the default search's compiled loops (``core.jit``).  A run whose time
    budget cannot take the building uses the vectorised refinement and says so.  Returns
    the seconds it took (0.0 without numba)."""
    from sklearn.ensemble import GradientBoostingClassifier

    from assay.fairness.exact import compose_read, kernel
    from assay.fairness.exact.domain import build_domain
    from assay.fairness.exact.ensemble import flatten, refine
    from assay.fairness.schema import Feature
    from assay.models import load_model
    from assay.models.trees import read_trees

    if not kernel.COMPILED:
        return 0.0
    t0 = time.monotonic()
    from assay.core import jit

    for loops in ("assay.core.hashkernel", "assay.fairness.search.walkkernel"):
        jit.compiled(loops)  # the default search's compiled loops too (``core.jit``)
    schema = Schema(
        (Feature("a", "integer", 0, 9), Feature("s", "integer", 0, 1)), protected=("s",)
    )
    rng = np.random.default_rng(0)
    x = rng.integers(0, 10, size=(200, 2)).astype(np.float64)
    x[:, 1] %= 2
    y = (x[:, 0] + 3 * x[:, 1] > 6).astype(np.int64)
    model = GradientBoostingClassifier(n_estimators=3, max_depth=2, random_state=0)
    arrays = read_trees(load_model(model.fit(x, y)))
    if isinstance(arrays, str):
        raise RuntimeError(f"building the exact kernel: {arrays}")
    trees = compose_read(schema, arrays)
    if isinstance(trees, str):
        raise RuntimeError(f"building the exact kernel: {trees}")
    flat = flatten(build_domain(schema, trees), trees, schema.index("s"))
    if isinstance(flat, str):
        raise RuntimeError(f"building the exact kernel: {flat}")
    for wide in (False, True):  # boxes in int16 and in int32
        refine(flat, deadline=float("inf"), max_steps=1, compiled=True, wide=wide)
    return time.monotonic() - t0
