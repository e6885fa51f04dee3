"""The compiled loops of the default search (``core.jit``) give what the numpy code gives."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from assay.core import jit
from assay.core.budget import BudgetedModel
from assay.core.calls import InlineCaller
from assay.core.model import Capabilities, ModelInputs
from assay.core.rng import generator
from assay.fairness.schema import Feature, Schema
from assay.fairness.search import make_search

pytest.importorskip("numba")

_MODULES = ("assay.core.hashkernel", "assay.fairness.search.walkkernel")

# integer, categorical and continuous features, a protected one in the middle
SCHEMA = Schema(
    features=(
        Feature("age", "integer", low=17, high=90),
        Feature("job", "categorical", categories=("a", "b", "c", "d", "e")),
        Feature("sex", "integer", low=0, high=1),
        Feature("hours", "continuous", low=0.0, high=99.0),
        Feature("edu", "integer", low=1, high=16),
        Feature("fixed", "integer", low=3, high=3),
    ),
    protected=("sex",),
)


class Model:
    """Labels that depend on sex in part of the space, so that walkers find and lose IDIs."""

    capabilities = Capabilities("tabular", 2, "labels")

    def predict(self, inputs: ModelInputs, /) -> np.ndarray:
        x = np.asarray(inputs, dtype=np.float64)
        score = 0.05 * x[:, 0] + 0.3 * x[:, 4] + 0.02 * x[:, 3]
        biased = (x[:, 1] != 2) & (x[:, 4] > 6)
        return (score + np.where(biased, 1.5 * x[:, 2], 0.0) > 7.0).astype(np.int64)


def _run(monkeypatch: pytest.MonkeyPatch, mode: str, steps: int = 25) -> tuple[Any, list[Any]]:
    """A time-mode walk with the compiled loops on from the start ("compiled"), run as
    Python ("python") or off ("numpy")."""
    monkeypatch.setattr(jit, "LARGE", 0)
    for name in _MODULES:
        module = None if mode == "numpy" else __import__(name, fromlist=["warm"])
        monkeypatch.setitem(jit._loaded, name, module)
    if mode == "python":  # the loops as numba would compile them, run by Python
        from assay.core import hashkernel
        from assay.fairness.search import walkkernel

        loops = ((hashkernel, "_place"), (walkkernel, "_propose"), (walkkernel, "_settle"))
        for module, name in loops:
            loop = getattr(module, name).py_func

            def python_loop(*args: Any, _loop: Any = loop) -> Any:
                with np.errstate(over="ignore"):
                    return _loop(*args)

            monkeypatch.setattr(module, name, python_loop)
    rng = np.random.default_rng(7)
    data = np.column_stack(
        [
            rng.integers(17, 91, 300),
            rng.integers(0, 5, 300),
            rng.integers(0, 2, 300),
            np.round(rng.uniform(0, 99, 300), 1),
            rng.integers(1, 17, 300),
            np.full(300, 3),
        ]
    ).astype(np.float64)
    model = BudgetedModel(Model(), caller=InlineCaller())  # (a model of encoded rows)
    search = make_search(
        "walk", schema=SCHEMA, model=model, rng=generator(3), data=data, optimize="time"
    )
    found = []
    for _ in range(steps):
        found += search.step()
    found += search.flush()
    return search, found


def test_the_compiled_proposals_and_set_give_the_same_search(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    runs = {}
    for mode in ("numpy", "compiled", "python"):
        with monkeypatch.context() as patch:
            runs[mode] = _run(patch, mode)
    search, found = runs["numpy"]
    assert search.ledger.idis > 1000  # the walk found IDIs and moved on from them
    for mode in ("compiled", "python"):
        other, other_found = runs[mode]
        assert other.ledger.idis == search.ledger.idis
        assert other.ledger.generated == search.ledger.generated
        assert len(other_found) == len(found)
        for a, b in zip(found, other_found, strict=True):
            assert np.array_equal(a.inputs, b.inputs)
            assert np.array_equal(a.outputs, b.outputs)
            for name in a.columns:
                assert np.array_equal(a.columns[name], b.columns[name]), name
        for name in ("pos", "origin", "changed", "alive", "stuck", "busy", "pool", "pool_origin"):
            assert np.array_equal(getattr(other, name), getattr(search, name)), name
        for name in ("pool_changed", "feat_try", "feat_hit", "move_try", "move_hit", "dir_try"):
            assert np.array_equal(getattr(other, name), getattr(search, name)), name
        assert (other.pool_n, other.pool_next) == (search.pool_n, search.pool_next)
        assert np.array_equal(other.ledger.seen._index.keys(), search.ledger.seen._index.keys())


def test_without_numba_or_when_switched_off_the_numpy_code_runs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def fresh() -> None:
        monkeypatch.setattr(jit, "_loaded", {})
        monkeypatch.setattr(jit, "_loading", {})

    fresh()
    monkeypatch.setenv("ASSAY_COMPILED", "0")
    assert jit.compiled("assay.core.hashkernel") is None
    fresh()
    monkeypatch.delenv("ASSAY_COMPILED")
    assert jit.compiled("assay.no_such_module") is None  # (as numba missing would be)
    assert jit.compiled("assay.core.hashkernel") is not None
    fresh()  # a search does not wait: the numpy code runs until the loops are ready
    first = jit.compiled("assay.core.hashkernel", wait=False)
    jit._loading["assay.core.hashkernel"].join()
    assert jit.compiled("assay.core.hashkernel", wait=False) is not None
    assert first is None or first is jit.compiled("assay.core.hashkernel")
