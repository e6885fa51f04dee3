"""A demonstration's JUnit file (``assay demo``, ``assay text --demo``, ``assay backdoor
--demo``): it reports the demonstration, as its exit code does (``cli.verdict.demo_exit``).
Its findings are what it is meant to find: each stays a case of its own, passing, its finding
in ``system-out``; one more case, ``demonstration``, passes when it found at least one and
fails when it found none.  Errors (nothing tested, a failed or unfinished run) stay errors,
as their exit codes do; but "not everything tested" beside the bugs found passes, saying why,
as the exit code (0) and its last line do (``core.verdict.demo_line``; report46b: it failed
the file of a demonstration that exited 0)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

__all__ = ["as_demonstration"]


def as_demonstration(cases: list[ET.Element], classname: str) -> list[ET.Element]:
    """``cases`` (a run's, as ``render_junit`` made them) as a demonstration's."""
    found = 0
    for case in cases:
        failure = case.find("failure")
        if failure is None:
            continue
        found += 1
        case.remove(failure)
        shown = ET.SubElement(case, "system-out")
        said = failure.get("message", "")
        shown.text = f"found, as the demonstration expects: {said}\n{failure.text or ''}"
    if not found and any(case.find("error") is not None for case in cases):
        return cases  # the error says why nothing was found
    partly = ""
    for case in cases:
        error = case.find("error")
        if error is None or error.get("type") != "incomplete":
            continue
        case.remove(error)  # the bugs were found in what was tested: what exit 0 says
        partly = error.get("message", "not everything was tested")
        ET.SubElement(case, "system-out").text = (
            f"{partly} (the demonstration passes all the same: its exit code judges whether "
            "it showed its bugs, and what was tested showed them)"
        )
    demo = ET.Element("testcase", classname=classname, name="demonstration", time="0")
    if found:
        out = ET.SubElement(demo, "system-out")
        out.text = (
            "the demonstration found the bugs it demonstrates (the cases below: outside a "
            "demonstration each would fail)"
            + (f", though {partly.split(':')[0]} (its own case says why)" if partly else "")
        )
    else:
        text = "the demonstration found none of the bugs it demonstrates"
        failure = ET.SubElement(demo, "failure", message=text, type="demonstration")
        failure.text = text
    return [demo, *cases]
