"""hostile36: a trojaned model that labelled the clean images and the images scanned as a
model does, then gave one class to everything the scan asked (a served model falling back
to a default once warm), passed: "0 of 60 images carry a confirmed trigger" with 30
poisoned, exit 0.  The one-class watch had seen the start's varied labels; the scan's own
answers are now watched apart (``backdoor.changed``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assay.backdoor.api import check_backdoor
from assay.backdoor.demo import PlantedTrigger, TrojanedDigits, checker, trojaned_digits

pytestmark = pytest.mark.slow

TRIGGER = PlantedTrigger(box=(5, 5, 3, 3), content=checker(3), target=7)


@pytest.fixture(scope="module")
def trojan() -> TrojanedDigits:
    return trojaned_digits(seed=5, triggers=[TRIGGER])


class _SteadyThenStuck:
    """The trojaned model's probabilities for its first ``honest`` calls, then class 0 for
    every image (the calls before: the loading probe, the determinism check's two (hostile39b:
    the same images again in other batches), the start's labelling of the clean images and of
    the images scanned)."""

    def __init__(self, d: TrojanedDigits, honest: int) -> None:
        self.d, self.honest, self.calls = d, honest, 0

    def __call__(self, x: Any) -> np.ndarray:
        self.calls += 1
        p: np.ndarray = self.d.model.predict_proba(np.asarray(x).reshape(len(x), -1))
        if self.calls > self.honest:
            p = np.zeros_like(p)
            p[:, 0] = 1.0
        return p


def _sets(d: TrojanedDigits) -> tuple[np.ndarray, np.ndarray]:
    x, y = d.clean_images, d.clean_labels
    scan = x[-60:].copy()
    poisoned = (np.arange(60) % 2 == 0) & (y[-60:] != TRIGGER.target)
    scan[poisoned] = TRIGGER.apply(scan[poisoned])
    return x[:200, :, :, 0] * 16.0, scan[:, :, :, 0] * 16.0


def _scan(model: Any, d: TrojanedDigits, tmp: Path) -> Any:
    clean, images = _sets(d)
    np.save(tmp / "clean.npy", clean)  # (a file: ``assay verify`` pastes on them again)
    np.save(tmp / "scan.npy", images)
    return check_backdoor(
        model,
        images=str(tmp / "scan.npy"),
        clean=str(tmp / "clean.npy"),
        value_range="0,16",
        seed=0,
        store=tmp / "r.db",
    )


def test_a_model_stuck_on_one_class_after_the_start_has_not_passed(
    trojan: TrojanedDigits, tmp_path: Path
) -> None:
    model = _SteadyThenStuck(trojan, honest=6)
    result = _scan(model, trojan, tmp_path)
    assert model.calls > 6  # (it was stuck for the scan)
    assert result.n_findings == 0
    assert not result.passed  # main: passed, "0 of 60 images carry a confirmed trigger"
    # (or, since the forty-fourth session's checks moved its calls, caught at the end's
    # re-ask: "gave the same class (0) to all 8 images asked again at the end of the scan")
    assert result.untested is not None and (
        "changed during the run" in result.untested
        or "asked again at the end of the scan" in result.untested
    )
    assert result.headline.startswith("NOTHING WAS TESTED")


def test_the_same_model_answering_steadily_is_tested(
    trojan: TrojanedDigits, tmp_path: Path
) -> None:
    result = _scan(_SteadyThenStuck(trojan, honest=10**9), trojan, tmp_path)
    assert result.untested is None and result.n_findings > 0


def test_verify_against_a_model_stuck_after_the_clean_images_shows_nothing_fixed(
    trojan: TrojanedDigits, tmp_path: Path
) -> None:
    """``assay verify`` asks the model the run's clean images, then the triggers pasted on
    them: the run's own trojaned model, stuck on class 0 after those two calls, read "0 of N
    stored findings still hold ...; N no longer do", a pass ("fixed")."""
    import assay

    found = _scan(_SteadyThenStuck(trojan, honest=10**9), trojan, tmp_path)
    assert found.n_findings > 0
    stuck = assay.verify_run(
        found.run_id, store=tmp_path / "r.db", model=_SteadyThenStuck(trojan, honest=2)
    )
    assert stuck.total > 0 and stuck.still_failing == 0
    assert not stuck.passed  # main: passed
    assert "images a stored trigger was pasted on" in stuck.untested
    again = assay.verify_run(
        found.run_id, store=tmp_path / "r.db", model=_SteadyThenStuck(trojan, honest=10**9)
    )
    assert again.still_failing > 0 and not again.untested  # the trojan, answering steadily


def test_a_model_scan_from_clean_images_of_one_class_stops_after_labelling_them(
    trojan: TrojanedDigits, tmp_path: Path
) -> None:
    """Clean images the model puts in one class test nothing in a model scan (it compares
    how the other classes' images reach each class): it said so after asking 165,810
    queries (60 clean 3s, a 10-class MLP); now after labelling them."""
    x = trojan.clean_images
    answers = trojan.model.predict(trojan.spec.to_model(x))
    threes = x[answers == 3][:40, :, :, 0] * 16.0
    np.save(tmp_path / "threes.npy", threes)
    result = check_backdoor(
        _SteadyThenStuck(trojan, honest=10**9),
        clean=str(tmp_path / "threes.npy"),
        value_range="0,16",
        seed=0,
        store=tmp_path / "r.db",
        max_queries=20_000,
    )
    assert result.untested is not None and "one class" in result.untested
    asked = int(result.progress.get("queries") or 0)
    assert asked <= 100, result.progress  # main: 13,075 of its 20,000
