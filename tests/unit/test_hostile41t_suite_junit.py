"""A suite's finding in the JUnit file: its failure message named neither the test it failed
(a suite runs several) nor, when the label stayed the same (a `flip` not made), the variant:
"severity 0.5: text-suite clf.py:decl: pos on "the food was good."" (hostile41t)."""

from __future__ import annotations

from assay.report.junit_cases import text_case

TESTS = [
    "line 4: %invariant subj",
    'line 5: %expect q: "bad" -> neg',
    'line 6: %directional q: "good" -> "great" flip',
]


def _finding(**details: object) -> dict[str, object]:
    return {
        "kind": "text-suite",
        "inputs": ["the food was good.", "the food was good."],
        "details": {"classifiers": ["clf.py:decl"], "labels": "pos", "tests": TESTS, **details},
    }


def test_a_suite_finding_names_its_test_and_its_variant() -> None:
    said = text_case(_finding(relation=2, variant="the food was great."))
    assert said is not None
    assert said[1] == (
        '"the food was good." -> pos, "the food was great." -> pos (clf.py:decl) '
        '(line 6: %directional q: "good" -> "great" flip)'
    ), said[1]


def test_an_expectation_names_its_test_and_no_variant() -> None:
    said = text_case(_finding(relation=1, variant=1))
    assert said is not None
    assert said[1] == (
        'clf.py:decl: pos on "the food was good." (line 5: %expect q: "bad" -> neg)'
    ), said[1]


def test_a_run_of_one_test_is_said_as_before() -> None:
    finding = _finding(relation=0, variant="the service was good.", labels="pos -> neg")
    finding["details"]["tests"] = TESTS[:1]  # type: ignore[index]
    said = text_case(finding)
    assert said is not None and "line 4" not in said[1], said
