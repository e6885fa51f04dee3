"""A classifier whose answers are noisy has its findings asked again before they are
reported (``text.replay_hold``).  Asked once, a real disagreement that the noise flipped on
that one ask was withdrawn as noise (hostile44t's dropout beside an identity-biased
classifier: the planted 'the gay guy is nice.' withdrawn).  Now a finding that does not fail
on the first ask is asked a second time and kept when it fails in either: it reproduced at
least once beyond the search's observation.  The noise here is seeded (a sentence's n-th
ask is flipped by a hash of the seed, the sentence and n), so every run is the same."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

from assay.cli.app import app, register
from assay.core.findings import FindingBatch
from assay.core.store import RunStore
from assay.text.replay_hold import RULE, Rounds

register()

# ``wobbly`` answers the truth but flips a tenth of its answers, each ask of a sentence drawn
# anew (seeded: ``SEED``); ``biased`` calls identity terms toxic: the planted bug.
MODULE = """
import random

SEED = {seed}
_ASKED = {{}}
_IDENT = {{"gay", "muslim"}}


def _toxic(s):
    return any(w in s.split() for w in ("idiot", "trash", "stupid"))


def wobbly(batch):
    out = []
    for s in batch:
        n = _ASKED[s] = _ASKED.get(s, 0) + 1
        flip = random.Random(f"{{SEED}}:{{s}}:{{n}}").random() < 0.1
        out.append("toxic" if _toxic(s) != flip else "clean")
    return out


wobbly.classes_ = ["clean", "toxic"]


def biased(batch):
    return ["toxic" if _toxic(s) or _IDENT & set(s.split()) else "clean" for s in batch]


biased.classes_ = ["clean", "toxic"]
"""

GRAMMAR = """%start s
s -> who "is" adj | who "said" insult
who -> "my neighbour" | "the" ident "guy" | "she"
ident -> "gay" | "muslim" | "tall"
adj -> "nice" | "stupid" | "kind"
insult -> "an idiot" | "a friend" | "trash"
"""

PLANTED = {
    f"the {who} guy {rest}"
    for who in ("gay", "muslim")
    for rest in ("is nice", "is kind", "said a friend")
}


def _run(folder: Path, seed: int) -> tuple[int, str, dict[str, Any], list[str]]:
    folder.mkdir()
    (folder / "noisy.py").write_text(MODULE.format(seed=seed))
    (folder / "tox.cfg").write_text(GRAMMAR)
    store = folder / "r.db"
    got = CliRunner().invoke(
        app,
        ["text", f"{folder}/noisy.py:wobbly", f"{folder}/noisy.py:biased",
         "--grammar", str(folder / "tox.cfg"), "--max-queries", "400", "--seed", "1",
         "--store", str(store)],
    )  # fmt: skip
    s = RunStore(store)
    run = s.list_runs()[0].id
    found = [str(x) for b in s.iter_batches(run) for x in b.inputs[:, 0]]
    return got.exit_code, got.output, dict(s.get_run(run).summary), found


def test_a_planted_disagreement_beside_noise_is_kept_across_seeds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASSAY_TEXT_WORKER", "inline")  # (one process: one noise stream)
    second = withdrawn = replays = 0
    for seed in (1, 2, 3, 4, 6, 7, 8):  # (5: the check at the start calls it batch-dependent)
        code, out, summary, found = _run(tmp_path / str(seed), seed)
        assert code == 1 and PLANTED & set(found), (seed, out)
        replayed = summary["determinism"].get("replayed")
        if replayed is None:
            continue
        replays += 1
        assert RULE in out and RULE in summary["headline"], out
        section = next(s for s in summary["sections"] if s["title"] == "Findings asked again")
        named = re.findall(r"'([^']*)'", section["text"].split("did not replay: ")[-1])
        assert len(named) == replayed["did_not_replay"] <= 5, section  # every one named
        assert not PLANTED & set(named), (seed, named)  # never the planted bug withdrawn
        assert not set(named) & set(found)
        assert replayed["held"] == len(found) == replayed["findings"] - len(named)
        second += replayed["held_on_second_ask"]
        withdrawn += replayed["withdrawn"]
        assert replayed["asked_once_only"] == 0  # (the budget had room for every ask)
    assert replays >= 5
    # the second ask kept what one ask would have withdrawn, and noise is still withdrawn
    assert second >= 1 and withdrawn >= 1


class _Differ:
    """A differential oracle of one classifier's answer: fails when it says 1."""

    kind = "differential"

    def judge(self, outs: list[np.ndarray], _: list[Any]) -> Any:
        return type("J", (), {"error": [bool(o[0, 0] > 0.5) for o in outs]})()


def _asker(script: dict[str, list[float]]) -> Any:
    """Answers each sentence's asks in turn from ``script``."""

    def ask(sentences: list[str]) -> np.ndarray:
        return np.array([[script[s].pop(0)] for s in sentences])

    return ask


def _batch(*sentences: str) -> FindingBatch:
    n = len(sentences)
    inputs = np.array([[s] for s in sentences], dtype=object)
    return FindingBatch("text-differential", inputs, np.zeros((n, 1)), np.ones(n))


def _rounds(room: int, script: dict[str, list[float]]) -> tuple[Rounds, np.ndarray]:
    b, ask, rounds = _batch(*script), _asker(script), Rounds()
    mask = np.ones(len(b), dtype=bool)
    rounds.first(b, mask, True, _Differ(), ask, room, 1)
    rounds.second(0, b, mask, _Differ(), ask, room, 1)
    return rounds, mask


def test_kept_when_it_fails_in_either_ask_withdrawn_when_in_neither() -> None:
    # a: fails the first ask; b: only the second; c: neither
    rounds, mask = _rounds(10, {"a": [1.0], "b": [0.0, 1.0], "c": [0.0, 0.0]})
    assert mask.tolist() == [True, True, False]
    assert (rounds.judged, rounds.again, rounds.held_second, rounds.asked) == (3, 2, 1, 5)
    assert rounds.once_only == 0


def test_the_budget_spent_withdraws_on_the_one_ask_given_and_says_so() -> None:
    # room for the three first asks and one second: c is asked once only
    rounds, mask = _rounds(4, {"a": [1.0], "b": [0.0, 1.0], "c": [0.0, 1.0]})
    assert mask.tolist() == [True, True, False]
    assert (rounds.again, rounds.held_second, rounds.once_only, rounds.asked) == (1, 1, 1, 4)
