"""One self-contained offline HTML page rendered from a report document.

Inline CSS and inline SVG only: no script, no external font, image or stylesheet.  The page is
rendered from Jinja2 templates (``assay/report/templates``) with autoescaping on, so every
string taken from the document (it may come from a model, a data file or a grammar) is escaped;
characters that HTML cannot carry are shown as ``\\xNN`` by the environment's ``finalize``.
This module only turns the document into plain values for the templates.
"""

from __future__ import annotations

import html
import json
import math
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from typing import Any, TypeGuard

import jinja2
import numpy as np
from markupsafe import Markup

from assay.core.display import percent, percent_points
from assay.core.display import value as display_value
from assay.core.outcome import (
    answer_rule,
    document_status,
    not_a_pass,
    rule_option,
    stored_fail_on,
    unended_status,
)
from assay.core.served_answers import PROBE_ANSWER
from assay.core.store import ENDED
from assay.report._text import (
    compact,
    finding_json,
    format_number,
    queries_text,
    run_seconds,
    safe_text,
)
from assay.report.backdoor_html import render_gallery
from assay.report.plots import bar_chart
from assay.report.region_text import covered_text
from assay.report.text_html import render_text_section
from assay.report.verdict_text import bounded_text, run_verdict_text, suite_fails_nothing

__all__ = ["render_html"]

_MAX_ROWS = 500  # rows of one section table shown in HTML (all rows stay in the JSON)
_MAX_FLAT = 40  # inputs with up to this many scalar values are shown as table rows
_MAX_JSON = 4000  # characters of a finding's raw JSON shown in its fold-out


def render_html(doc: dict[str, Any]) -> str:
    """The report page as one string."""
    run = _dict(doc.get("run"))
    summary = _dict(run.get("summary"))
    command = doc.get("rerun") or run.get("command")
    cases = _cases(summary.get("cases"))
    context = {
        "run": {"id": run.get("id", ""), "technique": run.get("technique", "")},
        "header": _header(run, doc),
        "headline": doc.get("headline", ""),
        # a fairness answer leads the page, the IDIs' count after it as evidence (issue 11);
        # a run that did not end, or tested nothing, keeps its headline (which says so) first
        "answer_first": bool(summary.get("verdict"))
        and document_status(run) in ENDED
        and not not_a_pass(summary),
        "command": command or "",
        "rerun_note": doc.get("rerun_note") or "",
        # (pasted alone, ``assay report RUN`` asks for an output: the line names one)
        "report_command": f"{doc['report_command']} --html report.html"
        if doc.get("report_command")
        else "",
        # the store the commands name (its absolute path), and from the run's own folder
        "store": _dict(doc.get("store")),
        "error": run.get("error") or "",
        "metrics": [_metric(k, v) for k, v in _dict(summary.get("metrics")).items()],
        # text runs: ranked minimal failing sentences (escaped by render_text_section)
        "text_section": Markup(text_part := render_text_section(doc)),
        "sections": [
            *(
                _section(s, suite_fails_nothing(doc))
                for s in _list(summary.get("sections"))
                # example tables are shown once, as the findings' cases, when the summary has them
                if isinstance(s, dict) and not (cases and s.get("role") == "examples")
            ),
            *_unsaid_notes(summary, doc, text_part),
        ],
        "fairness": _fairness(summary, _dict(run.get("config"))),
        "findings": _findings(doc, run, cases),
        "findings_title": "Findings" if not _fairness(summary, {}) else "Findings (evidence)",
        "about": _about(run),
        "generated_at": doc.get("generated_at", ""),
        "assay_version": doc.get("assay_version", ""),
        "schema_version": doc.get("schema_version", ""),
        "css": Markup(_css()),
    }
    return _environment().get_template("report.html.j2").render(context)


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("assay.report", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.ChainableUndefined,
        finalize=_finalize,
    )
    env.filters["cell"] = _cell
    env.filters["num"] = format_number
    env.filters["pct"] = _pct
    # a bounded share's interval as the terminal says it: one answer (left53c)
    env.filters["bounded"] = lambda v: bounded_text(v).strip().removeprefix("(").removesuffix(")")
    env.filters["covered"] = covered_text  # a region's share of the IDIs, as the terminal says
    env.filters["severity_level"] = _severity_level
    env.filters["dict_values"] = lambda d: list(d.values()) if isinstance(d, dict) else []
    env.filters["witness_row"] = _witness_row
    env.filters["box_row"] = lambda b: [
        b.get("rule"),
        _pct(b.get("share_of_space")),
        b.get("data_rows"),
    ]
    env.tests["number_like"] = _is_number
    env.globals["max_rows"] = _MAX_ROWS
    return env


@cache
def _css() -> str:
    return resources.files("assay.report").joinpath("templates/report.css").read_text("utf-8")


def _finalize(value: Any) -> Any:
    """Every printed value: markup from a template or chart as is, anything else as safe text."""
    if isinstance(value, Markup):
        return value
    if value is None:
        return ""
    return safe_text(value)


# -- parts of the page --------------------------------------------------------------------------


def _search_ended(run: dict[str, Any]) -> str | None:
    """The status an unfinished run's search ended with (None: the status says it all)."""
    search = run.get("search_status")
    return str(search) if search and search != run.get("status") else None


def _status_shown(run: dict[str, Any]) -> Any:
    said = unended_status(run)
    return said.replace("_", " ") if said != run.get("status") else run.get("status")


def _header(run: dict[str, Any], doc: dict[str, Any]) -> list[tuple[str, Any, str]]:
    progress = _dict(run.get("progress"))
    summary = _dict(run.get("summary"))
    rows: list[tuple[str, Any, str]] = [
        ("Run", run.get("id", ""), "code"),
        ("Technique", run.get("technique", ""), ""),
        # (a run marked running whose process is gone: stalled, as `assay runs` says)
        # (one whose store failed while its command ran it: "store failed", as it says)
        ("Status", _status_shown(run), "status"),
        # (an ended run still to finish: unfinished, then the status its search ended with)
        *([("Search", f"ended: {search}", "")] if (search := _search_ended(run)) else []),
        ("Seed", run.get("seed", ""), ""),
        # whether the run passed its gate, as its exit code and JUnit file say (a run whose
        # findings are all below its --fail-on passes; its findings are listed all the same)
        *([("Verdict", verdict, "")] if (verdict := run_verdict_text(doc)) else []),
        # the command that ran it, when it exited otherwise (3: its model failed)
        *([("Command", said, "")] if (said := doc.get("command_exit")) else []),
        ("Started", _when(run.get("created")), ""),
        ("Last update", _when(run.get("updated")), ""),
    ]
    if asked := queries_text(progress, summary):
        rows.append(("Queries", asked, ""))
    wall, search = run_seconds(run), progress.get("elapsed")
    if wall is not None and _is_number(search) and wall != float(search):
        # the wall clock the headline and the rates count; the search's own beside it
        rows.append(("Elapsed (wall clock)", format_number(wall, "s"), ""))
        rows.append(("Searching", format_number(search, "s"), ""))
    elif wall is not None:
        rows.append(("Elapsed", format_number(wall, "s"), ""))
    if _is_number(summary.get("wall_seconds_with_retraining")):  # (after the run's figure)
        total = summary["wall_seconds_with_retraining"]
        rows.append(("With the retraining after it", format_number(total, "s"), ""))
    if _is_number(progress.get("model_seconds")):
        # (the search's calls: the answer's and the checks' are in their phases' times)
        inside = "Time in the model while searching" if _is_number(search) else "Time in the model"
        rows.append((inside, format_number(progress["model_seconds"], "s"), ""))
    phases = _phases(summary.get("seconds_by_phase"))
    if phases:
        rows.append(("Time by phase", phases, ""))
    if summary.get("stop_reason"):
        rows.append(("Stopped by", summary["stop_reason"], ""))
    return rows


_PHASES = ("loading", "checks", "search", "answer")  # the order a fairness run goes through


def _phases(seconds: Any) -> str:
    """``loading 7.79 s, checks 0.031 s, search 0.125 s, answer 1.803 s`` from the summary's
    ``seconds_by_phase`` (a phase the run did not record is left out); empty without it."""
    seconds = _dict(seconds)
    order = [p for p in _PHASES if p in seconds] + sorted(set(seconds) - set(_PHASES))
    return ", ".join(
        f"{safe_text(p)} {format_number(seconds[p], 's')}" for p in order if _is_number(seconds[p])
    )


def _metric(name: str, value: Any) -> list[Any]:
    """A row of the metrics table: a value in percent (its name ends in "(%)") as ``12.35 %``."""
    if name.endswith("(%)") and _is_number(value):
        return [name[:-3].rstrip(), percent_points(value)]
    return [name, value]


def _unsaid_notes(summary: dict[str, Any], doc: dict[str, Any], text_part: str) -> list[Any]:
    """The run's warnings and notes that no section of the report says, as a section of
    their own: what the terminal and ``assay show`` printed as "note: ..." (report46: a
    fairness answer's "the model's probabilities did not change with foreign_worker ...:
    the model may not read foreign_worker at all" was in the terminal, ``show`` and the
    JSON, and not in the HTML)."""
    said = " ".join(
        [
            str(doc.get("headline") or ""),
            html.unescape(text_part),
            *(
                str(_dict(s).get(k) or "")
                for s in _list(summary.get("sections"))
                for k in ("text", "note")
            ),
        ]
    ).lower()
    every = [*_list(summary.get("warnings")), *_list(summary.get("notes"))]
    unsaid = [
        str(n)
        for n in dict.fromkeys(str(n) for n in every if str(n).strip())
        if str(n).rstrip(". ").lower() not in said
    ]
    if not unsaid:
        return []
    return [{"title": "Notes", "paragraphs": unsaid}]  # (as said: a column's name first)


def _section(section: dict[str, Any], fails_nothing: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"title": section.get("title") or ""}
    text = section.get("text")
    out["paragraphs"] = [p for p in text.split("\n\n") if p] if isinstance(text, str) else []
    table = section.get("table")
    out["table"] = _table_of(table) if isinstance(table, dict) else None
    if out["table"] and fails_nothing and section.get("title") == "Tests":
        _tests_fail_nothing(out, fails_nothing)
    bars = section.get("bars")
    out["chart"] = None
    if isinstance(bars, dict):
        labels = [safe_text(x) for x in _list(bars.get("labels"))]
        values = [v if _is_number(v) else None for v in _list(bars.get("values"))]
        unit = bars.get("unit")
        unit = unit if isinstance(unit, str) else ""
        title = str(section.get("title", ""))
        out["chart"] = Markup(bar_chart(labels, values, unit=unit, title=title))
    # backdoor triggers beside their images (inline PNG, escaped by render_gallery)
    out["gallery"] = Markup(render_gallery(section["gallery"])) if section.get("gallery") else ""
    out["tables"] = [_table_of(t) for t in _list(section.get("tables")) if isinstance(t, dict)]
    out["note"] = section.get("note") or ""
    return out


def _tests_fail_nothing(out: dict[str, Any], why: str) -> None:
    """A suite's table of tests when its findings fail nothing (``suite_fails_nothing``): a
    test with failing cases reads "passing" with why, as its JUnit case does, never
    "failing" beside a verdict that fails nothing (report46b)."""
    columns = out["table"]["columns"]
    if "outcome" not in columns:
        return
    at = columns.index("outcome")
    rows = [list(r) for r in out["table"]["rows"]]
    short = why.split(":")[0] if why.startswith("unconfirmed") else why
    changed = False
    for row in rows:
        if at < len(row) and row[at] == "failing":
            row[at] = f"passing: its failing cases fail nothing ({short})"
            changed = True
    out["table"]["rows"] = rows
    if changed:
        out["paragraphs"].append(f"A test with failing cases passes: {why}.")


def _fairness(summary: dict[str, Any], config: dict[str, Any]) -> dict[str, Any]:
    """The fairness answer when the summary has one (filled in by the fairness template);
    ``found_fails``: a level 'found' fails the run (the default ``--fail-on 0``: any
    discriminatory input the answer met is a failure, as the exit code says)."""
    out = {
        key: summary[key]
        for key in ("verdict", "direction", "regions", "exact")
        if isinstance(summary.get(key), list) and summary[key]
    }
    if out:
        out["favourable"] = _dict(summary.get("favourable"))
        # the rule as the terminal writes it, quoted to paste (report47)
        out["fail_on"] = rule_option(summary["fail_on"]) if summary.get("fail_on") else None
        out["found_fails"] = answer_rule(config) is None and stored_fail_on(config) <= 0.0
    return out


def _findings(doc: dict[str, Any], run: dict[str, Any], cases: dict[str, Any]) -> dict[str, Any]:
    findings = _dict(doc.get("findings"))
    total = findings.get("total", 0)
    total = total if isinstance(total, int) else 0
    queries = _dict(run.get("progress")).get("queries")
    by_kind = _dict(findings.get("by_kind"))
    examples = [f for f in _list(findings.get("examples")) if isinstance(f, dict)]
    return {
        "total": total,
        "where": f" in {format_number(queries)} queries" if _is_number(queries) else "",
        "worst": findings.get("max_severity"),
        "by_kind": [[k, n] for k, n in by_kind.items()],
        "chart": Markup(bar_chart(list(by_kind), list(by_kind.values()), title="findings by kind")),
        "order": "highest severity first" if findings.get("order") == "severity" else "in order",
        # a technique's readable cases replace the raw findings (those stay in the JSON)
        "examples": [] if cases else [_example(f, _class_names(run)) for f in examples],
        "cases": cases,
        "kept": findings.get("kept") if _is_number(findings.get("kept")) else None,
        "bounded_by_bytes": findings.get("bounded_by_bytes") or None,
    }


def _cases(cases: Any) -> dict[str, Any]:
    """The summary's readable examples (``cases``): each with a title, tags, a note, values
    shown once (``shared``) and a table whose ``marked`` cells ([row, column]) differ from
    the first row.  Empty when the summary has none."""
    cases = _dict(cases)
    items = []
    for item in _list(cases.get("items")):
        if not isinstance(item, dict):
            continue
        table = _dict(item.get("table"))
        marked = {
            (m[0], m[1])
            for m in _list(table.get("marked"))
            if isinstance(m, list) and len(m) == 2 and all(isinstance(x, int) for x in m)
        }
        rows = [r if isinstance(r, list) else [r] for r in _list(table.get("rows"))]
        shared = _dict(item.get("shared"))
        items.append(
            {
                "title": safe_text(item.get("title") or ""),
                "tags": [safe_text(t) for t in _list(item.get("tags"))],
                "note": safe_text(item.get("note") or ""),
                "shared": {
                    "columns": [safe_text(c) for c in _list(shared.get("columns"))],
                    "values": _list(shared.get("values")),
                },
                "columns": [safe_text(c) for c in _list(table.get("columns"))],
                "rows": [
                    [(cell, (r, c) in marked) for c, cell in enumerate(row)]
                    for r, row in enumerate(rows)
                ],
            }
        )
    if not items:
        return {}
    text, severity = cases.get("text"), cases.get("severity")
    return {
        "text": text if isinstance(text, str) else "",
        "items": items,
        "severity": severity if isinstance(severity, str) else "highest severity",
    }


def _example(finding: dict[str, Any], class_names: list[str] | None = None) -> dict[str, Any]:
    shown = _by_class_name(finding, class_names)
    details = _dict(shown.get("details"))
    names = details.get("feature_names", details.get("features"))
    columns, rows, differs = _io_rows(shown.get("inputs"), shown.get("outputs"), names)
    extra = [
        (k, compact(v, 160)) for k, v in details.items() if k not in ("feature_names", "features")
    ]
    raw = finding_json(finding)
    if len(raw) > _MAX_JSON:
        raw = raw[:_MAX_JSON] + "\n…"
    return {
        "severity": finding.get("severity"),
        "kind": finding.get("kind", ""),
        "index": finding.get("index"),
        "columns": columns,
        "rows": rows,
        "differs": sorted(differs),
        "details": extra,
        "raw": raw,
    }


# a backdoor finding's classes (its outputs, and these details) are the model's class indices
_BACKDOOR_KINDS = ("backdoor-trigger", "backdoor-target", "strip-flag")
_CLASS_KEYS = ("target", "corrected", "clean_label_of_pasted", "true_label", "prediction")


def _class_names(run: dict[str, Any]) -> list[str] | None:
    """The model's own class names (``seven``), when it has them."""
    caps = _dict(_dict(run.get("model")).get("capabilities"))
    names = caps.get("class_names") or _dict(run.get("summary")).get("class_names")
    return [str(n) for n in names] if isinstance(names, list) and names else None


def _by_class_name(finding: dict[str, Any], names: list[str] | None) -> dict[str, Any]:
    """A backdoor finding as shown: its classes by the model's names, as the page's table and
    headline give them (``target seven``, not the index ``5`` a digits model reads as five);
    the JSON fold-out keeps the finding as stored."""
    if finding.get("kind") not in _BACKDOOR_KINDS or not names:
        return finding

    def named(k: Any) -> Any:
        ok = isinstance(k, int) and not isinstance(k, bool) and 0 <= k < len(names)
        return names[k] if ok else k

    details = {
        k: named(v) if k in _CLASS_KEYS else v for k, v in _dict(finding.get("details")).items()
    }
    outputs = finding.get("outputs")
    if isinstance(outputs, list):
        outputs = [named(o) for o in outputs]
    return {**finding, "details": details, "outputs": outputs}


def _io_rows(inputs: Any, outputs: Any, names: Any) -> tuple[list[str], list[list[Any]], set[int]]:
    """Columns, rows (one per input, output last) and which columns differ between rows."""
    items = inputs if isinstance(inputs, list) else [inputs]
    outs = outputs if isinstance(outputs, list) and len(outputs) == len(items) else [outputs]
    outs = outs + [""] * (len(items) - len(outs))
    shown = [compact(o, 120) if not isinstance(o, str) else o for o in outs]
    if items and all(_is_flat(x) for x in items) and len({len(x) for x in items}) == 1:
        width = len(items[0])
        if isinstance(names, list) and len(names) == width:
            header = [safe_text(n) for n in names]
        else:
            header = [f"x{j}" for j in range(width)]
        rows = [[*x, o] for x, o in zip(items, shown, strict=True)]
        differs = {j for j in range(width) if len({json.dumps(x[j]) for x in items}) > 1}
        return [*header, "output"], rows, differs
    cells = [x if _is_scalar(x) else _describe(x) for x in items]
    return ["input", "output"], [[c, o] for c, o in zip(cells, shown, strict=True)], set()


# (a text run's classifiers' answers to loading's probe; the command's exit code, in the head)
_NOT_SHOWN = {"loading_answers", "command_exit"}


def _without_probe(model: dict[str, Any]) -> dict[str, Any]:
    """A model's info (a text run's classifiers' each) without what a served model answered
    loading's probe: kept for a resume to compare (``core.served_answers``), up to 256
    numbers that tell a reader nothing."""
    out = dict(model)
    details = out.get("details")
    if isinstance(details, dict) and PROBE_ANSWER in details:
        out["details"] = {k: v for k, v in details.items() if k != PROBE_ANSWER}
    listed = out.get("classifiers")
    if isinstance(listed, list):
        out["classifiers"] = [_without_probe(c) if isinstance(c, dict) else c for c in listed]
    return out


def _about(run: dict[str, Any]) -> list[tuple[str, list[list[Any]]]]:
    parts = []
    for title, key in (
        ("Model", "model"),
        ("Configuration", "config"),
        ("Progress", "progress"),
        ("Versions", "versions"),
    ):
        data = {k: v for k, v in _dict(run.get(key)).items() if k not in _NOT_SHOWN}
        if key == "model":
            data = _without_probe(data)
        if data:
            parts.append((title, [[k, v] for k, v in data.items()]))
    return parts


# -- small pieces -------------------------------------------------------------------------------


def _table_of(table: dict[str, Any]) -> dict[str, Any]:
    caption = table.get("caption")
    return {
        "columns": [safe_text(c) for c in _list(table.get("columns"))],
        "rows": [r if isinstance(r, list) else [r] for r in _list(table.get("rows"))],
        "caption": caption if isinstance(caption, str) else None,
    }


def _cell(value: Any) -> str:
    if isinstance(value, str):
        return value if len(value) <= 2000 else value[:1999] + "…"
    if _is_number(value):
        return format_number(value)
    return compact(value, 300)


def _box_row(box: Any) -> list[Any]:
    box = _dict(box)
    return [box.get("rule"), _pct(box.get("share_of_space")), box.get("data_rows")]


def _severity_level(value: Any) -> str | None:
    if not _is_number(value):
        return None
    v = float(value)
    return "high" if v >= 0.75 else "mid" if v >= 0.4 else "low" if v > 0 else "none"


def _witness_row(witness: Any) -> list[Any]:
    """A region's witness in the data's values: a continuous one (a float: counts and codes
    are ints) to six significant digits, as the terminal's example and the JUnit file write
    it (``54.3871``; the table's number format said ``54.39``)."""
    if not isinstance(witness, dict):
        return []
    return [display_value(v) if isinstance(v, float) else v for v in witness.values()]


def _pct(value: Any) -> str:
    """A share as a percentage (``assay.core.display.percent``)."""
    return percent(float(value)) if _is_number(value) else "n/a"


def _describe(value: Any) -> str:
    """A short description of a large input (e.g. an image): its shape and value range."""
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return compact(value, 300)
    shape = "×".join(str(d) for d in arr.shape) or "scalar"
    if arr.size == 0:
        return f"array {shape}"
    return f"array {shape}, values {arr.min():.4g} … {arr.max():.4g}"


def _when(stamp: Any) -> str:
    if not _is_number(stamp):
        return ""
    return datetime.fromtimestamp(float(stamp), UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _is_number(value: Any) -> TypeGuard[int | float]:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return math.isfinite(value)


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def _is_flat(value: Any) -> bool:
    return isinstance(value, list) and len(value) <= _MAX_FLAT and all(map(_is_scalar, value))


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
