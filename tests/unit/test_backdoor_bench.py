"""How bench/backdoor.py counts the issue's input-scan targets (the benchmark's own logic)."""

from __future__ import annotations

import importlib.util
import sys
from collections import defaultdict
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

BENCH = Path(__file__).resolve().parents[2] / "bench" / "backdoor.py"


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_backdoor", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_backdoor"] = module
    spec.loader.exec_module(module)
    return module


def _checks(b: ModuleType, m: dict[str, Any]) -> dict[str, tuple[bool, str]]:
    """The targets' lines for one model's measures, as the group "2x2"."""
    totals: dict[tuple[str, str], dict[str, Any]] = defaultdict(lambda: defaultdict(list))
    for key, val in m.items():
        totals[("2x2", "assay")][key].extend(val if isinstance(val, list) else [val])
    return {name: (ok, figure) for name, ok, figure in b.input_targets(totals)}


def _said(check: tuple[bool, str]) -> tuple[bool, str]:
    """A target's verdict and its figure up to its count (audit46b added "k of n" and the
    interval after it)."""
    ok, figure = check
    return ok, figure.split(", 95 % CI")[0]


def test_targets_count_images_the_trigger_acts_on_and_lured_images_repaired_apart() -> None:
    """Poisoned images 0-3: the trigger sends 0-2 to its target (7) and does nothing to 3 (the
    model answers its own class with and without it); all but 3 are flagged.  Clean images
    4-6: 4 is lured (the model answers 7 for a '1': a look-alike of the trigger) and flagged
    at the trigger's place with its true label restored; 5 is flagged elsewhere (a false
    alarm); 6 is not flagged.  Detection counts on 0-2 (3 of 3; 3 of 4 on every poisoned
    image, printed beside); clean flagged counts 5 only (1 of 3; 2 of 3 with the lured one)."""
    b = _bench()
    box = (5, 5, 2, 2)
    data = {
        "poisoned": np.array([True] * 4 + [False] * 3),
        "labels": np.array([1, 2, 3, 4, 1, 2, 3]),
    }
    answers = {
        "images": np.array([7, 7, 7, 4, 7, 2, 3]),
        "originals": np.array([1, 2, 3, 4, 7, 2, 3]),
    }
    flag = {"poisoned": True, "box": list(box), "queries": 3}
    rows: list[dict[str, Any]] = [
        {**flag, "image": 0, "corrected": 1},
        {**flag, "image": 1, "corrected": 2},
        {**flag, "image": 2, "corrected": 3},
        {"image": 3, "poisoned": False, "queries": 20},
        {**flag, "image": 4, "corrected": 1},
        {**flag, "image": 5, "corrected": 2, "box": [0, 0, 2, 2]},
        {"image": 6, "poisoned": False, "queries": 20},
    ]
    m = b.measure(rows, data, box, answers, 7)
    assert (m["detected"], m["n_pois"], m["detected_sent"], m["n_sent"]) == (3, 4, 3, 3)
    assert (m["clean_flagged"], m["clean_flagged_false"], m["clean_lured"]) == (2, 1, 1)
    checks = _checks(b, m)
    assert _said(checks["poisoned detected >= 98 %"]) == (True, "100.0 % (2x2; 3 of 3")
    assert _said(checks["  (on every poisoned image)"]) == (False, "75.0 % (2x2; 3 of 4")
    assert _said(checks["clean flagged <= 1 %"]) == (False, "33.3 % (2x2; 1 of 3")
    assert _said(checks["  (with the lured ones)"]) == (False, "66.7 % (2x2; 2 of 3")
    assert _said(checks["corrected label >= 95 %"]) == (True, "100.0 % (2x2; 3 of 3")


def test_each_model_is_printed_with_its_accuracy_and_its_trigger_success() -> None:
    from types import SimpleNamespace

    b = _bench()
    trojaned = SimpleNamespace(accuracy=0.9612, attack_success=[0.987])
    clean = SimpleNamespace(accuracy=0.955, attack_success=[])
    line = b.model_line([("2x2 solid", trojaned, object()), ("clean", clean, None)])
    assert "2x2 solid 0.961 / 0.987" in line and "clean 0.955" in line
    assert "clean 0.955 /" not in line


def test_queries_once_known_are_also_counted_on_the_images_matched_when_scanned() -> None:
    """Three poisoned images flagged with a known trigger: two matched when scanned (2 and 4
    queries), one rechecked after its own full search missed (400: the search and the match,
    ``backdoor/recheck.py``).  q/known counts all three (135.3); the line beside it the two
    matched when scanned (3.0)."""
    b = _bench()
    data = {"poisoned": np.array([True, True, True]), "labels": np.array([1, 2, 3])}
    answers = {"images": np.array([7, 7, 7]), "originals": np.array([1, 2, 3])}
    flag = {"poisoned": True, "box": [5, 5, 2, 2], "known_trigger": True}
    rows: list[dict[str, Any]] = [
        {**flag, "image": 0, "corrected": 1, "queries": 2},
        {**flag, "image": 1, "corrected": 2, "queries": 4},
        {**flag, "image": 2, "corrected": 3, "queries": 400, "rechecked": True},
    ]
    m = b.measure(rows, data, (5, 5, 2, 2), answers, 7)
    assert m["q_known"] == [2, 4, 400] and m["q_matched"] == [2, 4]
    checks = _checks(b, m)
    assert checks["<= 10 queries once known"] == (False, "135.3 (2x2)")
    assert checks["  (matched when scanned)"] == (True, "3.0 (2x2)")


def test_images_searched_afresh_after_their_trigger_is_known_are_counted() -> None:
    """Scan order: clean image 0 lured to the target and flagged at the trigger's place (the
    trigger is known from here on); poisoned image 1 matched (3 queries); poisoned image 2
    searched afresh and flagged with a new form (300); poisoned image 3 missed (50); poisoned
    image 4 rechecked after the scan (its miss and the match, 400); poisoned image 5 matched
    (2).  q/known counts 1, 4 and 5 (135.0); two of five were searched afresh and flagged,
    one missed: afresh 3 of 5, and the line "(every image after the first)" is the mean of
    all five (151.0), which q/known leaves out."""
    b = _bench()
    box = (5, 5, 2, 2)
    data = {"poisoned": np.array([False] + [True] * 5), "labels": np.array([1, 2, 3, 4, 5, 6])}
    answers = {"images": np.array([7] * 6), "originals": np.array([1, 2, 3, 4, 5, 6])}
    flag = {"poisoned": True, "box": [5, 5, 2, 2]}
    rows: list[dict[str, Any]] = [
        {**flag, "image": 0, "corrected": 1, "queries": 60, "known_trigger": False},
        {**flag, "image": 1, "corrected": 2, "queries": 3, "known_trigger": True},
        {**flag, "image": 2, "corrected": 3, "queries": 300, "known_trigger": False},
        {"poisoned": False, "box": None, "image": 3, "queries": 50},
        {
            **flag,
            "image": 4,
            "corrected": 5,
            "queries": 400,
            "known_trigger": True,
            "rechecked": True,
        },
        {**flag, "image": 5, "corrected": 6, "queries": 2, "known_trigger": True},
    ]
    m = b.measure(rows, data, box, answers, 7)
    assert m["q_known"] == [3, 400, 2]
    assert m["afresh"] == 3 and m["q_after"] == [3, 300, 50, 400, 2]
    checks = _checks(b, m)
    assert checks["<= 10 queries once known"] == (False, "135.0 (2x2)")
    assert checks["  (every image after the first)"] == (False, "151.0 (2x2)")
