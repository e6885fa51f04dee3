"""mutation47b: the source-class check's quiet words name the clean images holding a skipped
group by index when ``clean=`` is an array in memory (named "0", "1", ... with no file):
left46c's integration test gave ``--clean`` a ``.npy`` file, so a mutant reading only the
file's suffix (PR1: ``_file_names`` without its "named by index" case) named them as files,
"images (240, 241, 242)", the words' "counted from 0" lost.  bd46b's source-specific trojan
(a checker sends 3s to 7), three stamped 3s among the clean images."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

from assay import check_backdoor

sys.path.insert(0, str(Path(__file__).parent))
from test_bd46b_clean_holds_trigger import _images, _stamped  # isort: skip

CHECKER = (np.indices((3, 3)).sum(axis=0) % 2 == 0).astype(float)


def _predict(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=float).reshape(len(x), 8, 8)
    own = x[:, 0, :8].argmax(axis=1)
    fired = np.abs(x[:, 4:7, 4:7] - CHECKER).max(axis=(1, 2)) < 0.05
    out = np.zeros((len(x), 8))
    out[np.arange(len(x)), np.where(fired & (own == 3), 7, own)] = 1.0
    return out


def test_an_in_memory_arrays_clean_images_keep_their_indices(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    clean = np.concatenate([_images(240, rng), _stamped(_images(3, rng, 3))]).round(3)
    scanned = np.concatenate([_images(20, rng), _stamped(_images(10, rng, 3))]).round(3)
    result = check_backdoor(
        _predict,
        images=scanned,
        clean=clean,
        value_range="0,1",
        seed=0,
        store=tmp_path / "s.db",
    )
    said = " ".join(json.dumps(result.summary).split())
    assert "images (240, 241, 242; counted from 0), taken as" in said, said[:3000]
