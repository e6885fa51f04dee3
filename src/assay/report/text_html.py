"""The text technique's part of the HTML report: ranked minimal failing sentences.

``render_text_section(doc)`` returns an HTML fragment (empty for other techniques) built from
``run.summary.text`` of a report document; every string is escaped.  It is kept apart from
the page layout so that it can move into a template as one block.
"""

from __future__ import annotations

import re
import unicodedata
from html import escape
from typing import Any

from assay.core.scripts import UNSPACED
from assay.report._text import safe_text

__all__ = ["render_text_section"]

_MAX = 50


def _e(value: object) -> str:
    return escape(safe_text(value), quote=True)


# a sentence's pieces: runs of whitespace, single characters of a script written without
# spaces ("我不喜欢": four pieces), and the words of other scripts
_PIECE = re.compile(f"\\s+|[{UNSPACED}]|[^\\s{UNSPACED}]+")


def _user(value: object) -> str:
    """A string of the user's (a sentence, a label), isolated in its own direction: an Arabic
    or Hebrew sentence in a left-to-right page shows its marks where its readers write them."""
    return f"<bdi>{_e(value)}</bdi>"


def _forms_apart(m: dict[str, Any]) -> str:
    """A note under a variant that prints as its sentence does, differing in Unicode normal
    form only (the terminal's line says the same)."""
    a, b = str(m.get("sentence", "")), str(m.get("variant", ""))
    if a == b or unicodedata.normalize("NFC", a) != unicodedata.normalize("NFC", b):
        return ""
    return '<br><small class="muted">differs from the sentence in Unicode normal form only</small>'


def _removed(small: str, big: str) -> str:
    """``big`` with the words shrinking removed struck through (the characters, in a script
    written without spaces)."""
    keep = [p for p in _PIECE.findall(small) if not p.isspace()]
    out, i = [], 0
    for p in _PIECE.findall(big.strip()):
        if p.isspace():
            out.append(" ")
        elif i < len(keep) and keep[i] == p:
            out.append(_e(p))
            i += 1
        else:
            out.append(f"<del>{_e(p)}</del>")
    return "<bdi>" + "".join(out).replace("</del><del>", "") + "</bdi>"


def _label(o: dict[str, Any], which: str = "") -> str:
    """A classifier's label, with the common label it was compared as when a label map (or a
    difference of case) gave it another (``Z = neutral``), and its probability."""
    text = _user(o.get(f"{which}label", ""))
    common = o.get(f"{which}common_label")
    if common is not None:
        text += f" = {_user(common)}"
    return f'{text} <span class="muted">{_num(o.get(f"{which}probability"))}</span>'


def _output(o: dict[str, Any]) -> str:
    text = _label(o)
    if "variant_label" in o:
        text += f" &rarr; {_label(o, 'variant_')}"
    return text


def _num(value: Any) -> str:
    return f"{value:.2f}" if isinstance(value, int | float) else ""


def render_text_section(doc: dict[str, Any]) -> str:
    run = doc.get("run") if isinstance(doc.get("run"), dict) else {}
    assert isinstance(run, dict)
    summary = run.get("summary") if isinstance(run.get("summary"), dict) else {}
    assert isinstance(summary, dict)
    text = summary.get("text")
    if run.get("technique") != "text" or not isinstance(text, dict):
        return ""
    minimal = [m for m in text.get("minimal") or [] if isinstance(m, dict)]
    names = [safe_text(n) for n in text.get("classifiers") or []]
    metamorphic = text.get("oracle") != "differential"
    parts = ['<section class="text-minimal"><h2>Minimal failing sentences</h2>']
    if not minimal:
        parts.append('<p class="none">No failing sentence was found.</p></section>')
        return "".join(parts)
    total = text.get("distinct_minimal")
    total = total if isinstance(total, int) and total > len(minimal) else len(minimal)
    shown = min(len(minimal), _MAX)
    what = (
        f"{total:,} distinct minimal failing sentences, most often found first"
        if shown == total
        else f"The {shown:,} found most often of {total:,} distinct minimal failing sentences"
    )
    parts.append(
        f"<p>{what}. Each error was shrunk to the smallest sentence that fails "
        "the same way; the words shrinking removed from the first sentence found are struck "
        "through. The margin is signed: below zero fails.</p>"
    )
    head = ["#", "minimal sentence", *(["variant"] if metamorphic else []), "found", "margin"]
    head += names
    parts.append('<div class="scroll"><table><thead><tr>')
    parts.append("".join(f"<th>{_e(h)}</th>" for h in head) + "</tr></thead><tbody>")
    for i, m in enumerate(minimal[:_MAX], start=1):
        cells = [
            str(i),
            f"<b>{_user(m.get('sentence', ''))}</b><br><small>"
            f"{_removed(str(m.get('sentence', '')), str(m.get('original', '')))}</small>",
        ]
        if metamorphic:
            cells.append(_user(m.get("variant", "")) + _forms_apart(m))
        cells += [_e(m.get("count", "")), _e(m.get("margin", ""))]
        outs = [o for o in m.get("outputs") or [] if isinstance(o, dict)]
        cells += [_output(o) for o in outs]
        parts.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    parts.append("</tbody></table></div></section>")
    return "".join(parts)
