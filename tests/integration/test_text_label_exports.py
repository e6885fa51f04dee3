"""A text finding's labels, one per classifier, were joined by "; " into one string everywhere
(exports, JUnit): a label holding "; " read as two.  JSON exports and ``result.findings()``
now carry a list; the CSV keeps one string in which such a label is quoted, and read back."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assay.cli.app import app, register
from assay.core.labels import join_labels, split_labels

register()

MODULE = """
def hedged(batch):
    return ["pos; surely" if "good" in s and "not" not in s else "neg" for s in batch]
hedged.classes_ = ["neg", "pos; surely"]


def blunt(batch):
    return ["pos; surely" if "good" in s else "neg" for s in batch]
blunt.classes_ = ["neg", "pos; surely"]
"""


@pytest.mark.parametrize(
    "labels",
    [
        ["neg", "pos"],
        ["pos; surely", "neg"],
        ['say "yes"', "no;", " padded ", ""],
        ["a -> b", "c -> d; e"],
        ['"quoted"', "x"],
        ["é; ü", "plain"],
        [],
    ],
)
def test_labels_read_back_as_they_were_joined(labels: list[str]) -> None:
    text = join_labels(labels)
    assert split_labels(text) == labels
    if all(";" not in x and '"' not in x and x and x == x.strip() for x in labels):
        assert text == "; ".join(labels)  # plain labels: the string as it always was


def test_a_column_written_before_reads_as_it_did() -> None:
    assert split_labels("neg; pos") == ["neg", "pos"]
    assert split_labels("pos -> neg") == ["pos -> neg"]
    assert split_labels('"unclosed; x') == ['"unclosed', "x"]


def test_exports_keep_labels_that_hold_the_separator(tmp_path: Path) -> None:
    (tmp_path / "lab.py").write_text(MODULE)
    fails = {ext: tmp_path / f"fails.{ext}" for ext in ("jsonl", "json", "csv")}
    common = [
        "text", f"{tmp_path / 'lab.py'}:hedged", f"{tmp_path / 'lab.py'}:blunt",
        "--grammar", "builtin:reviews", "--max-queries", "400", "--seed", "1",
        "--store", str(tmp_path / "r.db"),
    ]  # fmt: skip
    got = CliRunner().invoke(
        app, [*common, "--export", str(fails["jsonl"]), "--junit", str(tmp_path / "j.xml")]
    )
    assert got.exit_code == 1, got.output
    rows = [json.loads(line) for line in fails["jsonl"].read_text().splitlines()]
    assert rows and all(len(r["labels"]) == 2 for r in rows)
    assert {tuple(r["labels"]) for r in rows} == {("neg", "pos; surely")}
    from assay.core.store import RunStore
    from assay.text.api import export_findings

    store = RunStore(tmp_path / "r.db")
    run_id = store.list_runs()[0].id
    export_findings(store, run_id, fails["json"])
    export_findings(store, run_id, fails["csv"])
    doc = json.loads(fails["json"].read_text())
    assert {tuple(r["labels"]) for r in doc} == {("neg", "pos; surely")}
    with fails["csv"].open(newline="", encoding="utf-8") as fh:
        cells = [r["labels"] for r in csv.DictReader(fh)]
    assert cells and {tuple(split_labels(c)) for c in cells} == {("neg", "pos; surely")}
    assert all(c == 'neg; "pos; surely"' for c in cells)
    # result.findings() has the JSON documents' form: a list per row, row for row
    from assay.text.api import findings_frame

    frame = findings_frame(store, run_id)
    assert frame["labels"].tolist() == [r["labels"] for r in doc] == [r["labels"] for r in rows]
    assert [join_labels(x) for x in frame["labels"]] == cells
    # CI's view names each classifier with its own label
    junit = (tmp_path / "j.xml").read_text()
    assert "hedged: neg, lab.py:blunt: pos; surely on" in junit
