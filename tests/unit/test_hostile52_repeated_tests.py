"""A test declared twice in a grammar (a `%invariant`, `%directional` or `%expect` line
pasted twice, or written once whole and once with every member listed) is refused at the
second line, naming the first: each of its cases was judged, and each failure counted,
twice (hostile52: "12 test failures found ... (10 distinct minimal failing sentences)" and
two JUnit test cases per failure, where the one line gave 6 and 5)."""

from __future__ import annotations

from pathlib import Path

import pytest

import assay
from assay.errors import UsageError

pytestmark = pytest.mark.filterwarnings("ignore::assay.AssayWarning")

RULES = """S -> "the" N "was" neg A
N -> "food" | "pasta" | "service"
neg -> "" | "not"
A -> "good" | "great" | "bad"
"""


def clf(texts: list[str]) -> list[list[float]]:
    out = []
    for t in texts:
        p = 0.04 if ("bad" in t or "not" in t) else 0.97
        if "pasta" in t:
            p = 1 - p
        out.append([1 - p, p])
    return out


clf.classes_ = ["neg", "pos"]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("first", "second", "oracle"),
    [
        ("%invariant N", "%invariant N", "invariance"),
        ("%invariant N", '%invariant N: "service" | "food" | "pasta"', "suite"),
        ('%invariant A: "good" | "great"', '%invariant A: "great" | "good"  # synonyms', "suite"),
        ('%directional neg: "" -> "not" flip', '%directional neg: "" -> "not" flip', "suite"),
        (
            '%directional neg: "" -> "not" down pos',
            '%directional neg: "" -> "not" down pos 0',
            "directional",
        ),
        ('%expect A: "bad" -> neg', "%expect A: 'bad' -> \"neg\"", "expect"),
    ],
)
def test_a_test_declared_twice_is_refused_at_its_second_line(
    tmp_path: Path, first: str, second: str, oracle: str
) -> None:
    path = tmp_path / "g.cfg"
    path.write_text(RULES + first + "\n\n" + second + "\n", encoding="utf-8")
    with pytest.raises(UsageError) as caught:
        assay.check_text(
            clf, grammar=str(path), oracle=oracle, max_queries=300, seed=1, store=tmp_path / "s.db"
        )
    said = str(caught.value)
    assert f"{path}:7:1:" in said, said
    assert "line 5" in said and "twice" in said, said


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("%invariant N", '%invariant N: "food" | "pasta"'),  # a subset: another test
        ('%directional neg: "" -> "not" flip', '%directional neg: "" -> "not" away'),
        ('%directional neg: "" -> "not" down pos', '%directional neg: "" -> "not" down pos 0.1'),
        ('%expect A: "bad" -> neg', '%expect A: "bad" -> not pos'),
    ],
)
def test_tests_that_differ_still_run(tmp_path: Path, first: str, second: str) -> None:
    result = assay.check_text(
        clf,
        grammar=RULES + first + "\n" + second + "\n",
        oracle="suite",
        max_queries=300,
        seed=1,
        store=tmp_path / "s.db",
    )
    assert result.status in {"completed", "budget_exhausted"}


def test_a_repeated_test_the_oracle_does_not_judge_is_no_refusal(tmp_path: Path) -> None:
    result = assay.check_text(
        clf,
        grammar=RULES + "%invariant N\n%expect A -> neg\n%expect A -> neg\n",
        oracle="invariance",
        max_queries=300,
        seed=1,
        store=tmp_path / "s.db",
    )
    assert result.status in {"completed", "budget_exhausted"}
