"""A stored run's prose in the terms of whoever made it: a run made from Python (its command
``assay.check_fairness(...)``) reads ``max_queries``, not the command line's ``--max-queries``.

The summary stores the command line's words whoever made the run; the result objects
(``EndedRunMixin._callers``) and the report document (``assay report`` of such a run: its
JSON, HTML and JUnit) say them in the caller's keywords here."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = [
    "in_callers_terms",
    "judged_in_callers_terms",
    "made_from_python",
    "summary_in_callers_terms",
]

# the options a summary's advice names (a budget to raise, the empty values set aside, the
# backdoor scan's second opinion to turn off, a text suite's cases per test, a backdoor
# image's own budget, the exact answer's time; the strategy, oracle or mode to use instead,
# a backdoor scan's images and clean images, STRIP's blends and rate, a trigger's largest
# side, a grammar's depth: a Python run's headline said "--strategy strip looks at those"
# and "the clean images (--clean)" before hostile50; a call's timeout: left53c)
_KEYWORDS = frozenset(
    {
        "call_timeout",
        "exact_time",
        "floor",
        "max_depth",
        "max_queries",
        "max_queries_per_image",
        "max_time",
        "missing",
        "mode",
        "oracle",
        "second_opinion",
        "strategy",
    }
)
# a backdoor scan's advice names its own options too (the clean images to give, a strategy
# to use, how the model takes images): check_backdoor's keywords, ``--range`` its value_range
_BACKDOOR = frozenset(
    {"blends", "clean", "fpr", "images", "input_shape", "layout", "max_trigger", "strategy"}
)
_BACKDOOR_RENAMED = {"range": "value_range"}
_BACKDOOR_CALL = "assay.check_backdoor("
# the option a verdict names (the threshold it judges by)
_JUDGED = frozenset({"fail_on"})
# the summary's prose: what is said, not figures or names a reader matches on
_PROSE = ("headline", "stop_reason", "incomplete_reason", "untested_reason")
_PROSE_LISTS = ("warnings", "notes")
_SECTION_PROSE = ("note", "text")


def made_from_python(command: Any) -> bool:
    """Whether a run's stored ``command`` is an API call (``assay.check_text(...)``)."""
    return str(command or "").startswith("assay.")


def in_callers_terms(text: str, command: Any) -> str:
    """``text`` with its budget options (and a backdoor scan's own: ``--clean`` -> ``clean``,
    ``--strategy strip`` -> ``strategy="strip"``) in the keywords of a run made from Python;
    as it is for a run made on the command line."""
    if not made_from_python(command):
        return text
    from assay.core.keywords import _prose_in_keywords

    if str(command).startswith(_BACKDOOR_CALL):
        accepted = set(_KEYWORDS | _BACKDOOR) | set(_BACKDOOR_RENAMED.values())
        return _prose_in_keywords(text, accepted, _BACKDOOR_RENAMED)
    return _prose_in_keywords(text, set(_KEYWORDS))


def judged_in_callers_terms(text: str, command: Any) -> str:
    """A verdict's words (``core.verdict.verdict_line``, ``report.verdict_text``) with its
    threshold in the keyword of a run made from Python (``--fail-on 0`` -> ``fail_on 0``);
    as it is for a run made on the command line."""
    if not made_from_python(command):
        return text
    from assay.core.keywords import _prose_in_keywords

    return _prose_in_keywords(text, set(_KEYWORDS | _JUDGED))


def summary_in_callers_terms(summary: Mapping[str, Any], command: Any) -> dict[str, Any]:
    """A copy of ``summary`` whose prose (headline, warnings, notes, sections' notes and
    text) is in the terms of who made the run (``in_callers_terms``)."""
    out = dict(summary)
    if not made_from_python(command):
        return out

    def said(value: Any) -> Any:
        return in_callers_terms(value, command) if isinstance(value, str) else value

    for key in _PROSE:
        if key in out:
            out[key] = said(out[key])
    for key in _PROSE_LISTS:
        if isinstance(out.get(key), list):
            out[key] = [said(v) for v in out[key]]
    if isinstance(out.get("sections"), list):
        out["sections"] = [
            {k: said(v) if k in _SECTION_PROSE else v for k, v in s.items()}
            if isinstance(s, Mapping)
            else s
            for s in out["sections"]
        ]
    return out
