"""textcap52: a grammar of very long sentences keeps the run's summary, store and reports
bounded; the whole sentences stay in the run's findings (a JSON export).

A grammar of 1 MB sentences made a 531 MB store (265 MB of it the summary's 200 minimal
sentences whole), a 328 MB JSON report, a 75 MB HTML and a 294 MB CSV (store52).  Every
sentence kept where many are (the summary, the reports' examples, the CSV) is now cut by one
rule (``core.sentence_cut``: its start, its length and a digest of the whole); readers
matching the findings against the summary compare cut forms.
"""

from __future__ import annotations

import csv
import json
import re
import sqlite3
import sys
import textwrap
from pathlib import Path

import pytest

from assay.cli.app import main
from assay.core.sentence_cut import SENTENCE_MOST, cut_sentence, sentence_digest
from assay.text.replay_hold import held_errors

WORD = "lorem" * 1000  # a 5,000-character terminal: ten of them make a ~50 KB sentence

csv.field_size_limit(sys.maxsize)


@pytest.fixture(scope="module")
def long_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A differential run whose disagreements are all ~50 KB sentences (b answers "neg" to
    a long "... good"), with every report and a CSV export, once for the module."""
    tmp_path = tmp_path_factory.mktemp("long")
    (tmp_path / "g.cfg").write_text(
        f"S -> A A A A A A A A A A B\nA -> '{WORD}' | 'short'\nB -> 'good' | 'bad'\n",
        encoding="utf-8",
    )
    (tmp_path / "m.py").write_text(
        textwrap.dedent(
            """
            def a(sentences):
                return ["pos" if s.endswith("good") else "neg" for s in sentences]
            def b(sentences):
                return [
                    "pos" if s.endswith("good") and len(s) < 25000 else "neg" for s in sentences
                ]
            a.classes_ = b.classes_ = ["neg", "pos"]
            """
        ),
        encoding="utf-8",
    )
    args = ["text", f"{tmp_path / 'm.py'}:a", f"{tmp_path / 'm.py'}:b"]
    args += ["--grammar", str(tmp_path / "g.cfg"), "--max-queries", "40", "--seed", "1"]
    args += ["--store", str(tmp_path / "runs.db"), "--export", str(tmp_path / "e.csv")]
    args += ["--report", str(tmp_path / "r.json"), "--html", str(tmp_path / "r.html")]
    args += ["--junit", str(tmp_path / "r.xml"), "--quiet"]
    with pytest.raises(SystemExit) as ended:
        main(args)
    assert ended.value.code == 1  # (disagreements found)
    doc = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    return tmp_path, str(doc["run"]["id"])


def test_a_grammar_of_long_sentences_keeps_its_summary_and_reports_bounded(
    long_run: tuple[Path, str],
) -> None:
    folder, _ = long_run
    doc = json.loads((folder / "r.json").read_text(encoding="utf-8"))
    text = doc["run"]["summary"]["text"]
    minimal = text["minimal"]
    assert minimal and all(len(r["original"]) > 0 for r in minimal)
    # every sentence the summary keeps fits the cap; the long ones say their length and digest
    for r in minimal:
        for key in ("sentence", "variant", "original"):
            assert len(r[key]) <= SENTENCE_MOST
    said = [r["sentence"] for r in minimal if "[cut: " in r["sentence"]]
    assert said and all(
        re.search(r"[\d,]+ characters in all, sha256 [0-9a-f]{16}", s) for s in said
    )
    notes = [s["text"] for s in doc["run"]["summary"]["sections"] if s["title"] == "Notes"]
    assert notes and "longer than 2,000 characters" in notes[0] and "--export" in notes[0]
    for example in doc["findings"]["examples"]:
        assert all(len(s) <= SENTENCE_MOST for s in example["inputs"])
    # the store's summary row and the files: a few KB a minimal sentence, not ~100 KB
    with sqlite3.connect(folder / "runs.db") as db:
        (summary_bytes,) = db.execute("select length(summary) from runs").fetchone()
    per = 3 * SENTENCE_MOST * max(len(minimal), 1)
    assert summary_bytes < per + 200_000
    for name in ("r.json", "r.html", "e.csv"):
        assert (folder / name).stat().st_size < per + 400_000, name


def test_the_csv_cuts_and_the_jsonl_export_keeps_each_sentence_whole(
    long_run: tuple[Path, str],
) -> None:
    folder, run_id = long_run
    with (folder / "e.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows and all(len(r["minimal"]) <= SENTENCE_MOST for r in rows)
    assert all(len(r["sentence"]) <= SENTENCE_MOST for r in rows)
    with pytest.raises(SystemExit):
        main(["report", run_id, "--store", str(folder / "runs.db"), "--export",
              str(folder / "e.jsonl")])  # fmt: skip
    whole = [json.loads(line) for line in (folder / "e.jsonl").read_text("utf-8").splitlines()]
    assert len(whole) == len(rows) and min(len(r["minimal"]) for r in whole) > 25_000
    # the cut form names the whole sentence: its length and digest, the same in every file
    for cut, full in zip(rows, whole, strict=True):
        assert cut["minimal"] == cut_sentence(full["minimal"])
        if len(full["minimal"]) > SENTENCE_MOST:
            assert f"{len(full['minimal']):,} characters" in cut["minimal"]
            assert sentence_digest(full["minimal"]) in cut["minimal"]
        # how often each was found: matched against the summary's cut sentences
        assert full["times_found"] is not None and int(cut["times_found"]) >= 1


def test_the_replay_matches_the_summarys_cut_sentences() -> None:
    long_a, long_b = "x" * 60_000 + " a", "x" * 60_000 + " b"  # (one start, two sentences)
    cut_a, cut_b = cut_sentence(long_a), cut_sentence(long_b)
    assert cut_a != cut_b and len(cut_a) == len(cut_b) <= SENTENCE_MOST
    assert cut_sentence(cut_a) == cut_a  # (a cut form is its own cut form)
    minimal = [{"sentence": cut_a, "count": 3}, {"sentence": cut_b, "count": 2}]
    assert held_errors(minimal, {cut_a}, 2, 1) == 2
    # a summary stored before the cut (its sentences whole) against the cut withdrawn
    assert held_errors([{"sentence": long_a, "count": 3}], {cut_a}, 1, 1) == 0
    assert cut_sentence("a short sentence") == "a short sentence"


def test_the_export_counts_a_long_sentence_from_the_summarys_cut_form() -> None:
    import pandas as pd

    from assay.text.exports import _times_found

    long_a = "y" * 30_000 + " good"
    summary = {"text": {"minimal": [{"sentence": cut_sentence(long_a), "variant": "", "count": 5}],
                        "distinct_minimal": 2}}  # fmt: skip
    frame = pd.DataFrame({"minimal": [long_a, "other"], "variant": ["", ""]})
    assert _times_found(summary, frame) == [5, None]
