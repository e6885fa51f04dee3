"""Planted bugs must be found, and clean classifiers must stay quiet, for every strategy."""

from __future__ import annotations

import contextlib
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assay.core.model import Capabilities
from assay.core.notices import AssayWarning
from assay.core.store import RunStore
from assay.text.api import check_text, setup_text
from assay.text.generate import Draws, Sampler, nodes
from assay.text.grammar import parse_grammar
from assay.text.strategies import STRATEGIES
from assay.text.summary import SEARCH_RATE, SEARCH_SHARE, WALL_SHARE

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures"))
import text_fakes

LABELS = ("negative", "positive")
NEGATIONS = ("not", "never", "hardly")


class Fake:
    """A text classifier from a function over a batch of sentences."""

    def __init__(self, fn: object) -> None:
        self.fn = fn
        self.capabilities = Capabilities(
            modality="text", n_classes=2, outputs="proba", class_names=LABELS
        )

    def predict(self, texts: Sequence[str], /) -> np.ndarray:
        return np.asarray(self.fn(list(texts)))  # type: ignore[operator]


def _run(tmp_path: Path, models: list[Fake], strategy: str, **kw: object):  # type: ignore[no-untyped-def]
    return check_text(
        models,
        grammar=kw.pop("grammar", "builtin:reviews"),
        strategy=strategy,
        max_queries=int(kw.pop("max_queries", 1500)),  # type: ignore[call-overload]
        seed=int(kw.pop("seed", 4)),  # type: ignore[call-overload]
        store=RunStore(tmp_path / "runs.db"),
        **kw,
    )


@pytest.mark.parametrize("strategy", ["walk", "harvest", "random", "ogma"])
def test_planted_negation_bug_is_found_and_minimal_sentences_hold_a_negation(
    tmp_path: Path, strategy: str
) -> None:
    r = _run(tmp_path, [Fake(text_fakes.lexicon), Fake(text_fakes.negation_blind)], strategy)
    frame = r.findings()
    assert len(frame) >= 5, r.headline
    with_negation = frame["minimal"].map(lambda s: any(n in s.split() for n in NEGATIONS))
    assert with_negation.mean() > 0.8, frame["minimal"].tolist()
    # shrinking: the minimal sentence is no longer than the sentence found, and still fails
    assert (frame["minimal"].str.split().map(len) <= frame["sentence"].str.split().map(len)).all()
    again = np.asarray(text_fakes.lexicon(list(frame["minimal"])))[:, 1] > 0.5
    blind = np.asarray(text_fakes.negation_blind(list(frame["minimal"])))[:, 1] > 0.5
    assert (again != blind).all()
    assert r.summary["metrics"]["errors found (distinct failing sentences)"] >= len(frame)


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_identical_classifiers_give_no_finding(tmp_path: Path, strategy: str) -> None:
    grammar = "builtin:names" if strategy == "exhaustive" else "builtin:reviews"
    # (800 of the names grammar's 1,575 derivations in the exhaustive order: the API caller
    # is warned of the share it reaches, left44t)
    warned = (
        pytest.warns(AssayWarning, match="fixed order")
        if strategy == "exhaustive"
        else contextlib.nullcontext()
    )
    with warned:
        r = _run(
            tmp_path,
            [Fake(text_fakes.lexicon), Fake(text_fakes.lexicon)],
            strategy,
            grammar=grammar,
            max_queries=800,
        )
    assert r.n_findings == 0
    assert r.summary["metrics"]["errors found (distinct failing sentences)"] == 0
    assert "does not show that none exists" in r.headline


def _name_biased(texts: list[str]) -> np.ndarray:
    out = text_fakes.lexicon(texts)
    for i, t in enumerate(texts):
        if "Aisha" in t.split():
            out[i] = out[i][::-1]
    return out


@pytest.mark.parametrize("strategy", ["walk", "random"])
def test_invariance_catches_a_name_biased_classifier_not_a_fair_one(
    tmp_path: Path, strategy: str
) -> None:
    biased = _run(
        tmp_path,
        [Fake(_name_biased)],
        strategy,
        grammar="builtin:names",
        oracle="invariance",
        max_queries=1200,
    )
    frame = biased.findings()
    assert len(frame) > 0
    assert all(
        "Aisha" in (m + " " + v).split()
        for m, v in zip(frame["minimal"], frame["variant"], strict=True)
    )
    fair = _run(
        tmp_path,
        [Fake(text_fakes.lexicon)],
        strategy,
        grammar="builtin:names",
        oracle="invariance",
        max_queries=1200,
    )
    assert fair.n_findings == 0


def test_directional_negation_expectation_catches_the_negation_blind_model(
    tmp_path: Path,
) -> None:
    blind = _run(
        tmp_path, [Fake(text_fakes.negation_blind)], "walk", oracle="directional", max_queries=600
    )
    assert blind.n_findings > 0
    assert all(" not " in f" {v} " for v in blind.findings()["variant"])


def test_ogma_from_a_seed_without_the_category_does_not_loop(tmp_path: Path) -> None:
    """The seed 'hello there' has no category with two words to swap: Ogma restarts."""
    g = parse_grammar("S -> 'hello there' | A 'world'\nA -> 'good' | 'bad' | 'new'\n")
    setup = setup_text(
        [Fake(text_fakes.lexicon), Fake(text_fakes.negation_blind)], grammar=g, strategy="ogma"
    )
    seed_tree = next(
        t
        for t in (Sampler(g).sentence_tree(Draws(np.random.default_rng(i))) for i in range(50))
        if len(nodes(t)) == 1
    )
    setup.test.start = seed_tree
    r = check_text(setup=setup, max_queries=100, seed=1, store=RunStore(tmp_path / "r.db"))
    # four sentences exist; the walk visits them all and ends: no endless loop
    assert r.status == "completed"
    assert r.progress["queries"] == 4


def test_same_seed_same_findings(tmp_path: Path) -> None:
    models = [Fake(text_fakes.lexicon), Fake(text_fakes.negation_blind)]
    a = _run(tmp_path, models, "walk", seed=9, max_queries=700).findings()
    b = _run(tmp_path, models, "walk", seed=9, max_queries=700).findings()
    assert a["minimal"].tolist() == b["minimal"].tolist()


@pytest.mark.parametrize(
    ("strategy", "other"),
    [
        *((s, "negation_blind") for s in ("walk", "explore", "harvest", "ogma", "random")),
        # errors common: the default draws its exploring material shorter (strat31)
        ("walk", "flipped_words"),
    ],
)
def test_stopping_at_every_checkpoint_and_resuming_changes_nothing(
    tmp_path: Path, strategy: str, other: str
) -> None:
    """Resume from each checkpoint in turn: the findings equal an uninterrupted run's."""
    from assay.core.run import execute

    models = [Fake(text_fakes.lexicon), Fake(getattr(text_fakes, other))]
    setup = setup_text(models, grammar="builtin:reviews", strategy=strategy)

    def found(store: RunStore, run_id: str) -> list[tuple[str, str]]:
        return sorted(
            (str(b.inputs[i][0]), str(b.inputs[i][1]))
            for b in store.iter_batches(run_id)
            for i in range(len(b))
        )

    results = []
    for stop in (None, 1):
        store = RunStore(tmp_path / f"{strategy}-{stop}.db")
        store.create_run(run_id="r", technique="text", seed=5, command="", config={},
                         model={}, versions={})  # fmt: skip
        resume = False
        for _ in range(200):
            out = execute(setup.test, setup.model, store=store, run_id="r", seed=5,
                          max_queries=900, resume=resume, commit_interval=0.0,
                          stop_after_checkpoints=stop)  # fmt: skip
            resume = True
            if out.status != "interrupted":
                break
        results.append((found(store, "r"), store.get_run("r").summary["metrics"]))
    (a, ma), (b, mb) = results
    assert a and a == b
    timed = ("errors per second", SEARCH_RATE, SEARCH_SHARE, WALL_SHARE)
    assert {k: v for k, v in ma.items() if k not in timed} == {
        k: v for k, v in mb.items() if k not in timed
    }


@pytest.mark.parametrize("strategy", ["walk", "harvest", "ogma"])
def test_every_failing_proposal_is_counted_once_with_lazy_shrinking(
    tmp_path: Path, strategy: str
) -> None:
    """The walk does not shrink an error holding a known minimal error: it counts it as a
    duplicate of that one.  Every failing case the search proposed still counts once, and
    every minimal sentence reported fails the same way and lies within its original."""
    r = _run(
        tmp_path, [Fake(text_fakes.lexicon), Fake(text_fakes.negation_blind)], strategy,
        max_queries=600,
    )  # fmt: skip
    frame = r.findings()
    m = r.summary["metrics"]
    assert 0 < len(frame) == m["distinct minimal failing sentences"] <= 200
    assert int(frame["times_found"].sum()) == m["errors among proposed cases"]
    for small, big in zip(frame["minimal"], frame["sentence"], strict=True):
        it = iter(re.findall(r"\w+", big))
        assert all(any(w == b for b in it) for w in re.findall(r"\w+", small)), (small, big)
    again = np.asarray(text_fakes.lexicon(list(frame["minimal"])))[:, 1] > 0.5
    blind = np.asarray(text_fakes.negation_blind(list(frame["minimal"])))[:, 1] > 0.5
    assert (again != blind).all()


SKEWED = """
s -> "the" thing "was" quality "."
thing -> "food" [10000] | "room" | "staff" | "view" | "bed" | "bar" | "pool" | "desk"
quality -> "good" [10000] | "bad" | "not good" | "great" | "not bad" | "slow" | "quick" | "cold"
"""


@pytest.mark.parametrize("strategy", ["walk", "random", "ogma"])
def test_a_small_space_is_covered_before_the_run_stops(tmp_path: Path, strategy: str) -> None:
    """Weighted draws that keep repeating the same sentence must not end the run early: the
    64 sentences of this grammar are all asked (the budget allows 100) before it stops."""
    grammar = tmp_path / "skewed.cfg"
    grammar.write_text(SKEWED)
    r = _run(
        tmp_path,
        [Fake(text_fakes.lexicon), Fake(text_fakes.negation_blind)],
        strategy,
        grammar=str(grammar),
        max_queries=100,
    )
    assert r.progress["queries"] == 64, r.progress


def test_resuming_where_draws_fall_back_to_the_list_changes_nothing(tmp_path: Path) -> None:
    """On the skewed grammar the walk's draws stall and fall back to the derivations not
    judged yet: stopping at the first checkpoint and resuming gives the same findings."""
    from assay.core.run import execute

    grammar = tmp_path / "skewed.cfg"
    grammar.write_text(SKEWED)
    models = [Fake(text_fakes.lexicon), Fake(text_fakes.negation_blind)]
    setup = setup_text(models, grammar=str(grammar), strategy="walk", batch=16)
    results = []
    for stop in (None, 1):
        store = RunStore(tmp_path / f"skewed-{stop}.db")
        store.create_run(run_id="r", technique="text", seed=5, command="", config={},
                         model={}, versions={})  # fmt: skip
        resume = False
        for _ in range(200):
            out = execute(setup.test, setup.model, store=store, run_id="r", seed=5,
                          max_queries=60, resume=resume, commit_interval=0.0,
                          stop_after_checkpoints=stop)  # fmt: skip
            resume = True
            if out.status != "interrupted":
                break
        found = sorted(str(b.inputs[i][0]) for b in store.iter_batches("r") for i in range(len(b)))
        results.append((found, store.get_run("r").progress["queries"]))
    assert results[0][0], "the planted negation bug gave no finding"
    assert results[0] == results[1]
    assert results[0][1] == 60


def test_harvesting_finds_more_failing_sentences_per_query_than_exploring(tmp_path: Path) -> None:
    """Harvesting keeps the failing core of each walker's sentence: on the planted negation
    bug it finds more failing sentences per query than the walk that never harvests
    (``explore``; same budget, same seeds), most of them duplicates of fewer distinct
    minimal errors."""
    models = [Fake(text_fakes.lexicon), Fake(text_fakes.negation_blind)]
    rates: dict[str, list[float]] = {"explore": [], "harvest": []}
    minimal: dict[str, list[int]] = {"explore": [], "harvest": []}
    for seed in (1, 2, 3):
        for strategy in rates:
            m = _run(tmp_path, models, strategy, seed=seed, max_queries=1200).summary["metrics"]
            rates[strategy].append(m["errors per 1,000 queries of the search phase only"])
            minimal[strategy].append(m["distinct minimal failing sentences"])
    assert np.mean(rates["harvest"]) > 1.1 * np.mean(rates["explore"]), rates
    assert np.mean(minimal["harvest"]) < np.mean(minimal["explore"]), minimal


def _metrics(tmp_path: Path, models: list[Fake], strategies: tuple[str, ...]) -> Any:
    out: dict[str, dict[str, list[float]]] = {}
    for seed in (1, 2, 3):
        for strategy in strategies:
            m = _run(tmp_path, models, strategy, seed=seed, max_queries=1200).summary["metrics"]
            got = out.setdefault(strategy, {"rate": [], "minimal": []})
            got["rate"].append(m["errors per 1,000 queries of the search phase only"])
            got["minimal"].append(m["distinct minimal failing sentences"])
    return {s: {k: float(np.mean(v)) for k, v in d.items()} for s, d in out.items()}


def test_the_default_harvests_where_errors_are_rare(tmp_path: Path) -> None:
    """Where random sentences rarely fail (the planted negation bug), each failing sentence
    is worth finding: the default walk's walkers mostly harvest, and it finds clearly more
    failing sentences per query than the walk that never does."""
    models = [Fake(text_fakes.lexicon), Fake(text_fakes.negation_blind)]
    got = _metrics(tmp_path, models, ("walk", "explore"))
    assert got["walk"]["rate"] > 1.15 * got["explore"]["rate"], got


def test_the_default_explores_where_errors_are_common(tmp_path: Path) -> None:
    """Where random sentences often fail (half the lexicon's words flipped), what is worth
    finding is a new way of failing: the default walk keeps far more distinct minimal
    errors than harvesting does."""
    models = [Fake(text_fakes.lexicon), Fake(text_fakes.flipped_words)]
    got = _metrics(tmp_path, models, ("walk", "harvest"))
    assert got["walk"]["minimal"] > 1.8 * got["harvest"]["minimal"], got
