"""The README and docs followed as typed after hostile52, hostile52b, left52, store52, perf52
and mutation52 (bench/RESULTS.md, docs52): what a page said that the code did not, kept fixed."""

from __future__ import annotations

import re
from pathlib import Path

from assay.cli.text_lines import _told

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
DOCS = ROOT / "docs"


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_a_directional_test_nothing_moved_is_said_as_an_edit_not_a_swap() -> None:
    # hostile52 made a suite's %directional test of classifiers answering one answer to
    # everything "not tested"; its terminal line said "no swap could change it" (the
    # invariance tests' words) of an edit
    directional = {"test": 'line 5: %directional neg: "" -> "not" not-up pos 0', "cases": 15}
    said = _told({**directional, "outcome": "not tested"})
    assert "no edit could move it" in said and "swap" not in said
    invariant = {"test": "line 4: %invariant N", "cases": 15, "outcome": "not tested"}
    assert "no swap could change it" in _told(invariant)


def test_the_readme_says_what_a_callables_error_is_masked_of_and_cut_to() -> None:
    # store52 masked a bound method's, partial's, closure's and module's credentials and cut
    # every AssayError to 20,000 characters; the README named a model object's attributes only
    said = _flat(README)
    for form in ("a bound method's object", "`functools.partial`", "a closure's variables"):
        assert form in said, form
    assert "module globals, `SERVICE_PASSWORD = ...`" in said
    assert "cut to 20,000 characters" in said and "characters in all)" in said
    from assay.core.message_secrets import MESSAGE_MOST
    from assay.errors import UsageError

    assert MESSAGE_MOST == 20_000
    assert str(UsageError("word " * 6000)).endswith("... (30,000 characters in all)")


def test_the_readme_names_the_grammars_new_load_checks() -> None:
    said = _flat(README)
    assert "a test declared twice (a `%invariant` line pasted twice) is an error" in said
    assert "an alternative written again with another weight" in said
    assert "a treebank's tokens" in said


def test_fairness_page_quotes_nothing_to_retrain_beside_a_finding_as_said() -> None:
    # left52: "Nothing to retrain" beside exit 1 now says why; the page said only "the exit
    # code is the run's (0 when it found nothing)"
    from assay.fairness.nothing_retrained import found_all_the_same

    page = _flat((DOCS / "fairness.md").read_text(encoding="utf-8"))
    words = found_all_the_same(0, {"answer": {}}, 1000) or ""
    said = found_all_the_same(3, None, 1000)
    assert said.startswith(" This run found discrimination all the same (3 findings stored)")
    assert "keeps its exit 1" in page
    for part in (
        "the model is unchanged and still holds it, so what the run found, and its exit code, "
        "stand",
        "a larger --max-queries (in Python max_queries) gives it inputs to retrain with",
    ):
        assert part in said and part in page, part
    assert words == ""


def test_fairness_page_quotes_the_one_valued_refusals_encoder_words() -> None:
    from assay.fairness import single_valued

    page = _flat((DOCS / "fairness.md").read_text(encoding="utf-8"))
    source = _flat(Path(single_valued.__file__).read_text(encoding="utf-8"))
    assert "the values it was fitted on" in page
    assert "the values it accepts; give rows holding at least two of them" in page
    for part in ("(the model's encoder was fitted on", "the values it accepts; "):
        assert part in page and part in source, part


def test_backdoor_page_quotes_the_one_class_model_scans_ways_on() -> None:
    from assay.backdoor.summary import ONE_CLASS_INPUTS

    page = _flat((DOCS / "backdoor.md").read_text(encoding="utf-8"))
    quoted = "give clean images of several classes (--clean)" + ONE_CLASS_INPUTS
    assert quoted in page


def test_no_page_dates_a_change_by_a_helpers_name() -> None:
    text = (DOCS / "text.md").read_text(encoding="utf-8")
    assert "since left52" not in text and "since 2026-12-07; before, refused" in text
