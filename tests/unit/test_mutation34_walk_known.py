"""strat33's check of drafts against the known minimal errors is the exploring walkers'
alone: a harvesting walker's drafts keep its failing core (each holds a known minimal
error: that is the harvest) and are sent as before (mutation34: mutant WN4, every walker
checked, survived).  And KnownErrors finds an error of exactly ``_PAIRED`` distinct words
in a case of those words (mutant KN3)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from test_strat33_novel_drafts import _engine  # isort: skip

from assay.text.known import _PAIRED, KnownErrors


def test_harvesting_walkers_still_send_drafts_holding_their_core(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    holding: dict[bool, int] = {}
    for novel in (False, True):
        engine = _engine(novel, "flipped_words", monkeypatch)
        engine.step()
        walk = engine.strategy
        out = walk.propose(engine, 10_000)
        harvesting = [
            c
            for i, c in enumerate(out)
            if walk.owners[i] >= 0 and walk.errs[walk.owners[i]] and walk.mode[walk.owners[i]]
        ]
        holding[novel] = sum(engine.known_core(c) is not None for c in harvesting)
    assert holding[False] >= 5
    assert holding[True] == holding[False]


def test_an_error_of_as_many_words_as_paired_is_found_in_a_case_of_them() -> None:
    words = [f"w{i}" for i in range(_PAIRED)]
    known = KnownErrors()
    known.add(" ".join(words), "s", "\x1f")
    assert known.within([" ".join(words)], None) == " ".join(words)
    assert known.within([" ".join([*words[:3], *words])], "s") == " ".join(words)
