"""Text helpers shared by the renderers: safe strings and compact values."""

from __future__ import annotations

import json
import re
from typing import Any

from assay.core.display import number

__all__ = [
    "compact",
    "finding_json",
    "format_number",
    "queries_text",
    "run_seconds",
    "safe_text",
]

# Characters XML 1.0 forbids (and HTML shows badly): C0 controls but tab/newline/return, DEL,
# lone surrogates and the two non-characters U+FFFE/U+FFFF.
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def safe_text(value: object) -> str:
    """``str(value)`` with characters that XML cannot carry written as ``\\xNN`` / ``\\uNNNN``."""
    text = value if isinstance(value, str) else str(value)
    return _UNSAFE.sub(_escape_char, text)


def _escape_char(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def format_number(value: float | int, unit: str = "") -> str:
    """A number as ``assay.core.display.number`` writes it (thousands separators, at most
    three decimals, never exponent notation), with its unit."""
    text = number(value)
    if not unit:
        return text
    return text + ("%" if unit == "%" else " " + unit)


def compact(value: Any, limit: int = 200) -> str:
    """One short line of JSON data (floats to 4 significant digits), cut at ``limit``."""
    text = _compact(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _compact(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool | int | float):
        return format_number(value)
    if isinstance(value, str):
        return value
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_quoted(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_quoted(v)}" for k, v in value.items()) + "}"
    return str(value)


def _quoted(value: Any) -> str:
    """Strings inside containers keep their quotes, so ``["a, b"]`` stays readable."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return _compact(value)


def finding_json(finding: dict[str, Any]) -> str:
    """A finding as valid JSON with one key per line (values on one line each)."""
    lines = [
        f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False, sort_keys=True)}"
        for key, value in sorted(finding.items())
    ]
    return "{\n" + ",\n".join(lines) + "\n}"


def run_seconds(run: dict[str, Any]) -> float | None:
    """The run's wall-clock seconds from its start (loading and every phase included), as its
    headline and rates count them; the engine's own elapsed time for a run that has not
    recorded them (still running, or stopped before its end)."""
    summary = run.get("summary")
    metrics = summary.get("metrics") if isinstance(summary, dict) else None
    progress = run.get("progress")
    for value in (
        metrics.get("wall-clock seconds") if isinstance(metrics, dict) else None,
        progress.get("elapsed") if isinstance(progress, dict) else None,
    ):
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
    return None


def queries_text(progress: dict[str, Any], summary: dict[str, Any]) -> str | None:
    """A run's queries as a header shows them: the search's count (what ``--max-queries``
    bounds), and every query the model was asked beside it when that is more (the answer's
    samples, the checks: ``3,000 (11,146 asked in all)``; a paid endpoint bills the
    second)."""
    counted = progress.get("queries")
    if not isinstance(counted, int | float) or isinstance(counted, bool):
        return None
    text = format_number(counted)
    asked = summary.get("model_queries")
    total = asked.get("total") if isinstance(asked, dict) else None
    if isinstance(total, int | float) and not isinstance(total, bool) and total > counted:
        text += f" ({format_number(total)} asked of the model in all)"
    return text
