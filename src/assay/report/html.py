"""One self-contained offline HTML page rendered from a report document.

Inline CSS and inline SVG only: no script, no external font, image or stylesheet.  Every string
taken from the document is escaped (it may come from a model, a data file or a grammar).
"""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from html import escape
from typing import Any, TypeGuard

import numpy as np

from assay.report._text import compact, finding_json, format_number, safe_text
from assay.report.backdoor_html import render_gallery
from assay.report.plots import bar_chart

__all__ = ["render_html"]

_MAX_ROWS = 500  # rows of one section table shown in HTML (all rows stay in the JSON)
_MAX_FLAT = 40  # inputs with up to this many scalar values are shown as table rows
_MAX_JSON = 4000  # characters of a finding's raw JSON shown in its fold-out


def e(value: object) -> str:
    """Escaped text for HTML content and attribute values."""
    return escape(safe_text(value), quote=True)


def render_html(doc: dict[str, Any]) -> str:
    """The report page as one string."""
    run = _dict(doc.get("run"))
    summary = _dict(run.get("summary"))
    title = f"assay {run.get('technique', '')} report: {run.get('id', '')}"
    body = [
        _header(run),
        f'<p class="headline">{e(doc.get("headline", ""))}</p>',
        _rerun(doc, run),
        _error(run),
        _metrics(summary),
        *(_section(s) for s in _list(summary.get("sections"))),
        _findings(doc, run),
        _about(run),
        _footer(doc),
    ]
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta http-equiv="Content-Security-Policy" '
        "content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{e(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n<main>\n"
        + "\n".join(part for part in body if part)
        + "\n</main>\n</body>\n</html>\n"
    )


# -- parts of the page --------------------------------------------------------------------------


def _header(run: dict[str, Any]) -> str:
    progress = _dict(run.get("progress"))
    summary = _dict(run.get("summary"))
    rows: list[tuple[str, str]] = [
        ("Run", f"<code>{e(run.get('id', ''))}</code>"),
        ("Technique", e(run.get("technique", ""))),
        ("Status", _status_badge(run.get("status"))),
        ("Seed", e(run.get("seed", ""))),
        ("Started", e(_when(run.get("created")))),
        ("Last update", e(_when(run.get("updated")))),
    ]
    for label, key, unit in (
        ("Queries", "queries", ""),
        ("Elapsed", "elapsed", "s"),
        ("Time in the model", "model_seconds", "s"),
    ):
        value = progress.get(key)
        if _is_number(value):
            rows.append((label, e(format_number(value, unit))))
    if summary.get("stop_reason"):
        rows.append(("Stopped by", e(summary["stop_reason"])))
    cells = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows)
    return (
        f'<header><h1>assay report <span class="tech">{e(run.get("technique", ""))}</span>'
        f'</h1><table class="meta">{cells}</table></header>'
    )


def _rerun(doc: dict[str, Any], run: dict[str, Any]) -> str:
    parts = ['<section class="rerun"><h2>Reproduce</h2>']
    command = doc.get("rerun") or run.get("command")
    if command:
        parts.append(f"<p>Run again with the same seed:</p><pre><code>{e(command)}</code></pre>")
    if doc.get("report_command"):
        parts.append(
            f"<p>Rebuild this report from the run store:</p>"
            f"<pre><code>{e(doc['report_command'])}</code></pre>"
        )
    parts.append("</section>")
    return "".join(parts)


def _error(run: dict[str, Any]) -> str:
    if not run.get("error"):
        return ""
    return f'<section class="error"><h2>Error</h2><pre>{e(run["error"])}</pre></section>'


def _metrics(summary: dict[str, Any]) -> str:
    metrics = _dict(summary.get("metrics"))
    if not metrics:
        return ""
    rows = [[name, value] for name, value in metrics.items()]
    return "<section><h2>Metrics</h2>" + _table(["metric", "value"], rows, cls="kv") + "</section>"


def _section(section: Any) -> str:
    if not isinstance(section, dict):
        return ""
    parts = ["<section>"]
    if section.get("title"):
        parts.append(f"<h2>{e(section['title'])}</h2>")
    if isinstance(section.get("text"), str):
        parts.extend(f'<p class="text">{e(p)}</p>' for p in section["text"].split("\n\n") if p)
    table = section.get("table")
    if isinstance(table, dict):
        parts.append(_table_of(table))
    bars = section.get("bars")
    if isinstance(bars, dict):
        labels = [safe_text(x) for x in _list(bars.get("labels"))]
        values = [v if _is_number(v) else None for v in _list(bars.get("values"))]
        unit = bars.get("unit")
        unit = unit if isinstance(unit, str) else ""
        chart = bar_chart(labels, values, unit=unit, title=str(section.get("title", "")))
        parts.append(f'<div class="scroll">{chart}</div>')
    if section.get("gallery"):  # backdoor triggers beside their images (inline PNG)
        parts.append(render_gallery(section["gallery"]))
    small = [_table_of(t) for t in _list(section.get("tables")) if isinstance(t, dict)]
    if small:
        parts.append('<div class="tables">' + "".join(small) + "</div>")
    if section.get("note"):
        parts.append(f'<p class="note">{e(section["note"])}</p>')
    parts.append("</section>")
    return "".join(parts)


def _findings(doc: dict[str, Any], run: dict[str, Any]) -> str:
    findings = _dict(doc.get("findings"))
    total = findings.get("total", 0)
    total = total if isinstance(total, int) else 0
    parts = ["<section><h2>Findings</h2>"]
    if total == 0:
        queries = _dict(run.get("progress")).get("queries")
        where = f" in {format_number(queries)} queries" if _is_number(queries) else ""
        parts.append(
            f'<p class="none">No finding{where}. This reports what the search found; '
            "it does not show that no such input exists.</p></section>"
        )
        return "".join(parts)
    worst = findings.get("max_severity")
    parts.append(
        f"<p>{format_number(total)} finding{'' if total == 1 else 's'}; highest severity "
        f"{_severity_badge(worst)}.</p>"
    )
    by_kind = _dict(findings.get("by_kind"))
    if by_kind:
        parts.append(_table(["kind", "findings"], [[k, n] for k, n in by_kind.items()]))
        chart = bar_chart(list(by_kind), list(by_kind.values()), title="findings by kind")
        parts.append(f'<div class="scroll">{chart}</div>')
    examples = [f for f in _list(findings.get("examples")) if isinstance(f, dict)]
    if examples:
        order = "highest severity first" if findings.get("order") == "severity" else "in order"
        parts.append(f"<h3>Examples: {len(examples):,} of {total:,}, {order}</h3>")
        if total > len(examples):
            parts.append(
                f'<p class="note">The run store holds all {total:,} findings; this report '
                f"shows the {len(examples):,} above.</p>"
            )
        parts.extend(_example(f) for f in examples)
    parts.append("</section>")
    return "".join(parts)


def _example(finding: dict[str, Any]) -> str:
    details = _dict(finding.get("details"))
    names = details.get("feature_names", details.get("features"))
    columns, rows, differs = _io_rows(finding.get("inputs"), finding.get("outputs"), names)
    index = finding.get("index")
    head = (
        f'<div class="fhead">{_severity_badge(finding.get("severity"))} '
        f"<b>{e(finding.get('kind', ''))}</b>"
        + (f' <span class="muted">#{e(index)}</span>' if index is not None else "")
        + "</div>"
    )
    extra = {k: v for k, v in details.items() if k not in ("feature_names", "features")}
    listing = "".join(f"<dt>{e(k)}</dt><dd>{e(compact(v, 160))}</dd>" for k, v in extra.items())
    raw = finding_json(finding)
    if len(raw) > _MAX_JSON:
        raw = raw[:_MAX_JSON] + "\n…"
    return (
        f'<div class="finding">{head}'
        + _table(columns, rows, differs=differs)
        + (f'<dl class="details">{listing}</dl>' if listing else "")
        + f"<details><summary>JSON</summary><pre>{e(raw)}</pre></details></div>"
    )


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


def _about(run: dict[str, Any]) -> str:
    parts = []
    for title, key in (
        ("Model", "model"),
        ("Configuration", "config"),
        ("Progress", "progress"),
        ("Versions", "versions"),
    ):
        data = _dict(run.get(key))
        if data:
            rows = [[k, v] for k, v in data.items()]
            parts.append(f"<h3>{title}</h3>" + _table(["", ""], rows, cls="kv", head=False))
    if not parts:
        return ""
    return '<section class="about"><h2>Run details</h2>' + "".join(parts) + "</section>"


def _footer(doc: dict[str, Any]) -> str:
    return (
        f"<footer>Generated {e(doc.get('generated_at', ''))} by assay "
        f"{e(doc.get('assay_version', ''))} · report schema {e(doc.get('schema_version', ''))}"
        "</footer>"
    )


# -- small pieces -------------------------------------------------------------------------------


def _table_of(table: dict[str, Any]) -> str:
    columns = [safe_text(c) for c in _list(table.get("columns"))]
    rows = [r if isinstance(r, list) else [r] for r in _list(table.get("rows"))]
    caption = table.get("caption")
    return _table(columns, rows, caption=caption if isinstance(caption, str) else None)


def _table(
    columns: list[str],
    rows: list[list[Any]],
    *,
    caption: str | None = None,
    cls: str = "",
    differs: set[int] | None = None,
    head: bool = True,
) -> str:
    parts = ['<div class="scroll"><table' + (f' class="{e(cls)}">' if cls else ">")]
    if caption:
        parts.append(f"<caption>{e(caption)}</caption>")
    if head and columns:
        parts.append("<thead><tr>" + "".join(f"<th>{e(c)}</th>" for c in columns) + "</tr></thead>")
    parts.append("<tbody>")
    for row in rows[:_MAX_ROWS]:
        cells = []
        for j, value in enumerate(row):
            classes = " ".join(
                c for c, on in (("num", _is_number(value)), ("diff", j in (differs or ()))) if on
            )
            attr = f' class="{classes}"' if classes else ""
            cells.append(f"<td{attr}>{_cell(value)}</td>")
        parts.append("<tr>" + "".join(cells) + "</tr>")
    parts.append("</tbody></table></div>")
    if len(rows) > _MAX_ROWS:
        parts.append(f'<p class="note">{len(rows) - _MAX_ROWS:,} more rows in the JSON report.</p>')
    return "".join(parts)


def _cell(value: Any) -> str:
    if value is None:
        return '<span class="muted">–</span>'
    if isinstance(value, str):
        return e(value if len(value) <= 2000 else value[:1999] + "…")
    if _is_number(value):
        return e(format_number(value))
    return e(compact(value, 300))


def _severity_badge(value: Any) -> str:
    if not _is_number(value):
        return '<span class="badge sev-none">n/a</span>'
    v = float(value)
    level = "high" if v >= 0.75 else "mid" if v >= 0.4 else "low" if v > 0 else "none"
    return f'<span class="badge sev-{level}">{e(f"{v:.3g}")}</span>'


def _status_badge(status: Any) -> str:
    level = {"completed": "ok", "failed": "bad", "running": "warn"}.get(str(status), "warn")
    return f'<span class="badge st-{level}">{e(status)}</span>'


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


_CSS = """
:root { --fg: #1d2129; --muted: #5f6673; --bg: #ffffff; --panel: #f6f7f9; --line: #dde1e7;
  --accent: #3b5bdb; --bar: #5c7cfa; --high: #c92a2a; --mid: #e8590c; --low: #b08800;
  --ok: #2b8a3e; --diff: #fff3bf; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e6e8eb; --muted: #9aa3ae; --bg: #16181d; --panel: #1f232a; --line: #333a44;
    --accent: #91a7ff; --bar: #748ffc; --diff: #4d3f00; }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); line-height: 1.5;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
  sans-serif; }
main { max-width: 72rem; margin: 0 auto; padding: 1.5rem 1.25rem 3rem; }
h1 { font-size: 1.6rem; margin: 0 0 .75rem; }
h1 .tech { color: var(--accent); }
h2 { font-size: 1.2rem; margin: 2rem 0 .6rem; padding-bottom: .25rem;
  border-bottom: 1px solid var(--line); }
h3 { font-size: 1rem; margin: 1.2rem 0 .5rem; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  font-size: .9em; }
pre { background: var(--panel); border: 1px solid var(--line); border-radius: 6px;
  padding: .6rem .8rem; overflow-x: auto; white-space: pre-wrap; word-break: break-all; }
.rerun pre { user-select: all; }
.headline { font-size: 1.25rem; font-weight: 600; margin: 1.25rem 0; padding: .75rem 1rem;
  background: var(--panel); border-left: 4px solid var(--accent); border-radius: 4px; }
.scroll { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; margin: .4rem 0 .8rem; font-size: .92rem; }
th, td { text-align: left; padding: .3rem .6rem; border-bottom: 1px solid var(--line);
  vertical-align: top; white-space: pre-wrap; word-break: break-word; }
thead th { background: var(--panel); border-bottom: 2px solid var(--line); }
tbody tr:nth-child(even) { background: var(--panel); }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.diff { background: var(--diff); font-weight: 600; }
table.meta th, table.kv td:first-child { color: var(--muted); font-weight: 500; }
caption { text-align: left; font-weight: 600; padding: .2rem 0; }
.tables { display: flex; flex-wrap: wrap; gap: 0 1.5rem; }
.text { white-space: pre-line; }
.note, .muted, footer { color: var(--muted); font-size: .9rem; }
.badge { display: inline-block; padding: 0 .5rem; border-radius: 999px; font-weight: 600;
  font-size: .85rem; color: #fff; background: var(--muted); }
.sev-high, .st-bad { background: var(--high); }
.sev-mid { background: var(--mid); }
.sev-low, .st-warn { background: var(--low); }
.st-ok { background: var(--ok); }
.error pre { border-color: var(--high); color: var(--high); }
.finding { border: 1px solid var(--line); border-radius: 6px; padding: .5rem .8rem;
  margin: .6rem 0; }
.fhead { margin-bottom: .3rem; }
dl.details { display: grid; grid-template-columns: max-content 1fr; gap: .1rem .8rem;
  margin: .3rem 0; font-size: .9rem; }
dl.details dt { color: var(--muted); }
dl.details dd { margin: 0; word-break: break-word; }
details summary { cursor: pointer; color: var(--muted); font-size: .9rem; }
svg.chart { font-size: 12px; max-width: 100%; height: auto; }
svg.chart .bar { fill: var(--bar); }
svg.chart text { fill: var(--fg); }
svg.chart .axis { stroke: var(--muted); }
footer { margin-top: 2.5rem; border-top: 1px solid var(--line); padding-top: .6rem; }
"""
