"""JUnit test cases of a text run's tests (``text.tests``: each ``%invariant``,
``%directional`` and ``%expect`` line of a suite): one case per test, failed when a case of
it failed, skipped when it judged too few cases to tell (or none), passing otherwise, with
its cases and its failure rate's bound (95 %)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from assay.core.display import percent_up
from assay.core.outcome import NO_VARIANT
from assay.report._text import safe_text

__all__ = ["suite_test_cases"]

_DID_NOT_REPLAY = (
    "its failures did not replay"  # (``text.replay_hold``; reports import no technique)
)


def suite_test_cases(
    classname: str, summary: dict[str, Any], fails_nothing: str | None = None
) -> list[ET.Element]:
    """One case per test of a run with more than one (one test: the run's own cases say
    it all); none for other runs.  ``fails_nothing``: why the run's findings fail nothing
    (unconfirmed, or below its --fail-on), said beside a failing test, which then passes as
    its findings' cases do and the exit code does (report46: an exit-2 run's unconfirmed
    noise failed its tests in JUnit)."""
    text = summary.get("text")
    tests = text.get("tests") if isinstance(text, dict) else None
    rows = [t for t in tests or [] if isinstance(t, dict)]
    if len(rows) < 2:
        return []
    out = []
    for t in rows:
        name = safe_text(t.get("test", "?"))
        case = ET.Element("testcase", classname=classname, name=f"test {name}", time="0")
        cases, failing = int(t.get("cases") or 0), int(t.get("failing") or 0)
        said = f"{failing:,} of {cases:,} cases failing"
        drawn = t.get("drawn at random (floor)")
        if isinstance(drawn, int):
            said += f" ({drawn:,} drawn at random)"
        bound = t.get("failure rate below (95 %, none failing)")
        outcome = t.get("outcome")
        if outcome == _DID_NOT_REPLAY:  # (``text.replay_hold``: noise, withdrawn)
            message = (
                f"{int(t.get('did not replay') or 0):,} findings of it did not replay when "
                "asked again (the classifiers are not deterministic): nothing of it was shown"
            )
            ET.SubElement(case, "skipped", message=message)
        elif failing:
            message = f"{said}, {int(t.get('distinct minimal') or 0):,} distinct minimal"
            if fails_nothing:
                ET.SubElement(case, "system-out").text = f"{message} ({fails_nothing})"
            else:
                ET.SubElement(case, "failure", message=message, type="test").text = message
        elif outcome == NO_VARIANT and cases:
            message = f"{said}: nothing of it was tested (every variant asked was its sentence)"
            ET.SubElement(case, "skipped", message=message)
        elif outcome == "not tested" and cases:  # (``text.summary``: one label throughout)
            message = (
                f"{said}: nothing of it was tested (every classifier gave one label to every "
                "sentence asked, so no case of it could fail)"
            )
            ET.SubElement(case, "skipped", message=message)
        elif outcome in ("too few cases to tell", "not tested") or not cases:
            message = (
                f"{said}: too few cases to tell"
                + (f" (its failure rate could be up to {percent_up(bound, 0)} %)" if bound else "")
                if cases
                else "no case judged: nothing of it was tested"
            )
            ET.SubElement(case, "skipped", message=message)
        else:
            extra = (
                "; every case of it was judged"
                if outcome == "no failure in every case"
                else f"; failure rate below {percent_up(bound)} % (95 %)"
                if bound
                else ""
            )
            ET.SubElement(case, "system-out").text = said + extra
        out.append(case)
    return out
