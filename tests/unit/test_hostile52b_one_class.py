"""hostile52b: a model answering one class for every image (its inputs in a range, layout
or shape it was not trained on, the usual cause) was told by the model scan and by STRIP
only to "give clean images of several classes (--clean)", though the clean images were of
ten classes; the default scan's and STRIP's words already named the model's inputs, now the
model scan's do (its case fails on main; STRIP's is a guard)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assay.backdoor.api import check_backdoor


def _constant(x: Any) -> np.ndarray:
    out = np.zeros((len(x), 3))
    out[:, 1] = 1.0
    return out


@pytest.mark.parametrize("kind", ["model", "strip"])
def test_a_one_class_model_is_told_its_inputs(tmp_path: Path, kind: str) -> None:
    rng = np.random.default_rng(0)
    clean = rng.random((30, 8, 8, 1))
    kw: dict[str, Any] = (
        {} if kind == "model" else {"images": rng.random((10, 8, 8, 1)), "strategy": "strip"}
    )
    r = check_backdoor(
        _constant, clean=clean, seed=0, store=str(tmp_path / "r.db"), max_queries=20_000, **kw
    )
    assert r.untested is not None, r.headline
    said = " ".join(r.untested.split())
    # (STRIP's words name the model's one answer before the clean images: passes on main)
    assert "value range it was trained on" in said, said
