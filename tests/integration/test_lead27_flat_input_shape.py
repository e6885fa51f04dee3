"""``--input-shape 8,8`` (the images' shape, as a user says it) for a scikit-learn model that
declares 64 values an input: the images were given to it unflattened, the model raised on
the first batch and the run failed (exit 3, "once the problem is fixed, continue with assay
resume": a resume failed the same way).  The images now go flattened, as without the option."""

from __future__ import annotations

from pathlib import Path

import numpy as np

import assay
from assay.backdoor.demo import trojaned_digits


def test_an_images_shape_for_a_model_that_takes_them_flat_is_flattened(tmp_path: Path) -> None:
    t = trojaned_digits(side=8, seed=0)
    trig = t.triggers[0]
    clean = t.clean_images[:60] * 16
    poisoned = trig.apply(t.clean_images[60:90][t.clean_labels[60:90] != trig.target]) * 16
    images = np.concatenate([clean[:20], poisoned])[..., 0]  # (n, 8, 8), grey, 0..16
    r = assay.check_backdoor(
        t.model,
        images=images,
        clean=clean[..., 0],
        input_shape="8,8",
        value_range="0,16",
        seed=1,
        store=tmp_path / "r.db",
    )
    assert r.status == "completed"
    flagged = {int(i) for i in r.findings()["image"]}
    assert flagged and flagged <= set(range(20, len(images)))  # the poisoned ones only
    assert len(flagged) >= 0.9 * len(poisoned)
