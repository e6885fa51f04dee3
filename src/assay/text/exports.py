"""A text run's findings read from the store: as a pandas DataFrame (``findings_frame``) and
written for labelling or retraining (``export_findings``: CSV, JSON lines, one JSON
document)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from assay.core.exports import csv_quoting, guard_formulas
from assay.core.outfile import new_file, write_whole
from assay.core.sentence_cut import cut_sentence
from assay.core.store import RunStore
from assay.errors import UsageError

__all__ = ["export_findings", "findings_frame", "write_findings"]


def findings_frame(store: RunStore, run_id: str, limit: int | None = None) -> Any:
    """The run's findings as a DataFrame: minimal sentence, sentence found, margin, labels
    (a list, one per classifier, as in the JSON exports), ``failed`` (the classifiers that
    failed the test, a list: a metamorphic run of several classifiers only), and each
    classifier's probabilities for the minimal sentence (the first ``limit``); a classifier
    that answered labels has 1.0/0.0 there, said in ``frame.attrs["notes"]``."""
    import numpy as np
    import pandas as pd

    from assay.core.labels import split_labels

    rows: list[dict[str, Any]] = []
    record = store.get_run(run_id)
    for batch in store.iter_batches(record.id):
        cols = batch.details.get("columns", [])
        for i in range(len(batch)):
            row: dict[str, Any] = {
                "kind": batch.kind,
                "minimal": str(batch.inputs[i][0]),
                "sentence": str(batch.inputs[i][1]),
                "variant": str(batch.columns["variant"][i]) if "variant" in batch.columns else "",
                "test": _test(batch, i),
                "severity": float(batch.severity[i]),
                "margin": float(batch.columns["margin"][i]) if "margin" in batch.columns else None,
                "labels": split_labels(str(batch.columns["labels"][i]))
                if "labels" in batch.columns
                else [],
                "minimal_words": int(batch.columns["minimal_words"][i])
                if "minimal_words" in batch.columns
                else None,
            }
            if "failed" in batch.columns:  # (a metamorphic run of several classifiers)
                row["failed"] = split_labels(str(batch.columns["failed"][i]))
            for j, name in enumerate(cols):
                row[name] = float(np.asarray(batch.outputs)[i, 0, j])
            rows.append(row)
            if limit is not None and len(rows) >= limit:
                break
        if limit is not None and len(rows) >= limit:
            break
    if not rows:  # the columns of a run that found something: code written for one works
        layout = (record.config or {}).get("layout") or {}
        scores = [
            f"{n}: {lab}"
            for n, labs in zip(layout.get("names", []), layout.get("labels", []), strict=False)
            for lab in labs
        ]
        empty = pd.DataFrame(columns=[*_FINDING_COLUMNS, *scores])
        return empty.astype({"times_found": "Int64"})
    frame = pd.DataFrame(rows)
    if notes := _one_hot_notes((record.config or {}).get("layout") or {}):
        frame.attrs["notes"] = notes
    # pandas' nullable whole numbers: <NA> (empty in CSV, null in JSON) where unknown; it
    # was object, None there (f.times_found.astype(int) raised, .dtype said nothing)
    found = _times_found(record.summary or {}, frame)
    frame.insert(1, "times_found", pd.Series(found, dtype="Int64", index=frame.index))
    return frame


def _one_hot_notes(layout: dict[str, Any]) -> list[str]:
    """What a labels-only classifier's columns hold (a top-1 pipeline answers one score, of
    its top class: no row of scores exists): 1.0 for the label it answered, 0.0 for the
    others, not its confidence (hostile53's Left).  Kept in ``frame.attrs["notes"]``: the
    columns keep their ``NAME: LABEL`` names, which code reads."""
    names, scored = layout.get("names") or [], layout.get("scored") or []
    return [
        f"{name} answered labels, not scores: its columns ({name}: LABEL) are 1.0 for the "
        "label it answered and 0.0 for the others, not its confidence"
        for name, has in zip(names, scored, strict=False)
        if not has
    ]


# a findings frame's columns before the classifiers' scores ("NAME: LABEL")


_FINDING_COLUMNS = (
    "kind",
    "times_found",
    "minimal",
    "sentence",
    "variant",
    "test",
    "severity",
    "margin",
    "labels",
    "minimal_words",
)


_SENTENCES = ("minimal", "sentence", "variant")


def _test(batch: Any, i: int) -> str:
    """The relation finding ``i`` of a metamorphic run broke, as the grammar's line declares
    it ("line 7: %directional neg: \"\" -> \"not\" down pos 0"); empty for a differential
    finding, and for one stored before 2026-12-05 (without it)."""
    tests = batch.details.get("tests") or []
    relation = batch.columns.get("relation")
    if relation is None:
        return ""
    r = int(relation[i])
    return str(tests[r]) if 0 <= r < len(tests) else ""


def _times_found(summary: dict[str, Any], frame: Any) -> list[int | None]:
    """How often each minimal sentence was reached, from the summary's ranked list (the
    most found first, capped): one beyond the list is known only when the list's last count
    is 1; else ``None`` (it read 1, a count nobody measured)."""
    text = summary.get("text") or {}
    ranked = text.get("minimal") or []
    # matched on their cut forms (``core.sentence_cut``): the summary keeps a long
    # sentence cut, the findings whole (a summary stored before the cut: whole, cut here)
    counts = {
        (cut_sentence(r["sentence"]), cut_sentence(r.get("variant", ""))): int(r["count"])
        for r in ranked
    }
    whole = len(ranked) >= int(text.get("distinct_minimal") or 0)
    floor = min(counts.values(), default=1)
    beyond = 1 if whole or floor <= 1 else None
    return [
        counts.get((cut_sentence(m), cut_sentence(v)), beyond)
        for m, v in zip(frame["minimal"], frame["variant"], strict=True)
    ]


def export_findings(store: RunStore, run_id: str, path: str | os.PathLike[str]) -> Path:
    """Write the failing sentences for labelling or retraining: CSV or JSON lines.  In JSON
    (``.jsonl``, ``.json``, as in ``findings()``) ``labels`` is a list, one label per
    classifier; in CSV one string, the labels joined by "; " (``core.labels``: a label
    holding ";" or a quote is written quoted, so that ``split_labels`` reads them back), and
    a sentence longer than ``core.sentence_cut.SENTENCE_MOST`` characters cut (its start,
    length and digest; a spreadsheet's cell holds at most 32,767): JSON keeps it whole."""
    return write_findings(store, run_id, path)[0]


def write_findings(store: RunStore, run_id: str, path: str | os.PathLike[str]) -> tuple[Path, int]:
    """``export_findings``, and how many of the CSV's cells start with a ``'`` that keeps a
    spreadsheet from running them as formulas (``core.exports.guard_formulas``: a sentence
    or label starting with ``=``, ``+``, ``-``, ``@``; JSON keeps every value as it is)."""
    import pandas as pd

    from assay.core.labels import join_labels

    guarded = 0
    frame = findings_frame(store, run_id)
    p = Path(path)
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        if p.suffix.lower() in (".jsonl", ".json"):
            records = frame.to_dict(orient="records")
            for rec in records:
                rec["labels"] = list(rec.get("labels") or [])
                found = rec.get("times_found")  # (<NA>, which json cannot write: null)
                rec["times_found"] = None if found is None or pd.isna(found) else int(found)
        if p.suffix.lower() == ".jsonl":  # (each written whole, over a link at the path)
            with new_file(p) as fh:
                for rec in records:
                    fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
        elif p.suffix.lower() == ".json":  # one JSON document (json.load reads it)
            write_whole(p, json.dumps(records, ensure_ascii=False, indent=1) + "\n")
        elif p.suffix.lower() == ".csv":  # a cell holds one string: the labels joined
            joined = frame.assign(labels=[join_labels(x) for x in frame["labels"]])
            # a sentence cut as the summary cuts it (``core.sentence_cut``: its start, length
            # and digest), whole in a JSON export: 226 of 1 MB made a 294 MB CSV (store52)
            for column in _SENTENCES:
                joined[column] = [cut_sentence(x) for x in joined[column]]
            cells, guarded = guard_formulas(joined)
            with new_file(p, newline="") as fh:
                cells.to_csv(fh, index=False, quoting=csv_quoting(cells))
        else:
            raise UsageError("export to a .csv or .jsonl file", argument="--export", path=str(p))
    except OSError as exc:
        raise UsageError(
            f"cannot write: {exc.strerror or exc}", argument="--export", path=str(p)
        ) from exc
    return p, guarded
