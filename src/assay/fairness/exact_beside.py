"""The ``--estimate``'s sampled shares said beside the answer's exact ones.

A run with ``--estimate`` states a sample's share with its 95 % interval in its headline
("estimated share 5.87 % (95 % CI 5.39 % to 6.38 %, data)"); the answer of a tree model
gives the exact share (every data row counted by reading the trees: "6.19 % of the data
rows (exact)").  One 95 % interval in 20 misses the share it estimates: read side by side, a
share outside its interval (``assay demo``; left47f).  Once the answer is made, each
estimate the answer has an exact figure for says it, and where it falls: the exact figure
stands, the interval is the sample's."""

from __future__ import annotations

from typing import Any

from assay.core.display import estimate_text, percent

__all__ = ["ESTIMATES_TITLE", "exact_figure", "relate_estimates"]

ESTIMATES_TITLE = "Estimated share of discriminatory inputs"  # (the summary's section)


def exact_figure(row: dict[str, Any], distribution: Any) -> tuple[float, str] | None:
    """The answer's exact share under ``distribution`` ("uniform" or "data") in one verdict
    row, and how it was made; None where the row's figure is a sample's or a range."""
    basis = row.get("basis")
    if distribution == "data" and isinstance(share := row.get("share_data"), float | int):
        low, high = row.get("exact_data_low"), row.get("exact_data_high")
        if basis in ("exact", "bounded") and low is not None and low == high:
            return float(share), "counted over every data row by reading the trees"
        if basis == "sampled" and row.get("data_counted"):
            return float(share), "counted over every data row"
    if distribution == "uniform" and isinstance(share := row.get("share_uniform"), float | int):
        low, high = row.get("exact_uniform_low"), row.get("exact_uniform_high")
        if basis == "exact" and (low is None or low == high):
            return float(share), "read exactly from the trees"
    return None


def relate_estimates(summary: dict[str, Any]) -> None:
    """Say, in the headline and the estimates' section, how each sampled estimate relates to
    the answer's exact share of the same thing.  Only for a run of one protected attribute:
    the estimate is of every protected attribute together, the answer of each alone."""
    rows = [v for v in summary.get("verdict") or [] if isinstance(v, dict)]
    headline = summary.get("headline")
    if len(rows) != 1 or not isinstance(headline, str):
        return
    related = False
    for e in summary.get("estimates") or []:
        if not isinstance(e, dict) or e.get("counted") or e.get("low") is None:
            continue
        exact = exact_figure(rows[0], e.get("distribution"))
        said = estimate_text(e)
        if exact is None or not said.endswith(")") or said not in headline:
            continue
        share, how = exact
        inside = float(e["low"]) <= share <= float(e["high"])
        where = (
            "inside this interval"
            if inside
            else "outside this interval, as one sample's 95 % interval in 20 may be: the "
            "exact share stands"
        )
        relation = f"of a sample: {how}, the answer's exact share is {percent(share)}, {where}"
        headline = headline.replace(said, f"{said[:-1]}; {relation})", 1)
        related = True
    if not related:
        return
    summary["headline"] = headline
    for section in summary.get("sections") or []:
        if isinstance(section, dict) and section.get("title") == ESTIMATES_TITLE:
            text = str(section.get("text") or "")
            section["text"] = (
                f"{text} These are samples' estimates; where the answer gives the exact share "
                "(its line says 'exact'), the exact share is the figure, and a sample's 95 % "
                "interval misses it one time in 20."
            ).lstrip()
