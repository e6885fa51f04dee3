"""A text run's first failing sentences as the command line says them: after a run
(``assay text``), when a run is resumed to its end and when a stored run is shown, the few
minimal failing sentences ranked first, each with what every classifier answered, so that
the terminal shows the bug itself and not only its count."""

from __future__ import annotations

import json
from typing import Any
from unicodedata import is_normalized, normalize

from assay.cli.console import Output
from assay.core.display import percent_up
from assay.core.outcome import NO_VARIANT
from assay.core.terminal import unsafe as _unsafe

__all__ = ["SHOWN", "name_text", "say_failing"]

SHOWN = 3
"""Minimal failing sentences the command line prints (the reports hold the ranked list)."""

_LONGEST = 160  # characters of one sentence on the line (a longer one is cut, said with "...")
_LABEL = 60  # characters of one label (an LLM's whole answer taken as a label is cut too)


def _escaped(text: str) -> str:
    """``text`` in double quotes, every character a terminal would act on written as
    ``\\uXXXX`` (JSON's escapes, so the line can be read back): letters of any script,
    right-to-left ones and emoji included, are kept as they are."""
    quoted = json.dumps(text, ensure_ascii=False)  # escapes quotes, backslashes and C0
    return "".join(json.dumps(c)[1:-1] if _unsafe(c) else c for c in quoted)


def _cut(text: str, longest: int) -> str:
    return text if len(text) <= longest else text[: longest - 3] + "..."


def _quoted(sentence: str) -> str:
    """A sentence in double quotes, its control characters escaped, cut when long."""
    return _escaped(_cut(sentence, _LONGEST))


def _forms_apart(sentence: str, variant: str) -> str:
    """What tells apart a sentence and its variant that print alike: written in two Unicode
    normal forms ("schön" as one character and as "o" and a combining diaeresis), else ""."""
    if sentence == variant or normalize("NFC", sentence) != normalize("NFC", variant):
        return ""
    return (
        " (they print alike and differ in Unicode normal form only: the sentence "
        f"{_form(sentence)}, the variant {_form(variant)})"
    )


def _form(text: str) -> str:
    return next((f for f in ("NFC", "NFD") if is_normalized(f, text)), "of mixed forms")


def name_text(value: object) -> str:
    """A word or member in single quotes, escaped and cut as a label is."""
    return f"'{_name(value, _LABEL)}'"


def _name(value: object, longest: int | None = None) -> str:
    """A classifier's name or label as written, quoted and escaped only when it holds a
    character a terminal would act on (a label answered with an ANSI colour or a new line
    would otherwise colour the terminal or print a line of its own); cut after ``longest``
    characters when given."""
    text = str(value) if longest is None else _cut(str(value), longest)
    return _escaped(text) if any(_unsafe(c) for c in text) else text


def _label(o: dict[str, Any], which: str = "") -> str:
    """A classifier's label and its probability, with the common label it was compared as
    when a label map (or a difference of case) gave it another: ``Z = neutral (0.91)``; a
    classifier that answered a label alone (a function answering names, a pipeline's top
    label) has no number: its label was compared as certain, not scored so."""
    own = _name(o[f"{which}label"], _LABEL)
    common = o.get(f"{which}common_label")
    as_compared = f" = {_name(common, _LABEL)}" if common is not None else ""
    p = o.get(f"{which}probability")
    score = f" ({float(p):.2f})" if isinstance(p, int | float) else ""
    return f"{own}{as_compared}{score}"


def _answers(outputs: list[dict[str, Any]]) -> str:
    said = []
    for o in outputs:
        one = f"{_name(o['classifier'])}: {_label(o)}"
        if "variant_label" in o:  # a metamorphic check: the sentence, then its variant
            one += f" -> {_label(o, 'variant_')}"
        said.append(one)
    return "; ".join(said)


def _quoted_test(test: str) -> str:
    """A test's name as the grammar's line gives it (its quotes as written), cut when long,
    every character a terminal would act on escaped as ``_escaped`` does."""
    return "".join(json.dumps(c)[1:-1] if _unsafe(c) else c for c in _cut(test, _LONGEST))


def _told(test: dict[str, Any]) -> str:
    """What a test with no failing case tells: its failure rate's bound (95 %), or that its
    cases were too few to tell (never a silent pass); a suite's floor drawn at random."""
    said = ""
    drawn = test.get("drawn at random (floor)")
    if isinstance(drawn, int):
        said += f", {drawn:,} drawn at random"
    bound = test.get("failure rate below (95 %, none failing)")
    if test.get("did not replay"):  # (``text.replay_hold``: its noise withdrawn)
        said += f", {int(test['did not replay']):,} found that did not replay (withdrawn)"
    if test.get("outcome") == "its failures did not replay":
        said += ": NOTHING OF IT WAS SHOWN (the classifiers are not deterministic)"
    elif test.get("outcome") == "not tested" and test.get("cases"):
        said += ": NOTHING OF IT WAS TESTED " + (
            "(one answer to every sentence: no edit could move it)"
            if _directional(test)
            else "(one label to every sentence: no swap could change it)"
        )
    elif test.get("outcome") == NO_VARIANT and test.get("cases"):
        said += (
            ": NOTHING OF IT WAS TESTED (every variant asked was its sentence itself: its "
            "members, or the two sides of its edit, derive the same words)"
        )
    elif test.get("outcome") == "no failure in every case":
        said += ": every case of it was judged"
    elif test.get("outcome") == "too few cases to tell":
        said += ": TOO FEW CASES TO TELL" + (
            f" (its failure rate could be up to {percent_up(bound, 0)} %)"
            if isinstance(bound, int | float)
            else ""
        )
    elif isinstance(bound, int | float):
        said += f"; failure rate below {percent_up(bound)} % (95 %)"
    return said


def _directional(test: dict[str, Any]) -> bool:
    """A ``%directional`` test (its name ``line N: %directional ...``): an edit, not a swap,
    and one still only when no classifier's answer moved, its probabilities too."""
    return str(test.get("test", "")).split(": ", 1)[-1].startswith("%directional")


def _say_tests(out: Output, tests: list[dict[str, Any]]) -> None:
    """Each test (relation) of a metamorphic run: its cases and failures, as CheckList
    sums up a suite; a test no case reached says so (it tested nothing)."""
    out.say("tests (the grammar's relations):")
    for t in tests:
        cases, failing = int(t.get("cases") or 0), int(t.get("failing") or 0)
        figures = (
            f"{failing:,} of {cases:,} cases failing ({100 * failing / cases:.1f} %), "
            f"{int(t.get('distinct minimal') or 0):,} distinct minimal"
            if cases
            else "no case judged: nothing of it was tested"
        )
        figures += _told(t)
        out.say(f"  {_quoted_test(str(t.get('test', '')))}: {figures}")


def say_failing(
    out: Output, summary: dict[str, Any], shown: int = SHOWN, *, every: str | None = None
) -> None:
    """The run's first ``shown`` minimal failing sentences (ranked by how many failing
    sentences shrink to each, then by severity), or nothing when none was found; ``every``:
    the command that writes every one (the reports hold the most frequent only)."""
    text = summary.get("text") or {}
    tests = [t for t in text.get("tests") or [] if isinstance(t, dict)]
    if len(tests) > 1:  # (one test: the headline's figures are its own)
        _say_tests(out, tests)
    ranked = [r for r in text.get("minimal") or [] if isinstance(r, dict)]
    if not ranked:
        return
    total = int(text.get("distinct_minimal") or len(ranked))
    first = ranked[:shown]
    out.say(
        f"first {len(first)} of {total:,} minimal failing sentence{'s' if total != 1 else ''}"
        + " (ranked):"
        if total > len(first)
        else f"minimal failing sentence{'s' if total != 1 else ''}:"
    )
    for r in first:
        line = f"  {_quoted(str(r.get('sentence', '')))}"
        if r.get("variant"):
            line += f" vs {_quoted(str(r['variant']))}"
            line += _forms_apart(str(r.get("sentence", "")), str(r["variant"]))
        line += f"  [{_answers(r.get('outputs') or [])}]"
        failed = r.get("failed")
        if isinstance(failed, list) and failed:  # (of several classifiers: which failed)
            line += f" failed by {', '.join(_name(str(n)) for n in failed)}"
        if len(tests) > 1 and r.get("test"):
            line += f" ({_quoted_test(str(r['test']))})"
        count = int(r.get("count") or 1)
        if count > 1:
            line += f" ({count:,} failing sentences shrink to it)"
        out.say(line)
    if every and total > len(first):  # (a line of its own: pasted whole, it runs)
        out.say(f"every one of them to a file: {every}")
