"""Where random sentences often fail and shrinking costs, what the report counts is distinct
minimal errors: the default walk must find clearly more of them than the walk that only
explores (``explore``, which draws new material as the default did before it drew it
shorter there), on a planted pair (half the lexicon's words flipped), same budget and
seeds.  And where errors are rare it keeps harvesting failing sentences as before."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from assay.core.store import RunStore
from assay.text.api import check_text

FAKES = Path(__file__).resolve().parents[1] / "fixtures" / "text_fakes.py"


def _mean(tmp_path: Path, other: str, strategy: str, key: str) -> float:
    got = []
    for seed in (1, 2, 3):
        r = check_text(
            [f"{FAKES}:lexicon", f"{FAKES}:{other}"],
            grammar="builtin:reviews",
            strategy=strategy,
            max_queries=1200,
            seed=seed,
            store=RunStore(tmp_path / "runs.db"),
        )
        got.append(r.summary["metrics"][key])
    return float(np.mean(got))


def test_where_errors_are_common_the_default_finds_more_distinct_minimal_errors(
    tmp_path: Path,
) -> None:
    key = "distinct minimal failing sentences"
    walk = _mean(tmp_path, "flipped_words", "walk", key)
    explore = _mean(tmp_path, "flipped_words", "explore", key)
    random = _mean(tmp_path, "flipped_words", "random", key)
    assert walk > 1.25 * explore, (walk, explore)
    assert walk > 3.0 * random, (walk, random)


def test_where_errors_are_rare_the_default_still_harvests(tmp_path: Path) -> None:
    key = "errors per 1,000 queries"
    walk = _mean(tmp_path, "negation_blind", "walk", key)
    explore = _mean(tmp_path, "negation_blind", "explore", key)
    assert walk > 1.2 * explore, (walk, explore)
