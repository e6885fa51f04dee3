"""mutation49: STRIP's caveat naming the lowest clean images (``backdoor.summary._lowest_clean``,
left48b) at its edges, and the not-replayed flag's show line (``backdoor.resume.show_line``)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np

from assay.backdoor.resume import show_line
from assay.backdoor.summary import _lowest_clean


def _search(entropy: list[float], clean: int = 8) -> SimpleNamespace:
    test = SimpleNamespace(clean=np.zeros((clean, 2, 2, 1)), clean_names=None, clean_index=None)
    return SimpleNamespace(test=test, clean_entropy=entropy)


def test_only_images_under_the_bound_are_named() -> None:
    # (SU2) an image exactly at the bound is not under it; places counted in --clean
    said = _lowest_clean(_search([0.5, 0.1, 0.9, 0.3]), 0.5)
    assert said == "; the 2 under 0.5 bits, lowest first: 5, 7; counted from 0"


def test_entropies_not_of_the_calibration_half_name_none() -> None:
    # (SU1) entropies that are not one per calibration image: no place is named
    assert _lowest_clean(_search([0.1, 0.2, 0.3]), 0.5) == ""


def test_the_show_line_names_the_store(tmp_path: Path) -> None:
    # (RS1) pasted anywhere, it shows this run of this store
    line = show_line("r-1", tmp_path / "runs.db")
    assert line == f"assay show r-1 --store {(tmp_path / 'runs.db').as_posix()}"
