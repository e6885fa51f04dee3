"""left48b: ``replay_backdoor`` replays the class-map check's located flags (and the
source-class check's: ``tests/integration/test_left48b_verify_windows.py``, by the CLI).

Before, each was "not replayed: a class-map flag, which this assay does not replay" (exit 2
whatever the model).  The flags' agreed pixels at the window, pasted on 3 of the run's clean
images of each class, hold while they move at least half of them off their class, each class
to one other (the check's own condition).  Flags not located (the whole group flagged: some
may be clean images) and flags by an older assay (no ``located`` column) are still said as
not replayed."""

from __future__ import annotations

from typing import Any

import numpy as np
from test_bd46b_clean_holds_trigger import BOX, CHECKER, N_CLASSES, _images, _stamped

from assay.backdoor.class_map import CLASS_MAP
from assay.backdoor.replay import replay_backdoor
from assay.backdoor.source_class import SOURCE_CLASS
from assay.core.findings import FindingBatch
from assay.core.model import Capabilities


class Fake:
    """A class per first row's brightest pixel; the checker sends k to k + 1 when planted."""

    def __init__(self, planted: bool) -> None:
        self.planted = planted
        self.capabilities = Capabilities(modality="image", n_classes=N_CLASSES, outputs="labels")  # type: ignore[arg-type]

    def predict(self, x: Any) -> np.ndarray:
        x = np.asarray(x)
        own = x[:, 0, :N_CLASSES, 0].argmax(axis=1)
        fired = np.abs(x[:, 4:7, 4:7, 0] - CHECKER).max(axis=(1, 2)) < 0.05
        out: np.ndarray = np.where(fired & self.planted, (own + 1) % N_CLASSES, own)
        return out


def _flags(strategy: str, located: bool | None, n: int = 6) -> FindingBatch:
    images = _stamped(_images(n, np.random.default_rng(3)))
    columns: dict[str, Any] = {"image": np.arange(n), "box": np.asarray([list(BOX)] * n)}
    if strategy == SOURCE_CLASS:
        columns["source"] = np.full(n, 3)
    if located is not None:
        columns["located"] = np.full(n, int(located))
    return FindingBatch(
        kind="strip-flag",
        inputs=np.stack([images, np.zeros_like(images)], axis=1),
        outputs=Fake(True).predict(images)[:, None],
        severity=np.ones(n),
        columns=columns,
        details={"strategy": strategy},
    )


def _replay(model: Fake, batch: FindingBatch) -> Any:
    clean = _images(120, np.random.default_rng(0))
    return replay_backdoor(
        [batch],
        model,
        clean,
        seed=0,
        threshold=0.9,
        scan_threshold=0.9,
        strip_fpr=0.1,
        strip_blends=8,
    )


def test_located_class_map_flags_hold_on_the_trojan_and_not_on_its_twin() -> None:
    held = _replay(Fake(True), _flags(CLASS_MAP, True))
    # main: total 0, 6 skipped ("a class-map flag, which this assay does not replay")
    assert (held.total, held.still_failing, held.skipped) == (6, 6, 0), held
    fixed = _replay(Fake(False), _flags(CLASS_MAP, True))
    assert (fixed.total, fixed.still_failing, fixed.skipped) == (6, 0, 0), fixed


def test_unlocated_or_older_flags_are_still_said_as_not_replayed() -> None:
    for strategy, which in ((CLASS_MAP, "class-map"), (SOURCE_CLASS, "source-class")):
        for located in (False, None):
            r = _replay(Fake(True), _flags(strategy, located))
            assert (r.total, r.skipped) == (0, 6), r
            assert r.why_skipped.startswith(
                f"a {which} flag not located (its whole group flagged) or stored by an older "
                "assay, which this assay does not replay"
            ), r.why_skipped
