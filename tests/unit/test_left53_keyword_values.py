"""left53 (left52d's Left): an option advised with its number turned into a Python caller's
keyword as two words: "give a --call-timeout longer than that wait (--call-timeout 200;
...)" read "(call_timeout 200; ...)", which is no Python; now the keyword as typed,
``call_timeout=200``.  A number said of a run ("at or above --fail-on 0", "within
--max-depth 24") stays prose."""

from __future__ import annotations

import pytest

from assay.core.callers_prose import in_callers_terms
from assay.core.keywords import _failure_in_keywords
from assay.errors import ModelUnavailable
from assay.models.http_answer import beyond_deadline


def test_a_call_timeout_advised_with_its_number_is_the_keyword_as_typed() -> None:
    with pytest.raises(ModelUnavailable) as failed:
        beyond_deadline("http://h/p", "503", 100.0, (50.0, 60.0))
    said = _failure_in_keywords(str(failed.value), {"call_timeout", "serving"}, {})
    # (main: "(call_timeout 200; a stopped run: ...")
    assert "(call_timeout=200; a stopped run: assay.resume_run(RUN_ID, call_timeout=200))" in (
        said
    ), said
    assert "--" not in said


@pytest.mark.parametrize(
    ("message", "python"),
    [
        ("give --max-depth 12", "give max_depth=12"),
        ("try --max-time 30 or more", "try max_time=30 or more"),
        ("(e.g. --max-queries 300)", "(e.g. max_queries=300)"),
        # said of the run: prose, as before
        ("its search stopped at --max-queries 300", "its search stopped at max_queries 300"),
        ("never generated within --max-depth 24", "never generated within max_depth 24"),
        ("of --max-queries 1,500", "of max_queries 1,500"),
    ],
)
def test_a_number_advised_is_the_keyword_as_typed_one_said_stays_prose(
    message: str, python: str
) -> None:
    assert in_callers_terms(message, "assay.check_text(...)") == python
