"""The model scan on a small torch CNN (digits upsampled to 32x32, bench/backdoor_cnn.py),
handed to check_backdoor as the nn.Module itself (branch bd29).

On these CNNs no patch up to half the side reaches any class but the trigger's target.  The
4x4 checkerboard at (0, 0) -> 5 of seed 11 is found (a 3x3 part of it at (1, 1)) and sends
held-out clean digits there, but one source class below 90 %: the trigger itself spares some
digits whose stroke runs into its corner.  Held out strictly (as a class with no other class
to compare its pixels with was) it was set aside; as the only class any patch reaches, it is
held out as a strong shortcut and named.  The clean CNN of the same seed is named nothing.
(How far the trigger spares that class varies with the CPU torch trains on: 0.9412 on the
fiftieth session's fresh machine, where the strict check would not have missed it.)"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

pytest.importorskip("torch")

from assay.backdoor.api import check_backdoor
from assay.backdoor.demo import PlantedTrigger, checker

pytestmark = pytest.mark.slow

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))


def test_a_cnn_trigger_that_spares_a_source_class_is_named_and_a_clean_cnn_is_not(
    tmp_path: Path,
) -> None:
    import backdoor_cnn as cnn

    trig = PlantedTrigger((0, 0, 4, 4), checker(4), 5)
    d = cnn.trojaned_cnn(seed=11, triggers=[trig])
    assert d.accuracy > 0.9 and d.attack_success[0] > 0.95
    r = check_backdoor(
        d.model, images=False, clean=d.clean_images[:200], seed=0, store=tmp_path / "t.db"
    )
    verdict = r.summary["verdict"]
    assert verdict["suspects"] == [5], r.headline
    scans = r.summary["class_scans"]
    assert [c["target"] for c in scans if c["size"] is not None] == [5]  # alone reached
    # held out as a strong shortcut; whether one source class stays below 90 % (the strict
    # check's miss, on the machine bd29 trained it) depends on the CPU torch trains on: a
    # fresh machine of this kind gave 0.9412 (the lone-class rule itself: test_bd29_lone_class)
    assert scans[5]["held_out"] >= 0.9 and scans[5]["lowest_source"] > 0.5, scans[5]
    clean = cnn.trojaned_cnn(seed=11, clean=True)
    r = check_backdoor(
        clean.model, images=False, clean=clean.clean_images[:200], seed=0, store=tmp_path / "c.db"
    )
    assert r.summary["verdict"]["suspects"] == [], r.headline
