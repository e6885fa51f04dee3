"""left47f: ``assay verify --json``'s fields are each documented (docs/report-format.md's
table under "`assay verify --json`"), and the docs name no field it does not give.

Before, no page listed them (the README: "`assay verify --json` has its own").  The table is
read from the docs and the keys from the command, for a plain run, one whose store kept a
capped set of witnesses, and a demonstration's run, whose replay says that verify judges the
findings, not the demonstration (it exits 1 where the demo exited 0 for finding them)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from assay.cli.app import main
from assay.core.demonstration import FLAG
from assay.core.store import RunStore

ROOT = Path(__file__).resolve().parents[2]
HEADING = "## `assay verify --json`"

MODEL = """
import numpy as np


def by_sex(x):  # (sex decides a young person's answer)
    x = np.asarray(x, dtype=float)
    return ((x[:, 0] > 40) | (x[:, 2] > 0)).astype(int)


by_sex.classes_ = [0, 1]
"""


def documented() -> dict[str, str]:
    """The table's keys and meanings."""
    text = (ROOT / "docs" / "report-format.md").read_text()
    assert HEADING in text, "docs/report-format.md has no section on assay verify --json"
    section = text.split(HEADING, 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `(\w+)` \| (.+) \|$", section, re.M)
    return dict(rows)


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as e:
        main(list(args))
    said = capsys.readouterr()
    return int(e.value.code or 0), said.out, said.err


@pytest.fixture
def run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, str]:
    (tmp_path / "m.py").write_text(MODEL)
    rng = np.random.default_rng(0)
    rows = ["age,hours,sex"]
    for _ in range(200):
        rows.append(f"{rng.integers(18, 80)},{rng.integers(10, 60)},{rng.integers(0, 2)}")
    (tmp_path / "people.csv").write_text("\n".join(rows) + "\n")
    store = tmp_path / "s.db"
    code, out, err = _cli(
        capsys, "fairness", f"{tmp_path}/m.py:by_sex", "--data", str(tmp_path / "people.csv"),
        "--protected", "sex", "--max-queries", "400", "--seed", "1", "--store", str(store),
        "--keep-findings", "5", "--json",
    )  # fmt: skip
    assert code == 1, out + err
    return store, json.loads(out)["run_id"]


def test_every_verify_json_key_is_documented(
    run: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    store, run_id = run
    docs = documented()
    code, out, err = _cli(capsys, "verify", run_id, "--store", str(store), "--json")
    answer = json.loads(out)  # (stdout holds the object alone)
    assert code == answer["exit_code"] == 1, out + err
    # every key the command gives is in the table; the table names none it never gives
    # (``tests``: a text run of several tests only)
    assert set(answer) <= set(docs), set(answer) - set(docs)
    assert set(docs) - set(answer) <= {"tests"}, set(docs) - set(answer)
    assert answer["findings"] < answer["run_counted"]  # (the capped witnesses)
    assert answer["kept_note"] and answer["verdict"].endswith(answer["kept_note"])
    assert answer["demonstration_note"] is None


def test_a_demonstrations_replay_says_what_its_exit_means(
    run: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    store, run_id = run
    with RunStore(store) as s:
        s.set_config(run_id, **{FLAG: True})  # (as ``assay demo`` marks its run)
    code, out, err = _cli(capsys, "verify", run_id, "--store", str(store))
    assert code == 1, out + err
    said = (
        f"run {run_id} is a demonstration's, whose command exits 0 when it finds the bugs it "
        "plants; verify judges the findings themselves: exit 1 while any still fails, 0 when "
        "none does"
    )
    assert said in out.splitlines(), out  # main: no word of it
    code, out, err = _cli(capsys, "verify", run_id, "--store", str(store), "--json")
    assert json.loads(out)["demonstration_note"] == said
