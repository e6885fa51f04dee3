"""A run whose grammar has a `%directional ... flip` test stores the grammar as
``Grammar.to_text`` writes it, and that wrote every directional test with its tolerance
(`flip 0`), which the parser refuses since 2026-12-02 ("'flip' takes no tolerance"): `assay
verify`, `assay resume` and the API's reruns of every such run failed with an error at a
line the user's file does not have (`flip.cfg:5:38` of a 4-line file).  `flip` is written
without one now, and `flip 0` (the runs stored meanwhile) reads back (hostile41t)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assay.cli.app import main
from assay.errors import UsageError
from assay.text.grammar import parse_grammar

GRAMMAR = (
    'S -> subj "was" q "."\nsubj -> "the food" | "the service"\nq -> "good" | "great" | "bad"\n'
    '%directional q: "good" -> "bad" flip\n'
)
CLASSIFIER = (
    "def blind(batch):\n"
    "    return ['neg' if 'service' in s else 'pos' for s in batch]\n"
    "blind.classes_ = ['neg', 'pos']\n"
)


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exc:
        main(args)
    out = capsys.readouterr()
    return int(exc.value.code or 0), out.out + out.err


def test_a_flip_test_reads_back_from_the_text_a_run_stores() -> None:
    g = parse_grammar(GRAMMAR, source="flip.cfg")
    again = parse_grammar(g.to_text(), source="stored")
    assert [d.expect for d in again.directionals] == ["flip"]
    assert g.directive(g.directionals[0]).endswith("flip")


def test_flip_0_as_runs_stored_it_reads_back_and_another_tolerance_is_refused() -> None:
    assert parse_grammar(GRAMMAR.replace("flip\n", "flip 0\n")).directionals[0].expect == "flip"
    with pytest.raises(UsageError, match="takes no tolerance"):
        parse_grammar(GRAMMAR.replace("flip\n", "flip 0.2\n"))


def test_a_run_of_a_flip_test_is_verified(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "flip.cfg").write_text(GRAMMAR)
    (tmp_path / "clf.py").write_text(CLASSIFIER)
    code, said = _run(["text", "clf.py:blind", "--grammar", "flip.cfg", "--oracle",
                       "directional", "--seed", "1", "--store", "s.db"], capsys)  # fmt: skip
    assert code == 1, said  # "the service was good" -> "bad" stays neg
    run = re.search(r"text-\d{8}-\d{6}-[0-9a-f]+", said)
    assert run, said
    code, said = _run(["verify", run.group(0), "--store", "s.db"], capsys)
    assert code == 1 and "still fail" in said, said
    assert "takes no tolerance" not in said
