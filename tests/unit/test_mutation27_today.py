"""mutation27: the hand-made mutants of the twenty-sixth session's code that its own tests let
live (bench/RESULTS.md, "mutation27"), each killed here by what the code is for."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from assay.cli.answer_lines import _EXAMPLE_CHARS, first_idi
from assay.cli.text_hints import say_where
from assay.cli.verdict import Verdict, verdict_line
from assay.core.model import Capabilities
from assay.errors import UsageError
from assay.fairness.verdict import BARE_NAME, favourable_class
from assay.report.junit_demo import as_demonstration
from assay.testing import assert_passed, failure_message
from assay.text.label_map_line import MapLineError, read_map_line
from assay.text.oracle import odd_rows
from assay.text.panel import Layout, load_label_map
from assay.text.prepare import _stored_labels
from assay.text.summary import odd_members


class _Lines:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def say(self, text: str) -> None:
        self.lines.append(text)


# -- favourable_class: a bare 'yes' among three classes names no one class to pass instead --
def test_a_bare_yes_among_three_classes_asks_for_the_class_by_name() -> None:
    _, name, how = favourable_class(["no", "maybe", "yes"], 3, None)
    assert name == "yes"
    assert "--favourable CLASS" in how and "--favourable no" not in how


@pytest.mark.parametrize(("names", "other"), [(["F", "T: true"], "F"), (["N", "Y (yes)"], "N")])
def test_a_bare_yes_written_with_its_letter_is_still_bare(names: list[str], other: str) -> None:
    _, _, how = favourable_class(names, 2, None)
    assert how.startswith(BARE_NAME) and f"--favourable {other}" in how


# -- first_idi: a line of exactly the width is whole; answers wider than it drop the values --
def _example(values: dict[str, Any], answer: str) -> dict[str, Any]:
    return {
        "input": {**values, "sex": "female"},
        "variants": [
            {"protected": {"sex": "female"}, "prediction": answer},
            {"protected": {"sex": "male"}, "prediction": "good"},
        ],
    }


def test_a_line_of_exactly_the_width_is_not_cut() -> None:
    # (a one-letter value: an empty one is shown quoted, '', since hostile41f)
    short = first_idi({"examples": [_example({"v": "x"}, "bad")]})
    assert short is not None
    pad = _EXAMPLE_CHARS - len(short) + 1
    line = first_idi({"examples": [_example({"v": "x" * pad}, "bad")]})
    assert line is not None and len(line) == _EXAMPLE_CHARS and " ..." not in line


def test_answers_wider_than_the_line_keep_no_values() -> None:
    answer = "y" * _EXAMPLE_CHARS  # (the values, wider than the overflow, all go)
    line = first_idi({"examples": [_example({"v": "x" * 200}, answer)]})
    assert line is not None
    assert line == f"  e.g.  ...: sex female: {answer}; sex male: good"


# -- odd_rows: every classifier of the panel is asked --------------------------------------
def test_odd_rows_reads_every_classifier_of_the_panel() -> None:
    labels = ("negative", "positive")
    lay = Layout(("a", "b"), (labels, labels), (0, 2), labels, ((0, 1), (0, 1)))
    neg, pos = [0.9, 0.1], [0.1, 0.9]
    # classifier a answers every variant alike; b answers the third unlike the rest
    out = np.array([neg + neg, neg + neg, neg + pos, neg + neg])
    assert odd_rows(lay, out) == [2]


# -- odd_members: most often first; a member counted once per failure --------------------
def test_odd_members_are_ranked_most_often_first_and_counted_once_per_failure() -> None:
    minimal = [
        {"detail": {"odd": ["Olga", "Olga"]}},
        {"detail": {"odd": ["Olga", "Kenji"]}},
        {"detail": {"odd": ["Olga"]}},
    ]
    assert odd_members(minimal) == [
        {"member": "Olga", "failures": 3, "of": 3},
        {"member": "Kenji", "failures": 1, "of": 3},
    ]


# -- say_where: the thresholds of the line -------------------------------------------------
def _where(*rows: tuple[str, int, int]) -> list[str]:
    lines = _Lines()
    odd = [{"member": m, "failures": n, "of": of} for m, n, of in rows]
    say_where(lines, {"text": {"odd_members": odd}})
    return lines.lines


def test_a_member_odd_in_one_failure_is_not_named() -> None:
    assert _where(("Olga", 1, 1)) == []
    assert _where(("Olga", 2, 2)) != []


def test_a_member_odd_in_a_tenth_of_the_failures_is_named_and_less_is_not() -> None:
    assert _where(("Olga", 2, 20)) == [
        "answered unlike the rest of its class: 'Olga' in 2 of 20 minimal failures"
    ]
    assert _where(("Olga", 2, 21)) == []
    assert _where(("Olga", 3, 10)) != []  # (30 %: named)


def test_up_to_three_members_are_named() -> None:
    (line,) = _where(("A", 9, 10), ("B", 8, 10), ("C", 7, 10), ("D", 6, 10))
    assert "'A'" in line and "'B'" in line and "'C'" in line and "'D'" not in line


# -- assert_passed: what it takes, and a run's note ----------------------------------------
def test_assert_passed_refuses_what_is_not_a_run() -> None:
    with pytest.raises(UsageError, match="it has no 'run_id'"):
        assert_passed(SimpleNamespace(passed=False, summary={}, status="completed"))


def test_the_failure_message_carries_the_runs_note() -> None:
    result = SimpleNamespace(
        passed=False,
        run_id="backdoor-1",
        summary={},
        status="completed",
        headline="1 trigger",
        rerun_note="the model was given as an object",
    )
    assert "note: the model was given as an object" in failure_message(result)


# -- as_demonstration: findings and an error ------------------------------------------------
def test_a_demonstration_that_found_its_bugs_beside_an_error_says_so() -> None:
    found = ET.Element("testcase", name="idi")
    ET.SubElement(found, "failure", message="an IDI").text = "age=30"
    broken = ET.Element("testcase", name="untested")
    ET.SubElement(broken, "error", message="nothing was tested on race")
    cases = as_demonstration([found, broken], "assay.fairness")
    assert [c.get("name") for c in cases] == ["demonstration", "idi", "untested"]
    assert cases[0].find("failure") is None and cases[1].find("failure") is None
    assert cases[2].find("error") is not None


# -- verdict_line: a demonstration that found nothing ---------------------------------------
def test_a_demonstration_that_found_nothing_says_so_in_its_verdict_line() -> None:
    verdict = Verdict(
        code=1,
        fail_on=0.0,
        bad=0,
        found_by_answer=[],
        rule=None,
        failing=None,
        untested=None,
        demo=True,
    )
    line = verdict_line(verdict, "completed")
    assert line.startswith("the demonstration found none of the bugs it demonstrates (exit 1")


# -- read_map_line: an empty label and words after the common label are errors -------------
@pytest.mark.parametrize("line", ["clf -> positive", "clf pos -> positive extra"])
def test_a_map_line_missing_a_label_or_with_words_after_it_is_refused(line: str) -> None:
    with pytest.raises(MapLineError):
        read_map_line(line)


def test_a_map_line_may_end_in_a_comment() -> None:
    got = read_map_line("clf pos -> positive  # the same")
    assert (got.own, got.common) == ("pos", "positive")


# -- _stored_labels: a layout whose labels are not all lists is not taken --------------------
def test_stored_labels_need_a_list_for_every_classifier() -> None:
    def record(labels: Any) -> Any:
        return SimpleNamespace(config={"layout": {"labels": labels}})

    assert _stored_labels(record([["neg", "pos"], ["NEG", "POS"]])) == [
        ["neg", "pos"],
        ["NEG", "POS"],
    ]
    assert _stored_labels(record([["neg", "pos"], None])) is None


# -- load_label_map: an unknown label is said at its own column ----------------------------
def test_an_unknown_label_is_refused_at_its_column(tmp_path: Path) -> None:
    class Named:
        capabilities = Capabilities(
            modality="text", n_classes=2, outputs="proba", class_names=("neg", "pos")
        )

    path = tmp_path / "map.txt"
    path.write_text('m1   "not a label" -> positive\n', encoding="utf-8")
    with pytest.raises(UsageError, match="has no label 'not a label'") as info:
        load_label_map(path, [Named()], ["m1"])
    assert (info.value.line, info.value.column) == (1, 6)
