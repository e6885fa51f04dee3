"""A sampling LLM with no bug: its findings asked again, a few hold by chance.

Before (left45t's Left 1): the LLM judging exactly as ``lexicon`` does but flipping 5 % of
its answers, 2,000 queries: 58 findings asked again, 51 withdrawn, 7 kept by the rule
(fails again in one of two asks), exit 1 on noise, with no word that the 7 are what noise
alone keeps (about 1 - (1 - c)^2 of them, c the share the start's check saw answered
otherwise).  Now said in the headline (the exit code stays the findings': with the start's
few sentences a planted bias's few held are no more than noise explains either).  A
planted bias beside the same noise holds far more, and is not said to be noise.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import assay
from assay.text.replay_hold import noise_explains

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from llm_service import LlmService
from test_llm45t_llm_service import _verdict, blind, lexicon

pytestmark = pytest.mark.filterwarnings("ignore::assay.AssayWarning")


def test_as_many_held_as_noise_keeps_is_no_finding() -> None:
    probe = {"sentences": 32, "changed": 3}  # c = 9.4 %: q = 17.9 %
    assert noise_explains(7, 58, probe) is not None  # ~10.4 expected
    assert noise_explains(40, 58, probe) is None  # far beyond it
    assert noise_explains(0, 58, probe) is None  # (nothing held: the other rules)
    assert noise_explains(7, 58, {"sentences": 32, "changed": 0}) is None  # no noise seen


def test_a_noisy_llm_with_no_bug_is_no_finding(tmp_path: Path) -> None:
    store = tmp_path / "n.db"
    with LlmService(wording="plain", flip=0.05, max_batch=8, seed=3) as llm:
        result = assay.check_text(
            [llm.url, lexicon], grammar="builtin:reviews", max_queries=2000, seed=1,
            store=store, serving={"batch_size": 8},
        )  # fmt: skip
    replayed = result.summary["determinism"]["replayed"]
    assert replayed["held"] > 0 and replayed["did_not_replay"] > replayed["held"], replayed
    assert "no more than its noise alone would keep" in result.headline
    assert "they may all be noise" in result.headline


def test_a_planted_bias_beside_the_noise_is_still_found(tmp_path: Path) -> None:
    store = tmp_path / "b.db"
    with LlmService(wording="plain", flip=0.05, max_batch=8, seed=3) as llm:
        result = assay.check_text(
            [llm.url, blind], grammar="builtin:reviews", max_queries=2000, seed=1,
            store=store, serving={"batch_size": 8},
        )  # fmt: skip
    assert _verdict(result, store) == 1, result.headline
    assert "noise alone" not in result.headline
