"""``--export FILE.csv`` reads back whole whatever the classifiers answered: a label with a
lone carriage return (``"neg\\r"``, a line read from a Windows file and not stripped) was
written unquoted, and every CSV reader took it for the end of a row."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from assay.cli.app import app, register
from assay.core.labels import split_labels

register()
runner = CliRunner()

CLASSIFIERS = (  # the second answers its labels as read from a Windows file, unstripped
    "def plain(batch):\n    return ['pos' if 'good' in s else 'neg' for s in batch]\n"
    "def windows(batch):\n    return ['pos\\r' if 'great' in s else 'neg\\r' for s in batch]\n"
)


def test_a_label_with_a_carriage_return_reads_back_from_the_csv_export(tmp_path: Path) -> None:
    (tmp_path / "clf.py").write_text(CLASSIFIERS, encoding="utf-8")
    (tmp_path / "g.cfg").write_text(
        'S -> "the" N "was" A\nN -> "food" | "tea" | "soup"\nA -> "good" | "great" | "bad"\n',
        encoding="utf-8",
    )
    args = ["text", f"{tmp_path}/clf.py:plain", f"{tmp_path}/clf.py:windows", "--grammar"]
    result = runner.invoke(
        app,
        [
            *args,
            str(tmp_path / "g.cfg"),
            "--max-queries",
            "200",
            "--store",
            str(tmp_path / "runs.db"),
            "--export",
            str(tmp_path / "f.csv"),
        ],
    )
    assert result.exit_code == 1, result.output
    run_id = result.output.split("run ", 1)[1].split(",", 1)[0]
    again = runner.invoke(
        app,
        [
            "report",
            run_id,
            "--store",
            str(tmp_path / "runs.db"),
            "--export",
            str(tmp_path / "f.jsonl"),
        ],
    )
    assert again.exit_code == 1, again.output  # the run's verdict (left26)
    records = [json.loads(line) for line in (tmp_path / "f.jsonl").read_text("utf-8").splitlines()]
    assert records and all("clf.py:windows: neg\r" in r for r in records)
    with (tmp_path / "f.csv").open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(records)
    assert [split_labels(r["labels"]) for r in rows] == [r["labels"] for r in records]
    assert "clf.py:windows: neg\r" in rows[0]  # the header is whole too
    frame = pd.read_csv(tmp_path / "f.csv")
    assert len(frame) == len(records)
    assert sorted(frame["sentence"]) == sorted(r["sentence"] for r in records)
