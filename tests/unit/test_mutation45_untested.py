"""Two classifiers each giving one label to every sentence, their scores varying, tested
nothing (``text.untested``): mutation45's UT3 (every classifier counted as "some") said
"NOT EVERYTHING WAS TESTED" of them, as of a run where one was tested; the forty-third
session's test of two constant classifiers never reached that branch (their answers did not
vary at all)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assay.cli.app import main

CLASSIFIERS = """
def calm(batch):
    return [[0.6 + 0.01 * (len(s) % 7), 0.4 - 0.01 * (len(s) % 7)] for s in batch]
calm.classes_ = ["clean", "toxic"]

def mild(batch):
    return [[0.7 + 0.01 * (len(s) % 5), 0.3 - 0.01 * (len(s) % 5)] for s in batch]
mild.classes_ = ["clean", "toxic"]
"""

GRAMMAR = (
    's -> "the" who "guy is" adj\nwho -> "gay" | "tall" | "muslim"\n'
    'adj -> "nice" | "stupid" | "kind"\n%invariant who\n'
)


def test_two_classifiers_of_one_label_each_tested_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "c.py").write_text(CLASSIFIERS, encoding="utf-8")
    (tmp_path / "g.cfg").write_text(GRAMMAR, encoding="utf-8")
    with pytest.raises(SystemExit) as ended:
        main([
            "text", f"{tmp_path / 'c.py'}:calm", f"{tmp_path / 'c.py'}:mild",
            "--grammar", str(tmp_path / "g.cfg"), "--oracle", "invariance",
            "--max-queries", "300", "--seed", "1", "--store", str(tmp_path / "r.db"),
        ])  # fmt: skip
    said = capsys.readouterr()
    out = said.out + said.err
    assert int(ended.value.code or 0) == 2, out
    assert "gave one label to every one of the" in out, out
    assert "NOTHING WAS TESTED" in out and "NOT EVERYTHING WAS TESTED" not in out, out
