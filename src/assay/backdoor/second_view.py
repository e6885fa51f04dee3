"""STRIP's second opinion in a run's summary: its images marked in the per-image table and
``findings()``, and the opinions of a run split into units (``--units N``, Dask) merged.

Each image the opinion blended gets its ``blend_entropy`` in its row, and each it flagged
``strip_flag: true`` (its ``poisoned`` stays the patch scan's: false), so the table that says
"poisoned: false" for every image of a blended trojan also says which ones the opinion
flagged.  A run in units gives each unit its own opinion on its chunk (its own calibration and
budget); the merged headline says how many units asked it, what they flagged together, and
why a unit did not ask it (``second.not_asked`` reads the merged record as one)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from assay.backdoor.class_map import map_words
from assay.backdoor.common_pattern import pattern_words
from assay.backdoor.second import unblended_words
from assay.backdoor.source_class import source_words, undecided

__all__ = ["describe_units", "mark_rows", "merge_opinions", "merge_patterns", "opinion_metrics"]


def mark_rows(rows: list[dict[str, Any]], opinion: dict[str, Any] | None) -> list[dict[str, Any]]:
    """``rows`` (copies where marked) with the opinion's ``blend_entropy`` and ``strip_flag``,
    and ``pattern_flag: true`` on the images the common-pattern check flagged."""
    entropy = (opinion or {}).get("entropy") or {}
    pattern = {int(i) for i in ((opinion or {}).get("pattern") or {}).get("flagged") or []}
    for check in ("map", "source"):
        pattern |= {int(i) for i in ((opinion or {}).get(check) or {}).get("flagged") or []}
    if not entropy and not pattern:
        return rows
    flagged = {int(i) for i in (opinion or {}).get("flagged") or []}
    out = []
    for r in rows:
        e = entropy.get(str(r.get("image")))
        if e is not None:
            r = {**r, "blend_entropy": e, "strip_flag": int(r["image"]) in flagged}
        if pattern and int(r["image"]) in pattern:
            r = {**r, "pattern_flag": True}
        out.append(r)
    return out


def merge_opinions(opinions: list[dict[str, Any] | None]) -> dict[str, Any] | None:
    """The units' opinions as one record (``None`` when no unit had one to ask)."""
    had = [o for o in opinions if o]
    if not had:
        return None
    asked = [o for o in had if not o.get("skipped")]
    skipped = [o for o in had if o.get("skipped")]
    merged: dict[str, Any] = {
        "units": len(opinions),
        "asked": len(asked),
        "given": sum(bool(o.get("given")) for o in asked),
        "flagged": sorted(int(i) for o in asked for i in o.get("flagged") or []),
        "unconfirmed": sum(int(o.get("unconfirmed") or 0) for o in asked),
        "sampled": sum(int(o.get("sampled") or 0) for o in asked),
        "low": sum(int(o.get("low") or 0) for o in asked),
        "queries": sum(int(o.get("queries") or 0) for o in asked),
        "unblended": sum(int(o.get("unblended") or 0) for o in asked),
        "entropy": {k: v for o in asked for k, v in (o.get("entropy") or {}).items()},
    }
    patterns = [o["pattern"] for o in asked if o.get("pattern")]
    if patterns:  # (the common-pattern check of the units whose STRIP opinion was not given)
        merged["pattern"] = merge_patterns(patterns)
    for check in ("map", "source"):  # (the class-map and source-class checks after it)
        records = [o[check] for o in asked if o.get(check)]
        if records:
            merged[check] = one_unit(records, len(opinions))
    if skipped:
        merged["skipped"] = f"in {len(skipped)} of {len(opinions)} units: {skipped[0]['skipped']}"
        shorts = [int(o["short"]) for o in skipped if "short" in o]
        if shorts:  # (a unit's budget: the run's split evenly, so any unit's is every unit's)
            merged["short"] = max(shorts) * len(opinions)
    return merged


def one_unit(records: list[dict[str, Any]], units: int) -> dict[str, Any]:
    """The units' class-map or source-class checks as one record: a unit's that was given,
    else one skipped (said), else one asked in fewer than every unit (said as skipped: the
    others' images were not judged), else one undecided (``source_class.undecided``), else
    the first."""
    given = [r for r in records if r.get("given")]
    if given:
        return given[0]
    short = [r for r in records if r.get("skipped")]
    if short:
        return {**short[0], "skipped": f"in {len(short)} of {units} units: {short[0]['skipped']}"}
    if len(records) < units:
        return {"skipped": f"asked in {len(records)} of {units} units"}
    # (a unit's source-class check that too few clean images left undecided: said, exit 2)
    return next((r for r in records if undecided(r)), records[0])


def merge_patterns(records: list[dict[str, Any]]) -> dict[str, Any]:
    """The units' common-pattern checks as one record (``pattern_words`` reads it)."""
    asked = [r for r in records if not r.get("skipped")]
    merged: dict[str, Any] = {
        "given": any(r.get("given") for r in asked),
        "classes": sorted({int(c) for r in asked for c in r.get("classes") or []}),
        "tested": sum(int(r.get("tested") or 0) for r in asked),
        "flagged": sorted(int(i) for r in asked for i in r.get("flagged") or []),
        "queries": sum(int(r.get("queries") or 0) for r in asked),
        "units": len(asked),
    }
    # (a class given in several units: the words name the unit where it was likeliest)
    per_class: dict[str, dict[str, Any]] = {}
    for r in asked:
        for c, row in (r.get("per_class") or {}).items():
            if "odds" in row and row["odds"] < per_class.get(c, {}).get("odds", 2.0):
                per_class[c] = row
    merged["per_class"] = per_class
    short = [r for r in records if "short" in r]
    if short:
        merged["skipped"] = f"in {len(short)} of {len(records)} units: {short[0]['skipped']}"
        merged["short"] = max(int(r["short"]) for r in short) * len(records)
    return merged


def describe_units(opinion: dict[str, Any], name: Callable[[int], str] = str) -> str:
    """The merged headline's words for the units' opinions."""
    n, asked = opinion["units"], opinion["asked"]
    words = ""
    if asked:
        q, u = opinion["queries"], opinion["unconfirmed"]
        per = f", {q / u:.1f} more per unflagged image" if u else ""
        each = f"in {asked} of {n} units" if asked < n else f"in each of the {n} units"
        if opinion["given"]:
            words = (
                f"; NOT CLEAN by STRIP's second opinion ({each}, on its own images; {q:,} "
                f"queries{per}): given in {opinion['given']}, {len(opinion['flagged'])} of the "
                f"{u} images the patch scan did not confirm keep one answer under blending: a "
                "trigger that is not a patch (a blend over the whole image, a long line) is "
                "likely; they are not located (--strategy strip scores each image)"
                + unblended_words(opinion)
            )
        else:
            words = (
                f"; STRIP's second opinion ({each}, on its own images; {q:,} queries{per}): "
                f"{opinion['low']} of {opinion['sampled']} sampled images keep one answer under "
                "blending: nothing more than clean images show"
            )
    if opinion.get("skipped"):
        words += f"; STRIP's second opinion not asked {opinion['skipped']}"
    return (
        words
        + pattern_words(opinion.get("pattern"), name)
        + map_words(opinion.get("map"))
        + source_words(opinion.get("source"), name)
    )


WINDOW_FLAGS = "images flagged by the common-pattern, class-map and source-class checks"


def opinion_metrics(opinion: dict[str, Any]) -> dict[str, Any]:
    """The opinion's figures beside the scan's ("images flagged" and "queries per unflagged
    image" are the patch scan's own)."""
    n = int(opinion.get("unconfirmed") or 0)
    q = int(opinion["queries"])
    windows = {
        int(i)
        for check in ("pattern", "map", "source")
        for i in (opinion.get(check) or {}).get("flagged") or []
    }
    return {
        "images flagged by STRIP's second opinion": len(opinion.get("flagged") or []),
        # (report48: the HTML's figures said 4 and 0 flagged beside a run's 14 findings)
        **({WINDOW_FLAGS: len(windows)} if windows else {}),
        "queries of STRIP's second opinion": q,
        "second opinion's queries per unflagged image": round(q / n, 2) if n else 0.0,
    }
