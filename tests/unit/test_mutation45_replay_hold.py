"""The replay of a non-deterministic classifier's findings (``text.replay_hold``), part by
part: mutation45 found its figures, its budget and its words unwatched by the forty-third
session's tests (two CLI runs whose classifier the start's check saw changing, a budget
with room for every ask).  Each test here plants the case a mutant got wrong: noise seen
only by the check after the search, a resumed session's queries, a directional relation's
variant, a budget of room for some asks, a withdrawn test's row, the run's reason."""

from __future__ import annotations

from typing import Any

import numpy as np

from assay.core.findings import FindingBatch
from assay.core.unfinished import KEY, reason
from assay.text.replay_hold import (
    DID_NOT_REPLAY,
    REPLAY_MOST,
    Rounds,
    _judge,
    _noisy,
    _said,
    _tests_without,
    replay_room,
)


def test_noise_seen_by_either_check_is_noise() -> None:
    # the start's probe alone, the check after the search alone, neither
    assert _noisy({"probe": {"changed": 2}, "changed": 0})
    assert _noisy({"probe": {"changed": 0}, "changed": 3})
    assert _noisy({"changed": 1})
    assert not _noisy({"probe": {"changed": 0}, "changed": 0})
    assert not _noisy({})


def test_the_room_is_what_every_earlier_ask_left() -> None:
    summary = {"metrics": {"queries": 100}, "determinism": {"queries": 10}}
    # 400 - loading 20 - resumed sessions' 30 - search 100 - checks 10
    assert replay_room(summary, 400, 20, 30) == 240
    assert replay_room(summary, 100, 20, 30) == 0  # (never below 0)
    assert replay_room(summary, None, 20, 30) == REPLAY_MOST


class _Differ:
    """A differential oracle of one classifier's answer: fails when it says 1."""

    kind = "differential"

    def judge(self, outs: list[np.ndarray], _: list[Any]) -> Any:
        return type("J", (), {"error": [bool(o[0, 0] > 0.5) for o in outs]})()


class _Directional:
    """A directional oracle: relation ``r`` breaks when the variant's answer is not the
    minimal sentence's plus ``r`` (answers are numbers here)."""

    kind = "directional"

    def breaks(self, pair: np.ndarray, r: int) -> bool:
        return bool(pair[1, 0] != pair[0, 0] + r)


def _batch(sentences: list[str], **columns: Any) -> FindingBatch:
    n = len(sentences)
    inputs = np.array([[s] for s in sentences], dtype=object)
    cols = {k: np.asarray(v) for k, v in columns.items()}
    return FindingBatch("text-directional", inputs, np.zeros((n, 1)), np.ones(n), columns=cols)


def test_a_relation_is_judged_on_its_variant_by_its_own_relation() -> None:
    values = {"a": 1.0, "a+": 3.0, "b": 5.0, "b+": 6.0}
    asked: list[list[str]] = []

    def ask(sentences: list[str]) -> np.ndarray:
        asked.append(sentences)
        return np.array([[values[s]] for s in sentences])

    b = _batch(["a", "b"], variant=["a+", "b+"], relation=[2, 2])
    held, sent = _judge(_Directional(), b, 2, ask)
    # a -> a+ moved by 2 (holds), b -> b+ by 1 (breaks relation 2)
    assert held.tolist() == [False, True] and sent == 4
    assert asked == [["a", "a+", "b", "b+"]]
    b1 = _batch(["a", "b"], variant=["a+", "b+"], relation=[2, 1])
    assert _judge(_Directional(), b1, 2, ask)[0].tolist() == [False, False]


def _script_asker(script: dict[str, list[float]]) -> Any:
    def ask(sentences: list[str]) -> np.ndarray:
        return np.array([[script[s].pop(0)] for s in sentences])

    return ask


def _differential(*sentences: str) -> FindingBatch:
    n = len(sentences)
    inputs = np.array([[s] for s in sentences], dtype=object)
    return FindingBatch("text-differential", inputs, np.zeros((n, 1)), np.ones(n))


def test_a_batch_not_eligible_is_not_asked_and_stands() -> None:
    rounds, mask = Rounds(), np.ones(2, dtype=bool)
    rounds.first(_differential("a", "b"), mask, False, _Differ(), _script_asker({}), 10, 1)
    assert mask.tolist() == [True, True] and rounds.judged == 0 and rounds.firsts == [0]
    rounds.second(0, _differential("a", "b"), mask, _Differ(), _script_asker({}), 10, 1)
    assert mask.tolist() == [True, True] and rounds.asked == 0 and rounds.once_only == 0


def test_the_room_is_counted_in_sentences_two_per_relation() -> None:
    # room 5, two sentences a finding: two findings asked, the third stands unasked
    values = {s: 0.0 for s in ("a", "a+", "b", "b+", "c", "c+")}
    seen: list[str] = []

    def ask(sentences: list[str]) -> np.ndarray:
        seen.extend(sentences)
        return np.array([[values[s]] for s in sentences])

    b = _batch(["a", "b", "c"], variant=["a+", "b+", "c+"], relation=[0, 0, 0])
    rounds, mask = Rounds(), np.ones(3, dtype=bool)
    rounds.first(b, mask, True, _Directional(), ask, 5, 2)
    assert rounds.judged == 2 and rounds.asked == 4 and len(seen) == 4
    assert mask.tolist() == [False, False, True]  # (the third: never asked, it stands)
    rounds.second(0, b, mask, _Directional(), ask, 5, 2)
    # no room for a second ask of either: withdrawn on their one, counted so
    assert rounds.once_only == 2 and rounds.again == 0 and mask.tolist() == [False, False, True]


def test_a_failed_ask_stops_the_asking_and_is_said() -> None:
    def broken(sentences: list[str]) -> np.ndarray:
        raise ValueError("the classifier answered nothing\nsecond line")

    rounds = Rounds()
    m1, m2 = np.ones(2, dtype=bool), np.ones(1, dtype=bool)
    rounds.first(_differential("a", "b"), m1, True, _Differ(), broken, 10, 1)
    assert rounds.failed == "the classifier answered nothing"
    calls: list[list[str]] = []

    def fine(sentences: list[str]) -> np.ndarray:
        calls.append(sentences)
        return np.zeros((len(sentences), 1))

    rounds.first(_differential("c"), m2, True, _Differ(), fine, 10, 1)
    assert not calls and m1.all() and m2.all() and rounds.judged == 0


def test_the_second_ask_keeps_only_what_failed_again() -> None:
    b = _differential("a", "b", "c", "d")
    ask = _script_asker({"a": [1.0], "b": [0.0, 1.0], "c": [0.0, 0.0], "d": [0.0, 0.0]})
    rounds, mask = Rounds(), np.ones(4, dtype=bool)
    rounds.first(b, mask, True, _Differ(), ask, 20, 1)
    rounds.second(0, b, mask, _Differ(), ask, 20, 1)
    assert mask.tolist() == [True, True, False, False]
    assert (rounds.again, rounds.held_second, rounds.asked) == (3, 1, 7)


def test_the_second_ask_is_of_the_findings_asked_once() -> None:
    # room for the first two findings' first asks, then for two second asks: the third
    # finding (never asked) is not asked a second time, and stands
    b = _differential("a", "b", "c")
    ask = _script_asker({"a": [0.0, 1.0], "b": [0.0, 0.0], "c": [0.0]})
    rounds, mask = Rounds(), np.ones(3, dtype=bool)
    rounds.firsts = []
    rounds.first(b, mask, True, _Differ(), ask, 2, 1)
    assert rounds.firsts == [2] and mask.tolist() == [False, False, True]
    rounds.second(0, b, mask, _Differ(), ask, 4, 1)
    assert mask.tolist() == [True, False, True] and rounds.again == 2


def _summary() -> dict[str, Any]:
    return {
        "headline": "3 disagreements",
        "metrics": {"queries": 50},
        "text": {
            "odd_members": ["muslim"],
            "minimal": [{"sentence": "a"}, {"sentence": "b"}, {"sentence": "c"}],
            "distinct_minimal": 3,
        },
        "sections": [
            {"title": "Members answered unlike the rest of their class", "text": "muslim"},
            {"title": "Tests", "text": "t"},
        ],
    }


def _det() -> dict[str, Any]:
    return {"probe": {"changed": 1, "classifiers": ["wobbly"]}, "queries": 12}


def test_the_summary_says_the_replay_in_figures_and_words() -> None:
    rounds = Rounds(judged=3, asked=7, again=2, held_second=1, once_only=1)
    summary = _summary()
    _said(summary, _det(), rounds, 1, ["c"], 4, 4)
    replayed = summary["determinism"]["replayed"]
    assert replayed["held"] == 2 and replayed["withdrawn"] == 1
    assert replayed["did_not_replay"] == 1 and replayed["asked_once_only"] == 1
    assert summary["determinism"]["queries"] == 19  # (the checks' 12 and the replay's 7)
    assert summary["metrics"]["findings that did not replay (withdrawn)"] == 1
    text = summary["text"]
    assert text["odd_members"] == [] and text["distinct_minimal"] == 2
    assert [r["sentence"] for r in text["minimal"]] == ["a", "b"]
    titles = [s["title"] for s in summary["sections"]]
    assert titles == ["Tests", "Findings asked again"], titles
    line = summary["sections"][-1]["text"]
    assert "wobbly is not deterministic" in line and "3 of 4 asked, 2 held" in line, line
    assert "(1 only on the second ask)" in line and ", 1 did not replay" in line, line
    assert "1 asked once only" in line and "was withdrawn as noise" in line, line
    assert "1 not asked again (the query budget) stand unconfirmed" in line, line
    assert "did not replay: 'c'" in line, line
    assert summary["headline"].endswith("Found by the search, before: 3 disagreements")
    assert "incomplete_reason" not in summary


def test_nothing_withdrawn_when_not_every_finding_was_kept_to_be_asked() -> None:
    # 5 findings in the run, 4 kept in the store (kept < total): none withdrawn
    summary = _summary()
    _said(summary, _det(), Rounds(judged=4, asked=4), 1, ["c"], 5, 4)
    replayed = summary["determinism"]["replayed"]
    assert replayed["withdrawn"] == 0 and replayed["did_not_replay"] == 1
    assert summary["text"]["distinct_minimal"] == 3 and len(summary["text"]["minimal"]) == 3
    assert "not withdrawn: not every finding was kept" in summary["sections"][-1]["text"]
    assert "incomplete_reason" not in summary


def test_a_failed_ask_is_said() -> None:
    summary = _summary()
    _said(summary, _det(), Rounds(judged=0, failed="the classifier timed out"), 0, [], 3, 3)
    assert "asking them again failed: the classifier timed out" in summary["headline"]
    assert summary["determinism"]["replayed"]["failed"] == "the classifier timed out"


def test_none_held_is_no_pass_unless_another_reason_stands() -> None:
    summary = _summary()
    _said(summary, _det(), Rounds(judged=3, asked=3), 3, ["a", "b", "c"], 3, 3)
    assert "none of the 3 findings held" in summary["incomplete_reason"]
    # the parts still to come (stored before the replay) are replaced
    summary = {**_summary(), KEY: ["records"], "incomplete_reason": reason(["records"])}
    _said(summary, _det(), Rounds(judged=3, asked=3), 3, ["a", "b", "c"], 3, 3)
    assert "none of the 3 findings held" in summary["incomplete_reason"]
    # another reason (a budget that stopped the search) is kept
    summary = {**_summary(), "incomplete_reason": "the search was stopped by its budget"}
    _said(summary, _det(), Rounds(judged=3, asked=3), 3, ["a", "b", "c"], 3, 3)
    assert summary["incomplete_reason"] == "the search was stopped by its budget"
    # not every finding asked again, none of those asked held: none confirmed, no pass
    # (llm45t; this read "no reason given" before it)
    summary = _summary()
    _said(summary, _det(), Rounds(judged=2, asked=2), 2, ["a", "b"], 3, 3)
    said = summary["incomplete_reason"]
    assert "none of the 3 findings was confirmed: 1 could not be asked again (the query " in said
    assert "budget left no room) and 2 did not replay" in said, said
    # one held: some finding confirmed, no reason given
    summary = _summary()
    _said(summary, _det(), Rounds(judged=3, asked=3), 2, ["a", "b"], 3, 3)
    assert "incomplete_reason" not in summary


def test_a_test_left_without_findings_did_not_replay() -> None:
    rows = [
        {"test": "t0", "distinct minimal": 2, "failing": 2, "outcome": "failed"},
        {"test": "t1", "distinct minimal": 1, "failing": 1, "outcome": "failed"},
    ]
    table = {"columns": ["test"], "rows": [["t0"], ["t1"]]}
    summary = {"text": {"tests": rows}, "sections": [{"title": "Tests", "table": table}]}
    _tests_without(summary, {0: 1, 1: 1, 7: 3})  # (relation 7: no such test, ignored)
    t0, t1 = summary["text"]["tests"]
    assert t0["distinct minimal"] == 1 and t0["outcome"] == "failed" and t0["did not replay"] == 1
    assert t1["distinct minimal"] == 0 and t1["outcome"] == DID_NOT_REPLAY and t1["failing"] == 0
    table = summary["sections"][0]["table"]
    assert "did not replay" in table["columns"]
    outcome = table["columns"].index("outcome")
    assert [r[outcome] for r in table["rows"]] == ["failed", DID_NOT_REPLAY]
