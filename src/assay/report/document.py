"""The report document: plain JSON data built from a stored run, versioned by ``schema_version``.

HTML and JUnit are rendered from this document only, so a saved JSON report can be rendered
again later without the store.  See ``docs/report-format.md``.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import time
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from assay._version import __version__
from assay.core.callers_prose import summary_in_callers_terms
from assay.core.command_exit import exit_said, kept_exit
from assay.core.findings import FindingBatch
from assay.core.finishing import shown_status
from assay.core.heartbeat import cut_note
from assay.core.outcome import STORE_FAILED, not_a_pass, status_note, stored_fail_on
from assay.core.outfile import write_whole
from assay.core.retention import STALLED, status_of
from assay.core.run_commands import filled_for, filled_in, resume_command
from assay.core.runinfo import pasteable, rerun_note
from assay.core.sentence_cut import cut_strings
from assay.core.store import ENDED, RunStore
from assay.core.terminal import shell_join
from assay.core.verdict import run_verdict, verdict_line
from assay.core.witnesses import stored_keep
from assay.errors import UsageError
from assay.report.html import render_html
from assay.report.json_text import dumps_document
from assay.report.junit import render_junit
from assay.report.pixels_json import pixels_as_floats, pixels_as_integers

__all__ = [
    "SCHEMA_VERSION",
    "build_document",
    "default_headline",
    "dumps_document",
    "load_document",
    "load_schema",
    "write_reports",
]

# 2: fairness verdict, direction, regions and exact figures in the summary; 3: an image
# example's whole 8-bit pixels written as integers with ``inputs_scale`` (``pixels_json``)
SCHEMA_VERSION = 3
EXAMPLE_VALUES = 1 << 20
"""Values in the report's examples at most (a finding of a 100,000-column table holds
200,000: five of them, not 50): ``findings.shown_capped`` says so."""
_REQUIRED = ("schema_version", "run", "headline", "findings")
# (the user's own words and the run's own command: never filled)
_KEPT = frozenset({("run", "command"), ("run", "config"), ("findings", "examples")})
_STATUS_SAID = {STORE_FAILED: "stopped by its store's failure"}  # ("the run is ...")


def store_named(path: Path, config: Any) -> dict[str, str | None]:
    """The store by its absolute path, and by its path from the folder the run was started
    in (``config["cwd"]``) when it lies under it (None: elsewhere, or a run from Python)."""
    where = Path(os.path.abspath(path))
    folder = config.get("cwd") if isinstance(config, dict) else None
    inside: str | None = None
    if isinstance(folder, str) and folder:
        with contextlib.suppress(ValueError):
            inside = where.relative_to(Path(os.path.abspath(folder))).as_posix()
    return {"path": where.as_posix(), "in_folder": inside}


def build_document(
    store: RunStore,
    run_id: str,
    *,
    max_examples: int = 50,
    files_now: bool = False,
    store_failed: str | None = None,
) -> dict[str, Any]:
    """The report of run ``run_id`` (an id or a unique prefix) as JSON data.

    ``findings.examples`` holds up to ``max_examples`` findings, highest severity first, ties in
    the order found.  Non-finite floats become the strings ``"nan"``, ``"inf"``, ``"-inf"``.
    ``files_now``: ``rerun_note`` also names the files the run read that changed or are gone
    since (a report rebuilt later: ``assay report``), which the rerun reads as they are now.
    ``store_failed``: the error of the store that failed while this process ran the run (its
    own command's reports): a run the store still marks running is said stopped by it, not
    "stalled: its process is gone (killed, or its machine stopped)".
    """
    if isinstance(max_examples, bool) or not isinstance(max_examples, int) or max_examples < 0:
        raise UsageError(
            f"must be a whole number >= 0, not {max_examples!r}", argument="max_examples"
        )
    record = store.get_run(run_id)
    run = record.to_json()
    findings = _scan_findings(store.iter_witnesses(record.id), max_examples)
    # every finding is counted exactly; the store keeps a capped set of witnesses
    counts = store.witness_counts(record.id)
    findings["total"] = record.n_findings
    findings["by_kind"] = {k: c["found"] for k, c in sorted(counts.items())}
    findings["kept"] = sum(c["kept"] for c in counts.values())
    findings["keep_findings"] = store.keep_policy(record.id)
    findings["bounded_by_bytes"] = bytes_bound(counts, findings["keep_findings"])
    if record.n_findings:
        findings["max_severity"] = record.max_severity
    # the run's --fail-on: findings below it do not fail the run (nor its JUnit cases)
    findings["fail_on"] = stored_fail_on(record.config)
    findings["at_or_above_fail_on"] = (
        store.count_at_or_above(record.id, findings["fail_on"]) if record.n_findings else 0
    )
    # an API-made run's advice in its caller's keywords (max_queries, not --max-queries)
    if run.get("summary"):
        run["summary"] = summary_in_callers_terms(run["summary"], run.get("command"))
    summary = run.get("summary") or {}
    if summary and (cut := cut_note(record.config)) and cut not in (summary.get("notes") or []):
        # (its sessions killed outright: how the wall clock counted them, ``core.heartbeat``)
        summary = run["summary"] = {**summary, "notes": [*(summary.get("notes") or []), cut]}
    # a run still marked running whose process is gone (a CI job's timeout killed it) is said
    # so, as `assay runs` says it, not "had not finished" as if it were still going
    status = run["status"]
    # an ended run still to finish (its model failed, or an interrupt, after its search):
    # "unfinished", as the terminal, `assay show` and `assay runs` say it (its "completed"
    # stood beside its headline's "the run did not finish"); the search's status kept
    run["status"], run["search_status"] = shown_status(record), status
    if status == "running" and store_failed is not None:  # (said with the store's error)
        run["stalled"] = run[STORE_FAILED] = True
        run["error"] = store_failed
        status = STORE_FAILED
    elif status == "running" and status_of(store, record, time.time()) == STALLED:
        run["stalled"] = True
        status = STALLED
    headline = summary.get("headline")
    if not isinstance(headline, str) or not headline.strip():
        headline = default_headline(findings["total"], findings["by_kind"], run["progress"], status)
    elif note := status_note(status, headline):  # the summary of its last checkpoint
        headline = f"{headline}; {note}"
    failed = not_a_pass(summary) if record.status in ENDED else None
    if failed:  # said first: a run that tested nothing (or not all) must never read as a pass
        headline = f"{failed[0].upper()}: {failed[1]}. {headline}"
    # the run's verdict as its command (when it ended) and ``assay report`` exit with it: a
    # CI step reading a stored report needs no second judge of its own
    verdict = run_verdict(store, record.id)
    doc = {
        "schema_version": SCHEMA_VERSION,
        "exit_code": verdict.code,
        # (an API run's: its terms)
        "verdict": verdict_line(verdict, _STATUS_SAID.get(status, status), record.command),
        # the exit code of the command that last ran the run, kept as it ended: 3 where its
        # model failed after the search (the verdict above says 1 of its findings)
        "command_exit_code": (kept_exit(record.config) or (None,))[0],
        "command_exit": exit_said(
            record.config, verdict.code, demo=verdict.demo, judged=verdict.failing is not None
        ),
        "assay_version": __version__,
        "generated_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "run": run,
        "headline": headline,
        "findings": findings,
        # both read wherever the report was copied to (a CI artifact): the run's folder and
        # the store by their absolute paths
        "rerun": pasteable(
            run["command"],
            stored_keep(run.get("config"), store.keep_policy(record.id)),
            anywhere=True,
            summary=summary,
        ),
        # a time budget's run: what the rerun cannot promise (None under a query budget)
        "rerun_note": rerun_note(
            run.get("config"),
            str(run.get("command") or ""),
            summary=run.get("summary"),
            files_now=files_now,
        ),
        "report_command": shell_join(
            ["assay", "report", record.id, "--store", str(store.path.resolve())]
        ),
        # the commands above name the store as this machine has it; a reader elsewhere (a
        # CI artifact's) puts the store at ``in_folder`` of its own checkout and gives that
        "store": store_named(store.path, record.config),
    }
    # the commands its messages name by a placeholder for the run ("assay resume RUN finishes
    # it", a served model's "a stopped run: assay resume RUN_ID ..."): this run's, as they paste
    resume = resume_command(record.id, store.path, record.command, config=record.config)
    doc = filled_in(
        doc, lambda text: filled_for(text, record.id, store.path, lambda: resume), _KEPT
    )
    # One JSON round trip with sorted keys, as written: the built document equals the document
    # loaded back from its file, key order included, so both render the same.
    clean: dict[str, Any] = json.loads(dumps_document(_finite(doc)))
    return clean


def _capped(shown: int, asked: int, size: int) -> str:
    return f"at most {shown} examples (not {asked}): each holds {size:,} values"


def _scan_findings(
    witnesses: Iterable[tuple[FindingBatch, np.ndarray]], max_examples: int
) -> dict[str, Any]:
    """Counts by kind, the maximum severity and the top examples, in one pass over the kept
    witnesses (each with its number in the order found)."""
    by_kind: dict[str, int] = {}
    total = 0
    max_sev: float | None = None
    best: list[tuple[float, int, dict[str, Any]]] = []  # (-severity, index, finding)
    asked, size = max_examples, 1
    for batch, numbers in witnesses:
        n = len(batch)
        if n == 0:
            continue
        # findings of 200,000 values each (a very wide table, images): fewer of them, whole
        # (50 backdoor findings of three 64x64x3 images were 37 MB of JSON, of 224x224x3 ones
        # about 450 MB); rows of a table (n, k, columns), images (n, [k,] H, W[, C])
        if batch.inputs.ndim >= 3:
            size = int(np.prod(batch.inputs.shape[1:]))
            max_examples = min(max_examples, max(1, EXAMPLE_VALUES // max(size, 1)))
        by_kind[batch.kind] = by_kind.get(batch.kind, 0) + n
        sev = np.nan_to_num(np.asarray(batch.severity, dtype=np.float64), nan=0.0)
        top = float(sev.max())
        max_sev = top if max_sev is None else max(max_sev, top)
        if max_examples:
            candidates = np.arange(n)
            if len(best) >= max_examples:
                cut, last = -best[-1][0], best[-1][1]
                candidates = candidates[(sev > cut) | ((sev == cut) & (numbers < last))]
            order = candidates[np.argsort(-sev[candidates], kind="stable")][:max_examples]
            for i in order.tolist():
                number = int(numbers[i])
                example = batch[i].to_json()
                if batch.inputs.dtype.kind == "U":  # a text run's sentences: cut when long
                    example = cut_strings(example)  # (``core.sentence_cut``; store52: 1 MB)
                best.append((-float(sev[i]), number, {"index": number, **example}))
            best.sort(key=lambda t: (t[0], t[1]))
            del best[max_examples:]
        total += n
    capped = max_examples < asked and total > max_examples
    return {
        "total": total,
        "by_kind": dict(sorted(by_kind.items())),
        "max_severity": max_sev,
        "shown": len(best),
        **({"shown_capped": _capped(max_examples, asked, size)} if capped else {}),
        "order": "severity",
        "examples": [f for _, _, f in best],
    }


def default_headline(
    total: int, by_kind: dict[str, int], progress: dict[str, Any], status: str
) -> str:
    """``"312 findings in 20,000 queries"`` or ``"no finding in 20,000 queries"``, plus status."""
    queries = progress.get("queries")
    where = (
        f" in {queries:,} quer{'y' if queries == 1 else 'ies'}"
        if isinstance(queries, int) and not isinstance(queries, bool)
        else ""
    )
    if total == 0:
        text = f"no finding{where}"
    else:
        text = f"{total:,} finding{'' if total == 1 else 's'}{where}"
        if len(by_kind) > 1:
            text += " (" + ", ".join(f"{n:,} {k}" for k, n in by_kind.items()) + ")"
    note = status_note(status)
    return f"{text}; {note}" if note else text


def _finite(value: Any) -> Any:
    """The same data with NaN and infinities as strings (strict JSON has no such numbers)."""
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, dict):
        return {str(k): _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return value


# -- files ------------------------------------------------------------------------------------


def write_reports(
    doc: dict[str, Any],
    *,
    json_path: str | os.PathLike[str] | None = None,
    html_path: str | os.PathLike[str] | None = None,
    junit_path: str | os.PathLike[str] | None = None,
    arguments: Mapping[str, str] | None = None,
) -> list[Path]:
    """Write the requested reports (UTF-8), creating parent directories; return the paths.

    A path that cannot be written raises ``UsageError`` naming it and its option: ``--json``,
    ``--html``, ``--junit``, or the names given in ``arguments`` (keys json, html, junit).
    """
    names = {"json": "--json", "html": "--html", "junit": "--junit", **(arguments or {})}
    jobs: list[tuple[str | os.PathLike[str] | None, str, Callable[[], str]]] = [
        (json_path, names["json"], partial(_json_text, doc)),
        (html_path, names["html"], partial(render_html, doc)),
        (junit_path, names["junit"], partial(render_junit, doc)),
    ]
    written: list[Path] = []
    for target, argument, render in jobs:
        if target is None:
            continue
        path = Path(target)
        text = render()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_whole(path, text)  # (a full disk never leaves a cut report for CI)
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise UsageError(
                f"cannot write the report: {reason}", argument=argument, path=str(path)
            ) from exc
        written.append(path)
    return written


def _json_text(doc: dict[str, Any]) -> str:
    """The JSON file's text: the document, its image examples' pixels as integers."""
    return dumps_document(pixels_as_integers(doc))


def load_document(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read a JSON report written by ``write_reports``; refuse unknown schema versions."""
    where = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise UsageError(f"cannot read the report: {reason}", path=where) from exc
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(
            f"not valid JSON: {exc.msg}", path=where, line=exc.lineno, column=exc.colno
        ) from exc
    if not isinstance(doc, dict) or "schema_version" not in doc:
        raise UsageError("not an assay report (no schema_version)", path=where)
    version = doc["schema_version"]
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise UsageError(f"unknown report schema_version {version!r}", path=where)
    if version > SCHEMA_VERSION:
        raise UsageError(
            f"report schema_version {version} is newer than this assay understands "
            f"({SCHEMA_VERSION}); upgrade assay",
            path=where,
        )
    missing = [key for key in _REQUIRED if key not in doc]
    if missing:
        raise UsageError(f"not an assay report: missing {', '.join(missing)}", path=where)
    if not isinstance(doc["run"], dict) or not isinstance(doc["findings"], dict):
        raise UsageError("not an assay report: 'run' and 'findings' must be objects", path=where)
    return pixels_as_floats(doc)


def bytes_bound(counts: dict[str, dict[str, Any]], keep: int | None) -> str | None:
    """What the store did not keep for the witnesses' bytes (``KEEP_BYTES``): per kind whose
    findings were too large for the run's cap, how large, and how many it keeps instead;
    None when the cap in findings decided alone."""
    from assay.core.witnesses import KEEP_BYTES

    said = [
        f"{kind} findings take about {_size(float(c['bytes_each']))} each in the store: it "
        f"keeps {int(c['kept']):,} of the {int(c['found']):,} found as witnesses (at most "
        f"{int(c['keep']):,} and the most severe), not {keep or 0:,} (--keep-findings), so "
        f"that they take at most about {_size(float(KEEP_BYTES))}"
        for kind, c in sorted(counts.items())
        if c.get("keep") is not None and int(c["kept"]) < int(c["found"])  # (none dropped yet)
    ]
    if not said:
        return None
    return "; ".join(said) + "; every finding is counted (--keep-findings all keeps every one)"


def _size(n: float) -> str:
    for unit, scale in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}" if n < 10 * scale else f"{n / scale:,.0f} {unit}"
    return f"{n:.0f} bytes"


def load_schema() -> dict[str, Any]:
    """The JSON Schema of the report document (``schema.json`` shipped with assay)."""
    text = (Path(__file__).with_name("schema.json")).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema
