"""left48b: a class-map or source-class check the query budget left unasked is no pass, and
STRIP's caveats name the clean images they ask the user to check.

STRIP's second opinion keeps room in its budget for the common-pattern check's most only,
so a budget it fits could leave the class-map or source-class check unasked: the headline
said "the class-map check not asked (the query budget left ...)" and the run passed (exit 0),
though nothing else looks for an all-to-all or a source-specific trigger (``second.not_asked``
read the common-pattern check's skip only).  And STRIP's caveats said "if the clean images
(--clean) hold poisoned ones ... check that they are clean" without naming any, where the
source-class check's skip names them (left46c, left47b)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np

from assay.backdoor.common_pattern import pattern_skipped
from assay.backdoor.second import not_asked
from assay.backdoor.second_view import merge_opinions
from assay.backdoor.summary import _lowest_clean


def _opinion(**checks: Any) -> dict[str, Any]:
    """A second opinion not given whose common-pattern check was asked and not given."""
    return {"given": False, "pattern": {"given": False, "queries": 60}, **checks}


def test_a_window_check_skipped_for_the_budget_is_no_pass() -> None:
    for key, check, what in (
        ("map", "class-map", "sends each class to another (all-to-all)"),
        ("source", "source-class", "fires on images of one source class only"),
    ):
        why = not_asked(_opinion(**{key: pattern_skipped(300, 840)}))
        # main: None (exit 0, "the class-map check not asked (...)" in the headline only)
        assert why is not None, key
        assert why.startswith(
            f"the {check} check was not asked (the query budget left 300 of the 840 it needs)"
        ), why
        assert f"a trigger that {what}" in why and "raise --max-queries by 540 or more" in why


def test_checks_asked_or_not_needed_are_no_reason() -> None:
    quiet = {"given": False, "groups": [], "queries": 30}
    assert not_asked(_opinion(map={"given": False, "windows": [], "queries": 30})) is None
    assert not_asked(_opinion(map=quiet, source=quiet)) is None
    assert not_asked(_opinion()) is None
    # a run in units: one unit's skip is the merged record's
    merged = merge_opinions([_opinion(map=pattern_skipped(3, 80)), _opinion(map=quiet)])
    assert merged is not None
    why = not_asked(merged)
    assert why is not None and "the class-map check was not asked (in 1 of 2 units" in why


def _search(entropy: list[float], n_clean: int, **test: Any) -> SimpleNamespace:
    return SimpleNamespace(
        test=SimpleNamespace(clean=np.zeros((n_clean, 2, 2, 1)), **test), clean_entropy=entropy
    )


def test_strip_s_caveats_name_the_lowest_clean_images() -> None:
    # 10 clean images: 0-4 the blending pool, 5-9 the calibration half (entropies in order)
    entropy = [0.5, 0.001, 0.6, 0.0004, 0.55]
    said = _lowest_clean(_search(entropy, 10), 0.025)
    assert said == "; the 2 under 0.025 bits, lowest first: 8, 6; counted from 0", said
    files = [f"c{i}.png" for i in range(10)]
    said = _lowest_clean(_search(entropy, 10, clean_names=files), 0.025, " (", ")")
    assert said == " (the 2 under 0.025 bits, lowest first: c8.png, c6.png)", said
    # copies dropped from --clean: the places the user gave them at
    index = [0, 1, 2, 3, 5, 6, 7, 8, 9, 11]
    said = _lowest_clean(_search(entropy, 10, clean_index=index), 0.025)
    assert said.endswith("lowest first: 9, 7; counted from 0"), said
    many = [0.001 * k for k in range(1, 8)]
    said = _lowest_clean(_search(many, 14), 0.1)
    assert said.endswith("the 7 under 0.1 bits, lowest first: 7, 8, 9, 10, 11 ...; counted from 0")
    assert _lowest_clean(_search(entropy, 10), 0.0001) == ""  # (none under)
    assert _lowest_clean(_search([], 10), 0.1) == ""
