"""An invariance class's case is the set of its sentences, whichever member it began from.

``%invariant q: "good" | "great"`` with a classifier calling "great" negative: "the food was
good." swapped for "great" and "the food was great." swapped for "good" are one pair, one
CheckList test case.  Before, each was its own case, so every failing pair was counted
twice (text42's Left 4: "6 of 12 failing, 6 distinct minimal" where three pairs failed),
and a class of twelve names counted each failing sentence set up to twelve times.  The
figures (findings, the Tests table, errors per 1,000 queries, the headline, JUnit) now
count one failure per failing set of sentences."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest

import assay
from assay.cli.app import main

# (the classifiers by this file's path: ``tests.unit....`` imports only where the repository's
# root is on sys.path, which it is not in every way the suite is run)
HERE = Path(__file__).resolve()


def great_is_neg(batch: Sequence[str]) -> list[str]:
    return ["neg" if "great" in s or "bad" in s else "pos" for s in batch]


great_is_neg.classes_ = ["neg", "pos"]  # type: ignore[attr-defined]

SUBJECTS = 'subj -> "the food" | "the pasta" | "the service"\n'
PAIR = 's -> subj "was" q "."\n' + SUBJECTS + 'q -> "good" | "great" | "bad"\n'
PAIR += '%invariant q: "good" | "great"\n'


def _sets(result: assay.TextResult) -> list[frozenset[str]]:
    rows = result.findings()
    return [frozenset(x) for x in zip(rows["sentence"], rows["variant"], strict=True)]


def test_a_failing_pair_is_one_failure(tmp_path: Path) -> None:
    result = assay.check_text(
        great_is_neg, grammar=PAIR, oracle="invariance", max_queries=300, seed=1,
        store=tmp_path / "r.db",
    )  # fmt: skip
    # three subjects, one pair each: three failures (main: six, each pair from both ends)
    assert result.n_findings == 3, result.headline
    assert len(set(_sets(result))) == 3
    assert result.headline.startswith("3 invariance failures found"), result.headline
    assert "(3 distinct minimal failing sentences)" in result.headline, result.headline
    (test,) = result.summary["text"]["tests"]
    assert (test["cases"], test["failing"], test["distinct minimal"]) == (3, 3, 3), test
    metrics = result.summary["metrics"]
    queries = result.progress["queries"]
    # (the search's own per 1,000; the run's: over every query asked, left45r)
    search = metrics["errors per 1,000 queries of the search phase only"]
    assert search == round(1000 * 3 / queries, 1), metrics
    asked = result.summary["model_queries"]["total"]
    assert metrics["errors per 1,000 queries"] == pytest.approx(1000 * 3 / asked, abs=1e-6)


def test_a_class_of_three_members_is_one_case_per_sentence_set(tmp_path: Path) -> None:
    grammar = PAIR.replace('"great" | "bad"', '"great" | "fine" | "bad"').replace(
        '"good" | "great"\n', '"good" | "great" | "fine"\n'
    )
    result = assay.check_text(
        great_is_neg, grammar=grammar, oracle="invariance", max_queries=300, seed=1,
        store=tmp_path / "r.db",
    )  # fmt: skip
    (test,) = result.summary["text"]["tests"]
    # per subject one set {good, great, fine}: 3 cases, all failing (main: 9 of 9)
    assert (test["cases"], test["failing"]) == (3, 3), test
    assert result.n_findings == 3, result.headline


def test_pairs_reached_through_shrinking_from_either_end_are_one(tmp_path: Path) -> None:
    # "really" is shrunk away: cases begun from "really great" and from "really good"
    # shrink to the pair, each in its own order
    grammar = 's -> subj "was" adv q "."\nadv -> "" | "really"\n' + SUBJECTS
    grammar += 'q -> "good" | "great" | "bad"\n%invariant q: "good" | "great"\n'
    result = assay.check_text(
        great_is_neg, grammar=grammar, oracle="invariance", max_queries=300, seed=2,
        store=tmp_path / "r.db",
    )  # fmt: skip
    sets = _sets(result)
    assert len(sets) == len(set(sets)), sets  # no pair twice, in either order
    (test,) = result.summary["text"]["tests"]
    assert (test["cases"], test["failing"]) == (6, 6), test  # 3 subjects x 2 adverbs
    # "the food was really good." shrinks to "the food was good.": one pair per subject
    assert result.n_findings == 3, result.headline


def test_junit_and_show_count_the_pairs_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    grammar = tmp_path / "g.cfg"
    grammar.write_text(PAIR, encoding="utf-8")
    store, junit = tmp_path / "s.db", tmp_path / "j.xml"
    args = ["text", f"{HERE}:great_is_neg"]
    args += ["--grammar", str(grammar), "--oracle", "invariance", "--max-queries", "300"]
    args += ["--seed", "1", "--store", str(store), "--junit", str(junit), "--json"]
    with pytest.raises(SystemExit) as ended:
        main(args)
    assert ended.value.code == 1
    run_id = json.loads(capsys.readouterr().out)["run_id"]
    xml = junit.read_text(encoding="utf-8")
    assert xml.count("<testcase") == 3, xml
    assert 'failures="3"' in xml, xml  # one test case per finding (main: 6)
    with pytest.raises(SystemExit):
        main(["show", run_id, "--store", str(store), "--json"])
    shown = json.loads(capsys.readouterr().out)
    assert shown["summary"]["text"]["errors"] == 3, shown["summary"]["text"]
    assert shown["summary"]["text"]["distinct_minimal"] == 3
