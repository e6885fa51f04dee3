"""left49b: which stored flags the run-time filter carries as a trigger (``filter_windows``).

A located source-class flag batch (its images hold the pixels the group agreed on at the
window) becomes one masked trigger: the window as its box, the pixels the flags agree on as
its mask and content, the flags' class as its target; the file written with it reads back
(its digest, its mask).  A batch not located (its whole group flagged: some may be clean
images), one stored by an older assay (no ``located`` column) and a class-map batch (whose
window's refill does not undo an all-to-all trigger: 1 of 18 on attack45b's digits) make
none.  The CLI run: ``tests/integration/test_left49b_filter_windows.py``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from test_bd46b_clean_holds_trigger import BOX, CHECKER, _images, _stamped

from assay.backdoor.class_map import CLASS_MAP
from assay.backdoor.filter import TriggerFilter, save_filter
from assay.backdoor.filter_file import read_document
from assay.backdoor.filter_windows import filter_windows
from assay.backdoor.images import ImageSpec
from assay.backdoor.source_class import SOURCE_CLASS
from assay.core.findings import FindingBatch
from assay.core.model import Capabilities


class Fake:
    """A class per first row's brightest pixel; the checker sends 3s to 7."""

    capabilities = Capabilities(modality="image", n_classes=8, outputs="labels")  # type: ignore[arg-type]

    def predict(self, x: Any) -> np.ndarray:
        x = np.asarray(x, dtype=float).reshape(len(x), 8, 8, 1)
        own = x[:, 0, :8, 0].argmax(axis=1)
        fired = np.abs(x[:, 4:7, 4:7, 0] - CHECKER).max(axis=(1, 2)) < 0.05
        out: np.ndarray = np.where(fired & (own == 3), 7, own)
        return out


def _flags(strategy: str, located: bool | None, first: int = 20, n: int = 6) -> FindingBatch:
    images = _stamped(_images(n, np.random.default_rng(3), 3))
    columns: dict[str, Any] = {
        "image": np.arange(first, first + n),
        "box": np.asarray([list(BOX)] * n),
        "sent": np.full(n, 18),
        "of": np.full(n, 20),
    }
    if strategy == SOURCE_CLASS:
        columns["source"] = np.full(n, 3)
    if located is not None:
        columns["located"] = np.full(n, int(located))
    return FindingBatch(
        kind="strip-flag",
        inputs=images[:, None],
        outputs=Fake().predict(images)[:, None],
        severity=np.ones(n),
        columns=columns,
        details={"strategy": strategy},
    )


def test_a_located_source_class_batch_is_a_masked_trigger_of_its_window() -> None:
    found = filter_windows([_flags(SOURCE_CLASS, True)])
    assert found.images == list(range(20, 26))
    (trig,) = found.triggers
    assert trig.box == BOX and trig.target == 7 and trig.source == 20
    assert trig.flip_rate == 0.9  # (the group's 18 of 20 clean 3s sent)
    assert trig.mask is not None
    t, left = BOX[0], BOX[1]
    # the checker's 9 pixels agree in every flag (the faint noise around it too, here)
    inner = np.zeros(BOX[2:], dtype=bool)
    inner[4 - t : 7 - t, 4 - left : 7 - left] = True
    assert trig.mask[inner].all(), trig.mask
    assert np.allclose(trig.content[inner][:, 0], CHECKER.reshape(-1))


def test_unlocated_older_and_class_map_batches_make_none() -> None:
    batches = [
        _flags(SOURCE_CLASS, False),  # (the whole group flagged: not located)
        _flags(SOURCE_CLASS, None),  # (stored before left48b: no ``located``)
        _flags(CLASS_MAP, True),
    ]
    found = filter_windows(batches)
    assert found.triggers == [] and found.images == []


def test_the_filter_written_with_it_reads_back_and_corrects_the_source_class_only(
    tmp_path: Path,
) -> None:
    spec = ImageSpec(height=8, width=8, channels=1)
    triggers = filter_windows([_flags(SOURCE_CLASS, True)]).triggers
    clean = _images(200, np.random.default_rng(0))
    model: Any = Fake()
    path = save_filter(tmp_path / "f.json", spec, triggers, model=model, references=clean)
    doc = read_document(path)  # (its digest, its mask: as written)
    assert len(doc.triggers) == 1 and doc.triggers[0].mask is not None
    filt = TriggerFilter(model, doc.spec, doc.triggers, references=doc.references)
    rng = np.random.default_rng(9)
    poisoned = _stamped(_images(30, rng, 3))
    assert (model.predict(poisoned) == 7).all()
    assert (filt.predict(spec.to_model(poisoned)) == 3).all()
    others = np.concatenate([_stamped(_images(60, rng)), _images(300, rng)])
    others = others[others[:, 0, :8, 0].argmax(axis=1) != 3]
    before = model.predict(others)
    assert (filt.predict(spec.to_model(others)) == before).all()
