"""Where an invariance run's failures concentrate, as the command line says it under the
first failing sentences: the members of an invariance class a classifier treats unlike the
rest (``'Maria' in 1,123 of 1,123 minimal failures``), the cause of the bug where every
witness pairs some name with it.  (Words of differential runs are not named here: the words
the minimal sentences share are their templates' as often as the cause; the reports give
every word's lift.)"""

from __future__ import annotations

from typing import Any

from assay.cli.console import Output
from assay.cli.text_lines import name_text

__all__ = ["say_where"]

_HINTS = 3  # members or words named on the line
_MIN_SHARE = 0.1  # a member odd in at least this share of the minimal failures


def say_where(out: Output, summary: dict[str, Any]) -> None:
    text = summary.get("text") or {}
    odd = [
        r
        for r in text.get("odd_members") or []
        if isinstance(r, dict)
        and int(r.get("failures") or 0) >= 2
        and int(r.get("failures") or 0) >= _MIN_SHARE * int(r.get("of") or 0)
    ][:_HINTS]
    if odd:
        out.say(
            "answered unlike the rest of its class: "
            + "; ".join(
                f"{name_text(r['member'])} in {int(r['failures']):,} of {int(r['of']):,} "
                "minimal failures"
                for r in odd
            )
        )
