"""left39 (api39's Left): ``setup_text`` and ``setup_backdoor`` did not hold the caller's
folder as ``setup_fairness`` does (``core.workdir``): a classifier or model file that chdirs
at import left a notebook in its folder after ``setup_*`` returned.  Each test fails on main
(the folder after the call is the model's)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest


@pytest.fixture
def away(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The folder the model files move to at import; the caller works in ``notebook``."""
    folder = tmp_path / "away"
    folder.mkdir()
    here = tmp_path / "notebook"
    here.mkdir()
    monkeypatch.chdir(here)
    return folder


def test_setup_text_of_classifiers_that_move_at_import(away: Path, tmp_path: Path) -> None:
    from assay.text.api import setup_text

    (tmp_path / "clf.py").write_text(
        f"import os\nos.chdir({str(away)!r})\n\n"
        "def a(texts):\n    return ['pos' if 'good' in t else 'neg' for t in texts]\n\n"
        "def b(texts):\n    return ['pos' if 'great' in t else 'neg' for t in texts]\n"
    )
    here = Path.cwd()
    setup = setup_text([f"{tmp_path}/clf.py:a", f"{tmp_path}/clf.py:b"], grammar="builtin:reviews")
    assert Path.cwd() == here  # (main: the classifiers' folder)
    assert setup is not None


def test_setup_backdoor_of_a_model_that_moves_at_import(away: Path, tmp_path: Path) -> None:
    from assay.backdoor.api import setup_backdoor

    (tmp_path / "m.py").write_text(
        f"import os\nimport numpy as np\nos.chdir({str(away)!r})\n\n"
        "def predict(x):\n"
        "    flat = np.asarray(x, dtype=float).reshape(len(x), -1)\n"
        "    return (flat[:, :10] * 1).argmax(axis=1)\n"
    )
    rng = np.random.default_rng(0)
    np.save(tmp_path / "clean.npy", rng.integers(0, 256, (30, 8, 8, 1)).astype(np.uint8))
    np.save(tmp_path / "images.npy", rng.integers(0, 256, (5, 8, 8, 1)).astype(np.uint8))
    here = Path.cwd()
    setup_backdoor(
        f"{tmp_path}/m.py:predict",
        images=str(tmp_path / "images.npy"),
        clean=str(tmp_path / "clean.npy"),
        classes=10,
    )
    assert Path.cwd() == here  # (main: the model's folder)
