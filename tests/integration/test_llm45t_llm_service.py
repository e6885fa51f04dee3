"""An LLM used as a zero-shot classifier behind an HTTP endpoint (``fixtures/llm_service``:
free-form wording, sampling, quotas; no real sleeps), tested by ``assay text``.

- A label map naming a wording the LLM had not answered to loading's probe (``"The
  sentiment is positive"``) was refused ("has no label"), and a wording met later stopped the
  run (exit 3): the map declares the wordings of a classifier whose labels are read off its
  answers.
- A pair alike but for the LLM's sampling, whose findings the query budget left no room to
  ask again, exited 1 on its noise: no finding confirmed is no pass (exit 2), never 1.
"""

from __future__ import annotations

import re
import sys
import zlib
from pathlib import Path
from typing import Any

import pytest

import assay
from assay.core.store import RunStore
from assay.core.verdict import run_verdict

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures"))
from llm_service import NEGATIONS, LlmService, judge

pytestmark = pytest.mark.filterwarnings("ignore::assay.AssayWarning")

FORMS = ("{Label}", " {label}.", "{LABEL}", "The sentiment is {label}")
WORDS = tuple(
    f.format(label=x, Label=x.capitalize(), LABEL=x.upper())
    for f in FORMS
    for x in ("positive", "negative")
)
# the user's map of the LLM's wordings; the refusal and the empty answer left unmapped
MAP = {
    **{w: "negative" if "egative" in w.lower() else "positive" for w in WORDS},
    "neutral": "neutral",
    '```json\n{"label": "positive"}\n```': "positive",
    '```json\n{"label": "negative"}\n```': "negative",
}


def lexicon(batch: list[str]) -> list[str]:
    """The LLM's own judgement, deterministic: a pair that can differ only by sampling."""
    return [judge(s) for s in batch]


def three(batch: list[str]) -> list[str]:
    """A three-class classifier disagreeing with the LLM on 'okay' (neutral)."""
    return ["neutral" if "okay" in s else judge(s) for s in batch]


def blind(batch: list[str]) -> list[str]:
    """The LLM's judgement blind to negation (a planted bug): disagrees on "not good"."""
    return [judge(" ".join(w for w in s.split() if w not in NEGATIONS)) for s in batch]


lexicon.classes_ = ["negative", "positive"]  # type: ignore[attr-defined]
three.classes_ = ["negative", "neutral", "positive"]  # type: ignore[attr-defined]
blind.classes_ = ["negative", "positive"]  # type: ignore[attr-defined]


def _names_refused(fn: Any, store: Path) -> assay.TextResult:
    """``fn`` under invariance over the names grammar, its refusal mapped to no answer."""
    refusal = {"positive": "positive", "negative": "negative", "I can't help with that": ""}
    return assay.check_text(
        fn, grammar="builtin:names", oracle="invariance", label_map={0: refusal},
        max_queries=300, seed=1, store=store,
    )  # fmt: skip


def _verdict(result: assay.TextResult, store: Path) -> int:
    return run_verdict(RunStore(store, read_only=True), result.run_id).code


def test_a_label_map_declares_wordings_the_probe_did_not_see(tmp_path: Path) -> None:
    """Before: "argument label_map: classifier ... has no label 'The sentiment is
    positive'" (loading's 64 sentences saw other wordings); after: the run compares every
    mapped wording, the refusals and empty answers left without a counterpart and said."""
    with LlmService(max_batch=4) as llm:
        store = tmp_path / "s.db"
        result = assay.check_text(
            [llm.url, three], grammar="builtin:reviews", label_map={0: MAP}, max_queries=400,
            seed=1, store=store, serving={"batch_size": 4},
        )  # fmt: skip
    layout = RunStore(store, read_only=True).get_run(result.run_id).config["layout"]
    assert "The sentiment is positive" in layout["labels"][0]
    unmapped = layout["unmapped"][layout["names"][0]]
    assert set(unmapped) == {"", "I can't help with that"}, unmapped
    assert result.status in ("budget_exhausted", "completed"), result.headline
    # the answers without a counterpart said by name, quoted (the empty one ''), counted:
    # before, "classify: , I can't help with that, ..." (the empty answer an empty string)
    said = re.search(r"only ([\d,]+) of the ([\d,]+) sentences judged", result.headline)
    assert said is not None, result.headline
    counts = {
        m[0]: int(m[1].replace(",", ""))
        for m in re.findall(r"('[^']*'|\"[^\"]*\") \(([\d,]+) sentences?\)", result.headline)
    }
    assert set(counts) == {"''", '"I can\'t help with that"'}, result.headline
    compared, judged = (int(x.replace(",", "")) for x in said.groups())
    assert sum(counts.values()) == judged - compared > 0
    findings = result.findings()
    assert len(findings) > 0  # 'okay' is neutral for one, not for the LLM
    # every disagreement is between mapped labels: none is a wording or a refusal
    for labels in findings["labels"]:
        assert not {str(x) for x in labels} & {"", "I can't help with that", *WORDS}, labels


def test_noise_of_a_sampling_llm_never_confirmed_is_no_finding(tmp_path: Path) -> None:
    """The LLM and ``lexicon`` judge alike; the LLM flips 30 % of its answers (temperature
    above 0).  Every disagreement is noise; with the budget spent by the search none could be
    asked again: before, exit 1 on them ("stand unconfirmed"); after, exit 2 saying so."""
    with LlmService(wording="plain", flip=0.3, max_batch=8, seed=3) as llm:
        store = tmp_path / "n.db"
        result = assay.check_text(
            [llm.url, lexicon], grammar="builtin:reviews", max_queries=300, seed=1,
            store=store, serving={"batch_size": 8},
        )  # fmt: skip
    replayed = result.summary["determinism"]["replayed"]
    assert replayed["held"] == 0, replayed
    assert result.n_findings > 0, result.headline  # (kept in the store: nothing lost)
    assert "none of the" in result.headline and "was confirmed" in result.headline
    assert not result.passed
    assert _verdict(result, store) == 2


def test_a_deterministic_llm_s_findings_still_fail_the_run(tmp_path: Path) -> None:
    """The same pair with the LLM at temperature 0 (no flips) against a classifier that
    differs from it: its disagreements are findings (exit 1), no replay made."""
    with LlmService(wording="plain", max_batch=8) as llm:
        store = tmp_path / "d.db"
        result = assay.check_text(
            [llm.url, blind], grammar="builtin:reviews", max_queries=300, seed=1,
            store=store, serving={"batch_size": 8},
        )  # fmt: skip
    assert result.n_findings > 0
    assert "replayed" not in (result.summary.get("determinism") or {})
    assert _verdict(result, store) == 1


def test_refusals_and_empty_answers_are_no_invariance_failure(tmp_path: Path) -> None:
    """The LLM alone, swapped names (its judgement never reads a name): its refusal mapped
    to no answer (``-> ""``) and its empty answers are not compared.  Before: every swap
    where a variant was refused or left empty "failed" (30 of 30 findings at 400 queries,
    'Aisha' named as answered unlike the rest); after: none, the cases left unjudged counted
    and said by label."""
    fenced = {f'```json\n{{"label": "{x}"}}\n```': x for x in ("positive", "negative")}
    mapping = {**MAP, **fenced, "neutral": "", "I can't help with that": ""}
    with LlmService(max_batch=4) as llm:
        store = tmp_path / "i.db"
        result = assay.check_text(
            llm.url, grammar="builtin:names", oracle="invariance", label_map={0: mapping},
            max_queries=1500, seed=1, store=store, serving={"batch_size": 4},
        )  # fmt: skip
    assert result.n_findings == 0, result.headline
    assert not result.summary["text"].get("odd_members")
    said = re.search(r"only ([\d,]+) of the ([\d,]+) cases judged could be", result.headline)
    assert said is not None, result.headline
    assert "'' (" in result.headline and '"I can\'t help with that" (' in result.headline
    assert "'neutral' (" in result.headline
    assert _verdict(result, store) == 0


def test_a_case_the_llm_answered_is_judged_beside_a_refused_variant(tmp_path: Path) -> None:
    """A planted name bias ('Maria' always positive) is found although other variants of
    its cases were refused: a swap is judged on the members answered."""

    def biased(batch: list[str]) -> list[str]:
        out = []
        for s in batch:
            if "Maria" in s:
                out.append("positive")
            elif "Kenji" in s or "Olga" in s:
                out.append("I can't help with that")
            else:
                out.append(judge(s))
        return out

    result = _names_refused(biased, tmp_path / "b.db")
    assert result.n_findings > 0, result.headline
    odd = " ".join(str(x) for x in result.summary["text"].get("odd_members") or [])
    assert "Maria" in odd and "Kenji" not in odd and "Olga" not in odd, odd
    for labels in result.findings()["labels"]:
        assert "I can't help with that" not in str(labels), labels


def test_a_run_every_answer_of_which_was_none_tested_nothing(tmp_path: Path) -> None:
    """Every answer empty or a refusal (mapped to no answer): before, the swaps between the
    two were invariance failures (exit 1); after, nothing was tested (exit 2)."""

    def refusing(batch: list[str]) -> list[str]:
        return ["" if len(s) % 2 else "I can't help with that" for s in batch]

    store = tmp_path / "r.db"
    result = assay.check_text(
        refusing, grammar="builtin:names", oracle="invariance",
        label_map={0: {"I can't help with that": ""}}, max_queries=400, seed=1, store=store,
    )  # fmt: skip
    assert result.n_findings == 0, result.headline
    assert result.headline.startswith("NOTHING WAS TESTED: none of the"), result.headline
    assert _verdict(result, store) == 2


def test_a_wording_met_later_names_the_label_map_for_an_endpoint(tmp_path: Path) -> None:
    """A wording neither loading's probe nor the map named, met in the search: the run stops
    (a model failure) naming it and the label map that declares it, not a function's
    ``FUNCTION.classes_`` (an endpoint has none)."""
    partial = {w: c for w, c in MAP.items() if w != "The sentiment is positive"}
    with LlmService(max_batch=4) as llm, pytest.raises(assay.ModelError) as info:
        assay.check_text(
            [llm.url, three], grammar="builtin:reviews", label_map={0: partial},
            max_queries=400, seed=1, store=tmp_path / "w.db", serving={"batch_size": 4},
        )  # fmt: skip
    said = str(info.value)
    assert "'The sentiment is positive'" in said and "label_map=" in said, said
    assert "FUNCTION.classes_" not in said and "the endpoint http://127.0.0.1" in said, said


def maria(batch: list[str]) -> list[str]:
    """A planted name bias: any sentence about Maria is positive."""
    return ["positive" if "Maria" in s else judge(s) for s in batch]


def maria_refused(batch: list[str]) -> list[str]:
    """The same classifier after a "fix" that refuses every sentence about Maria."""
    return ["I can't help with that" if "Maria" in s else judge(s) for s in batch]


maria.classes_ = ["I can't help with that", "negative", "positive"]  # type: ignore[attr-defined]
maria_refused.classes_ = maria.classes_  # type: ignore[attr-defined]


def test_verify_counts_a_refused_case_as_not_replayed_never_fixed(tmp_path: Path) -> None:
    """Before: a refusal was a label like another, so a classifier now refusing the stored
    cases "still failed" them (the refusal against the variant's label); after: they are
    not replayed (skipped), neither still failing nor fixed."""
    store = tmp_path / "v.db"
    run = _names_refused(maria, store)
    assert run.n_findings > 0, run.headline
    replay = assay.verify_run(run.run_id, store=store, model=[maria_refused])
    assert replay.fixed == replay.still_failing == 0, replay
    assert replay.skipped == run.n_findings, replay


def test_a_run_of_few_compared_sentences_among_refusals_is_no_pass(tmp_path: Path) -> None:
    """An LLM refusing nine sentences in ten against a classifier judging as it does: 17 of
    204 sentences compared, none disagreeing.  Before: a pass (exit 0) on 17 sentences;
    after: too few to tell anything (exit 2), counted by the compared ones alone."""

    def mostly_refusing(batch: list[str]) -> list[str]:
        return [
            judge(s) if zlib.crc32(s.encode()) % 10 == 0 else "I can't help with that"
            for s in batch
        ]

    store = tmp_path / "m.db"
    result = assay.check_text(
        [mostly_refusing, lexicon], grammar="builtin:reviews", max_queries=300, seed=1,
        store=store,
        label_map={0: {"positive": "positive", "negative": "negative",
                       "I can't help with that": ""}},
    )  # fmt: skip
    assert result.n_findings == 0
    assert "too few to tell anything" in result.headline, result.headline
    assert _verdict(result, store) == 2


def test_a_test_s_cases_count_only_those_answered(tmp_path: Path) -> None:
    """A suite's test counts the cases its classifier answered as the test needs: a case
    whose own sentence the LLM refused is not one of its cases (before, they made up the
    30 cases of "every case of it judged" bound)."""

    def refusing_half(batch: list[str]) -> list[str]:
        return [judge(s) if len(s) % 2 else "I can't help with that" for s in batch]

    result = _names_refused(refusing_half, tmp_path / "t.db")
    tests = result.summary["text"]["tests"]
    judged = sum(int(t["cases"]) for t in tests)
    said = re.search(r"only ([\d,]+) of the ([\d,]+) cases judged could be", result.headline)
    assert said is not None, result.headline
    assert judged == int(said.group(1).replace(",", "")), (tests, result.headline)


def test_a_413_naming_its_limit_is_advised_that_batch_size(tmp_path: Path) -> None:
    """The service takes 4 sentences a request and says so in its 413: before, "e.g.
    --batch-size 32" (half the request, then 16, 8 ... one failed run each); after, 4."""
    with LlmService(max_batch=4) as llm, pytest.raises(assay.ModelError) as info:
        assay.check_text(
            [llm.url, three], grammar="builtin:reviews", label_map={0: MAP},
            max_queries=400, seed=1, store=tmp_path / "b.db",
        )  # fmt: skip
    assert "status 413" in str(info.value) and 'serving={"batch_size": 4};' in str(info.value)


def test_one_label_beside_refusals_tested_nothing(tmp_path: Path) -> None:
    """An LLM answering 'positive' to every sentence it answers, refusing the others: no
    swap could fail.  Before: its refusals were labels, every swap to one a failure (exit
    1); had they been no answer alone, a pass (exit 0); now nothing was tested (exit 2)."""

    def positive_or_refusal(batch: list[str]) -> list[str]:
        return ["positive" if len(s) % 3 else "I can't help with that" for s in batch]

    store = tmp_path / "o.db"
    result = _names_refused(positive_or_refusal, store)
    assert result.n_findings == 0, result.headline
    assert "one label" in result.headline, result.headline
    assert _verdict(result, store) == 2
