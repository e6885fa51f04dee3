"""mutation31: the lines of the code merged late in the thirtieth session whose mutants the
tests written with it let live (bench/RESULTS.md, mutation31's table): the exact rules'
bound on what an enumerated domain's masks hold (``rules.row_set``, ``MAX_CELLS``), the
monotonic directional form's self-edit message, the classifier a timed-out call waited for
(none when none is answering; never named twice), the headline's note on queries a text run
left unasked, and the resume line of a text run of classifiers partly given as objects."""

from __future__ import annotations

from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

import assay.fairness.exact.rules as rules_module
from assay.cli.reporting import resume_command
from assay.core.calls import CallTimeout
from assay.core.model import Capabilities
from assay.errors import UsageError
from assay.fairness.exact.rules import row_set
from assay.fairness.exact_regions import exact_regions
from assay.fairness.finish import earlier_seconds
from assay.fairness.schema import Feature, Schema
from assay.fairness.time_spent import TimeSpent, earlier_phases
from assay.models.classes import classes_advice
from assay.text.grammar import parse_grammar
from assay.text.hung import named
from assay.text.panel import Panel, build_layout
from assay.text.unused import unused_note

WIDE = Schema(
    (Feature("a", "integer", 0, 999_999), Feature("s", "integer", 0, 1)), protected=("s",)
)
IDIS = np.array([[500_000.0, 0.0], [500_001.0, 0.0], [500_002.0, 0.0]])


def test_masks_holding_exactly_max_cells_values_are_held(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Three values taken of a million: 3,000,000 cells, held at that bound, not one more
    (mutant LR1: ``>=``)."""
    monkeypatch.setattr(rules_module, "MAX_CELLS", 3_000_000)
    assert row_set(WIDE, IDIS, skip=1) is not None
    monkeypatch.setattr(rules_module, "MAX_CELLS", 2_999_999)
    assert row_set(WIDE, IDIS, skip=1) is None


def test_the_bound_counts_every_features_masks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two features of a thousand values, three taken of each: 6,000 cells in all, over a
    bound of 5,000 though each holds 3,000 (mutant LR2: the last feature's alone)."""
    two = Schema(
        (
            Feature("a", "integer", 0, 999),
            Feature("s", "integer", 0, 1),
            Feature("b", "integer", 0, 999),
        ),
        protected=("s",),
    )
    idis = np.array([[1.0, 0.0, 7.0], [2.0, 0.0, 8.0], [3.0, 0.0, 9.0]])
    monkeypatch.setattr(rules_module, "MAX_CELLS", 5_000)
    assert row_set(two, idis, skip=1) is None
    monkeypatch.setattr(rules_module, "MAX_CELLS", 6_000)
    assert row_set(two, idis, skip=1) is not None


def test_an_enumerated_domain_beyond_the_bound_says_why_it_has_no_rules(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The exact regions of IDIs whose masks would exceed the bound are left out, saying why,
    never a crash (mutant LR5: the refusal skipped, ``None`` taken for the boxes)."""
    monkeypatch.setattr(rules_module, "MAX_CELLS", 1_000)
    ex: Any = SimpleNamespace(idi_rows=IDIS, status="exact", uniform=(0.5, 0.5))
    rules, why, _ = exact_regions(WIDE, "s", ex, data=None, witnesses=lambda r, x: [])
    assert rules is None and why == "3 inputs over too many values to hold", why


BASE = 'S -> "the food was" N A\nN -> "" | "not"\nA -> "good" | "bad"\n'


@pytest.mark.parametrize("expect", ["not-up pos", "not-down pos"])
def test_a_monotonic_self_edit_says_no_case_could_fail(expect: str) -> None:
    """A monotonic edit into itself never moves the class: no case could fail (the strict
    form's words, 'every case would fail', are wrong there: mutant LD4)."""
    with pytest.raises(UsageError, match="no case could fail") as caught:
        parse_grammar(BASE + f'%directional N: "" -> "" {expect}\n', source="g.cfg")
    assert "every case would fail" not in str(caught.value)


class Labels:
    """A text classifier of two labels answering half and half."""

    def __init__(self) -> None:
        self.capabilities = Capabilities(
            modality="text", n_classes=2, outputs="proba", class_names=("neg", "pos")
        )

    def predict(self, texts: Sequence[str], /) -> np.ndarray:
        return np.full((len(texts), 2), 0.5)


def test_a_panel_answering_nothing_names_no_classifier() -> None:
    """Before any call and after one, no classifier is being called: a timeout then is no
    classifier's (mutants TX3: index -1 read as the last one; TX5: the last called kept)."""
    models = [Labels(), Labels()]
    layout = build_layout(models, ["first", "second"])
    panel = Panel(models, ["first", "second"], layout)
    assert panel.hung_on() is None
    panel.predict(["the food was good"])
    assert panel.hung_on() is None


class Hung:
    """A model that says which classifier it is calling."""

    def __init__(self, who: str | None) -> None:
        self.who = who

    def hung_on(self) -> str | None:
        return self.who


def test_a_timeout_already_naming_its_classifier_is_not_named_again() -> None:
    """A timeout raised naming its classifier (the checks', inside a step) is kept as it is:
    never 'classifier b: classifier a: ...' (mutant TX7)."""
    said = CallTimeout("classifier a: did not answer within 2 s")
    assert named(said, Hung("b")) is said
    plain = CallTimeout("did not answer within 2 s")
    assert str(named(plain, Hung("b"))) == "classifier b: did not answer within 2 s"
    assert named(plain, Hung(None)) is plain


HEADLINE = {"headline": "no disagreement found in 1,200 queries"}


def test_a_run_that_ended_before_its_budget_says_nothing_unasked() -> None:
    """The note is for a search that spent its share (budget_exhausted): a run that completed
    (its grammar asked whole) under its budget left nothing kept for it (mutant TX26)."""
    out = unused_note(dict(HEADLINE), "completed", 0, 1_500, 1_200)
    assert out["headline"] == HEADLINE["headline"] and "unused_note" not in out


def test_a_run_that_asked_its_whole_budget_says_nothing_unasked() -> None:
    """Every query of the budget asked: no '0 of --max-queries ... went unasked' (TX27)."""
    out = unused_note(dict(HEADLINE), "budget_exhausted", 0, 1_500, 1_500)
    assert out["headline"] == HEADLINE["headline"] and "unused_note" not in out
    fewer = unused_note(dict(HEADLINE), "budget_exhausted", 0, 1_500, 1_499)
    assert "; 1 of --max-queries 1,500 went unasked" in fewer["headline"]


def test_one_finding_is_not_said_to_be_none() -> None:
    """One finding to re-check, which needed fewer queries than kept: not 'there were none'
    (mutant TX29)."""
    out = unused_note(dict(HEADLINE), "budget_exhausted", 1, 1_500, 1_400)
    assert "which needed fewer" in out["headline"], out
    assert "there were none" not in out["headline"], out


def test_a_run_of_classifiers_partly_given_as_objects_is_resumed_from_python() -> None:
    """One classifier a file, one an object: no command line can give the object again, so
    the resume line is the Python call (mutant TX23: only when every one is an object)."""
    config = {"invocation": {"models": ["builtin:tfidf", None]}}
    line = resume_command("text-1", "/tmp/runs.db", "assay text ...", config=config)
    assert line.startswith("assay.resume_run('text-1'"), line
    files = {"invocation": {"models": ["builtin:tfidf", "builtin:tfidf-nonegation"]}}
    assert "assay resume text-1" in resume_command(
        "text-1", "/tmp/runs.db", "assay text ...", config=files
    )


def test_a_session_killed_in_its_search_counts_its_engine_seconds() -> None:
    """A session killed in its search kept no phases: its engine's seconds (the progress's,
    every session's) are the search's (mutant RB21: lost, the wall clock short by them);
    a later session killed in its search counts the engine's, never both (RB22)."""
    assert earlier_phases({}, 12.5) == {"search": 12.5}
    kept = {"seconds_by_phase": {"loading": 1.0, "search": 2.0}}
    assert earlier_phases(kept, 5.0) == {"loading": 1.0, "search": 5.0}
    assert earlier_phases(kept, 1.5) == {"loading": 1.0, "search": 2.0}


def test_an_earlier_wall_clock_beyond_its_phases_is_kept() -> None:
    """A run whose earlier session recorded its wall clock but no phases (stored before they
    were kept) counts that wall clock, not its engine's seconds alone (mutant RB24)."""
    record: Any = SimpleNamespace(summary={"wall_seconds": 100.0}, progress={"elapsed": 10.0})
    assert earlier_seconds(record) == 100.0
    record.summary = {"wall_seconds": 5.0, "seconds_by_phase": {"loading": 2.0, "search": 9.0}}
    assert earlier_seconds(record) == 12.0  # (the engine's 10 s over the search's 9 kept)


def test_the_classes_advice_lists_every_label_it_can_know() -> None:
    """``--classes N`` given: labels by number are listed up to it (mutant BD34: to 9 or the
    highest seen); unknown count: up to the highest seen (BD35: one short); names as many
    as declared are given in order (BD36: 'e.g. ..., not only the ones seen')."""
    twelve = ",".join(str(i) for i in range(12))
    assert classes_advice(["0", "3"], 12).startswith(f"--classes {twelve} (its 12 labels")
    assert classes_advice(["0", "11"]).startswith(f"--classes {twelve} if its labels are 0 to 11")
    assert classes_advice(["no", "yes"], 2).startswith("--classes no,yes if that is the model")
    assert "not only the 2 its first answers held" in classes_advice(["no", "yes"])


def test_labels_that_only_look_like_numbers_are_not_listed_as_numbers() -> None:
    """'01' and '02' are names, not class numbers: '--classes 0,...,9' would name none of
    them (mutant BD42: any digits read as a number)."""
    advice = classes_advice(["01", "02"])
    assert advice.startswith("e.g. --classes 01,02,... naming every label"), advice


class OneRun:
    """A store of one run, as ``TimeSpent.record`` reads and writes it."""

    def __init__(self, summary: dict[str, Any]) -> None:
        self.summary = summary

    def get_run(self, run_id: str) -> Any:
        return SimpleNamespace(summary=self.summary, status="budget_exhausted")

    def checkpoint(self, run_id: str, *, summary: dict[str, Any]) -> None:
        self.summary = summary


def test_a_squeezed_search_is_said_once_over_sessions() -> None:
    """An earlier session's 'the search got less than its share' is replaced by the run's,
    said anew from every session's phases, never repeated (mutant RB33)."""
    earlier = "--max-time 10 left the search 0.2 s (loading 4.0 s; ...): give the run more time"
    store = OneRun({"warnings": ["another warning", earlier], "model_queries": {"search": 5}})
    spent = TimeSpent(0.0, earlier={"loading": 8.0, "search": 0.5})
    spent.record(store, "r", 10.0)  # type: ignore[arg-type]
    warnings = store.summary["warnings"]
    assert warnings[0] == "another warning" and len(warnings) == 2, warnings
    assert warnings[1].startswith("--max-time 10 left the search 0.5 s (loading 8.0 s;")


def test_assay_runs_says_an_errors_first_line_cut_to_its_width() -> None:
    """``assay runs`` keeps a line a run: a failed-after-search run's error is said by its
    first line (mutant RN3: the whole text), cut at 160 characters (RN2: not cut)."""
    from assay.cli.runs_cmd import _first_line

    assert (
        _first_line("model error: it raised\nTraceback ...\n  File x") == "model error: it raised"
    )
    long = "x" * 200
    assert _first_line(long) == "x" * 157 + "..." and len(_first_line(long)) == 160
    assert _first_line("x" * 160) == "x" * 160 and _first_line("  \n") == ""
