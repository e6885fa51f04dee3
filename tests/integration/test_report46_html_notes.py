"""The HTML report says every note the run printed (report46).

Before, a fairness answer's note "foreign_worker: the model's probabilities did not change
with foreign_worker on any of the 1,000 inputs ...: the model may not read foreign_worker at
all" was printed by the run ("note: ..."), by ``assay show`` and kept in the JSON report, and
was not in the HTML: its notes are said only where a section holds them.  A note a section
already says (how the data and the model were read) is not said twice.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from assay.cli.app import main

pytestmark = pytest.mark.filterwarnings("ignore::assay.AssayWarning")

BLIND = """\
import numpy as np


def f(rows):
    return (np.asarray(rows["income"], dtype=float) > 50).astype(int)
"""


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[str, str]:
    page = Path(args[args.index("--store") + 1]).with_suffix(".html")
    with pytest.raises(SystemExit):
        main([*args, "--html", str(page)])
    said = capsys.readouterr()
    text = re.sub(r"<[^>]+>", " ", page.read_text())
    return said.out + said.err, re.sub(r"\s+", " ", html.unescape(text))


def _notes(said: str) -> list[str]:
    return [ln[len("note: ") :] for ln in said.splitlines() if ln.startswith("note: ")]


def test_an_answers_note_is_in_the_html(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    said, page = _run(
        capsys, "fairness", "--dataset", "german", "--protected", "foreign_worker",
        "--max-queries", "100", "--seed", "3", "--store", str(tmp_path / "s.db"),
    )  # fmt: skip
    notes = [n for n in _notes(said) if "did not change with foreign_worker" in n]
    assert notes, said
    assert notes[0] in page, page[-2000:]


def test_a_note_a_section_says_is_said_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "blind.py").write_text(BLIND)
    rows = ["income,age,sex"] + [
        f"{20 + 7 * i % 80},{20 + i % 50},{'fm'[i % 2]}" for i in range(80)
    ]
    (tmp_path / "people.csv").write_text("\n".join(rows) + "\n")
    said, page = _run(
        capsys, "fairness", f"{tmp_path / 'blind.py'}:f", "--data", str(tmp_path / "people.csv"),
        "--protected", "sex", "--max-queries", "100", "--seed", "3",
        "--store", str(tmp_path / "b.db"),
    )  # fmt: skip
    (read,) = [n for n in _notes(said) if "pandas DataFrame" in n]
    assert page.lower().count(read.lower()) == 1, page
    for note in _notes(said):  # every note the run printed is in the page (the favourable
        # outcome's in its own words: "Favourable outcome: 1 (inferred: class '1' ...")
        assert note.split(": ", 1)[-1].lower() in page.lower(), note
