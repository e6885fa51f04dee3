"""left51: a text run verified with another classifier in one of its places names that
classifier as the user gave it: a label without a counterpart it answers was said of the
run's classifier ("tclf.py:soup_wrong: '' (2 sentences)" for `assay verify RUN --model
tclf.py:steady --model tclf.py:silent_on_soup`; "soup_wrong" from ``verify_run``:
mutation50b's Left), a classifier the user had not given."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

import pytest
import reviews
from reviews import review_grammar, silent_on_soup, soup_wrong, steady, written_grammar
from typer.testing import CliRunner

import assay
from assay.cli.app import app, register

pytestmark = pytest.mark.filterwarnings("ignore::assay.AssayWarning")

register()

GRAMMAR = review_grammar()


@pytest.fixture
def grammar(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return written_grammar(tmp_path, monkeypatch, GRAMMAR)


def test_assay_verify_names_the_classifier_given_in_a_runs_place(
    tmp_path: Path, grammar: Path
) -> None:
    shutil.copy(reviews.__file__, tmp_path / "tclf.py")  # (its classifiers as a file)
    spec = f"{tmp_path / 'tclf.py'}"
    store = tmp_path / "t.db"
    run = assay.check_text(
        [f"{spec}:steady", f"{spec}:soup_wrong"], grammar=str(grammar), seed=0, store=store
    ).run_id
    given = ["--model", f"{spec}:steady", "--model", f"{spec}:silent_on_soup"]
    result = CliRunner().invoke(app, ["verify", run, "--store", str(store), *given])
    said = result.output
    assert result.exit_code == 2, said
    assert "(tclf.py:silent_on_soup in tclf.py:soup_wrong's place: '' (2 sentences))" in said
    assert "(tclf.py:soup_wrong: ''" not in said, said


def test_verify_run_names_the_classifier_given_in_a_runs_place(
    tmp_path: Path, grammar: Path
) -> None:
    store = tmp_path / "t.db"
    run = assay.check_text([steady, soup_wrong], grammar=str(grammar), seed=0, store=store)
    again = assay.verify_run(run.run_id, store=store, model=[steady, silent_on_soup])
    assert "(silent_on_soup in soup_wrong's place: '' (2 sentences))" in again.why_skipped

    # (a classifier given under the run's name is said by it, as before)
    def fixed(sentences: Sequence[str]) -> list[str]:
        return silent_on_soup(sentences)

    fixed.__name__ = "soup_wrong"
    same = assay.verify_run(run.run_id, store=store, model=[steady, fixed])
    assert "(soup_wrong: '' (2 sentences))" in same.why_skipped, same.why_skipped
