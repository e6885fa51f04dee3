"""mutation43: the forty-first session's advice for a served model's refusals
(``models.http_hints``) and the API's refusal of an unused ``second_opinion=False``, rule by
rule (mutants of each condition passed its end-to-end tests)."""

from __future__ import annotations

import numpy as np
import pytest

from assay.backdoor.second import refuse_unused_opinion
from assay.errors import UsageError
from assay.models.http_hints import envelope_hint, size_hint


def test_a_single_input_refused_for_its_size_gets_no_batch_size_hint() -> None:
    """A request of one input cannot be made smaller by --batch-size (HH1: "below 1")."""
    assert size_hint(413, b"<html>413</html>", 1, 9000) == ""
    assert "--batch-size 1;" in size_hint(413, b"<html>413</html>", 2, 9000)


@pytest.mark.parametrize("status", [401, 403, 404, 429])
def test_refusals_that_are_not_about_size_get_no_hint(status: int) -> None:
    """An auth failure, a wrong path or a quota whose body says "limit" is not a size."""
    assert size_hint(status, b'{"error": "rate limit exceeded"}', 64, 9000) == ""


def test_a_413_is_a_size_whatever_its_body_and_a_400_only_by_its_words() -> None:
    assert "a size the server refused" in size_hint(413, b"", 64, 9000)
    assert size_hint(400, b'{"error": "expected 13 features"}', 64, 9000) == ""
    assert "a size the server refused" in size_hint(400, b'{"error": "batch too big"}', 64, 9000)


def test_the_envelope_hint_is_for_a_missing_field_only_and_names_the_list() -> None:
    payload = {"model": "m", "predictions": [[0.1, 0.9]]}
    said = envelope_hint(KeyError("outputs"), payload, "json")
    assert "(its fields: model, predictions)" in said
    assert "(outputs: predictions)" in said  # (the field holding a list, not the first)
    assert envelope_hint(ValueError("not numbers"), payload, "json") == ""


def test_second_opinion_false_for_a_model_scan_is_refused_in_either_form() -> None:
    for images in (None, False):
        with pytest.raises(UsageError, match="the model scan"):
            refuse_unused_opinion({"second_opinion": False, "images": images})


def test_only_second_opinion_false_is_refused() -> None:
    """None (not given) or True are not a turning off: nothing to refuse."""
    for given in (None, True):
        refuse_unused_opinion({"second_opinion": given, "strategy": "strip", "images": np.zeros(1)})
    with pytest.raises(UsageError, match="strategy is 'strip'"):
        refuse_unused_opinion({"second_opinion": False, "strategy": "strip", "images": np.zeros(1)})


def test_units_that_skipped_the_opinion_advise_the_whole_runs_queries() -> None:
    """Each unit has its share of the budget: the advice raises the run's by a unit's
    shortfall times the units (BU24: one unit's; BU25: none, no exit 2 then)."""
    from assay.backdoor.second import not_asked
    from assay.backdoor.second_view import merge_opinions

    merged = merge_opinions(
        [{"skipped": "the query budget left 10", "short": 100}, {"skipped": "x", "short": 80}]
    )
    assert merged is not None and merged["short"] == 200
    why = not_asked(merged)
    assert why is not None and "raise --max-queries by 200 or more" in why


def test_a_unit_that_skipped_the_opinion_is_not_counted_as_asking_it() -> None:
    from assay.backdoor.second_view import describe_units, merge_opinions

    given = {"given": True, "flagged": [3], "unconfirmed": 10, "sampled": 8, "low": 5}
    merged = merge_opinions(
        [{**given, "queries": 80, "unblended": 2}, {"skipped": "left 10", "short": 50}]
    )
    assert merged is not None and (merged["asked"], merged["given"]) == (1, 1)
    assert merged["unblended"] == 2  # (said in the headline: BU30)
    assert "in 1 of 2 units" in describe_units(merged)


def test_loading_out_of_time_says_the_endpoint_only_when_it_refuses(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A late wait after answers: the budget's ("raise --max-time", exit 2); an endpoint
    refusing: exit 3, "a longer --max-time changes nothing" (LT1: every streak exit 3)."""
    import time

    from assay.core import loading_time
    from assay.errors import ModelUnavailable

    started = time.monotonic()
    asked: list[float] = []

    def since(t: float) -> tuple[bool, str]:
        asked.append(t)
        return (False, "a wait")

    monkeypatch.setattr(loading_time, "refused_since", since)
    late = loading_time._overran("the model", 30.0, started)
    assert isinstance(late, UsageError) and "raise --max-time" in str(late)
    assert "nothing was tested: a wait while the model were loading" in str(late)  # (LT3)
    assert asked == [started]  # (a streak of before loading is not loading's: LT4)
    monkeypatch.setattr(loading_time, "refused_since", lambda _: (True, "refusing"))
    refusing = loading_time._overran("the model", 30.0, started)
    assert isinstance(refusing, ModelUnavailable) and "changes nothing" in str(refusing)


def test_a_resumes_batch_size_is_a_whole_number_not_a_bool() -> None:
    from assay.core.resume_batch import check_batch_size

    for bad in (True, 0, 2.5):
        with pytest.raises(UsageError, match="--batch-size"):
            check_batch_size(bad)  # type: ignore[arg-type]
    check_batch_size(1)


def test_a_resumed_runs_errors_keep_the_latest_of_every_session() -> None:
    """Statuses added and the 20 latest errors kept across sessions (SE2: the earlier
    statuses dropped; SE3: the 20 earliest kept, the stop's own errors lost)."""
    from assay.models.serving import _plus

    first = {"statuses": {"200": 30, "503": 104}, "errors": [{"time": t} for t in range(15)]}
    more = {"statuses": {"200": 128}, "errors": [{"time": 100 + t} for t in range(15)]}
    out = _plus(first, more)
    assert out["statuses"] == {"200": 158, "503": 104}
    assert [e["time"] for e in out["errors"]] == [*range(10, 15), *range(100, 115)]
