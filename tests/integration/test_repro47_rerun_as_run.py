"""A run's printed rerun command reruns the same test (repro47): ``--classes @FILE`` was
reproduced as ``@FILE``, so the rerun read the file again (its names reordered since, it tested
other classes, and nothing said so); it is now the names the run read, as a JSON list.
``--cutoff 650`` was reproduced as ``--cutoff 650.0``: a float option is printed in its
shortest exact form, as typed."""

from __future__ import annotations

import shlex
from pathlib import Path

import numpy as np
import pytest
from test_declared_classes import _digits, _NamesServer, _run
from test_left47t_classes_file import NAMES, _shelf

from assay.cli.argv import _text
from assay.core.store import RunStore


def test_a_classes_file_is_rerun_as_the_names_it_held(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clean, scan = _digits(tmp_path)
    names = tmp_path / "classes.txt"
    names.write_text("\n".join(NAMES) + "\n", encoding="utf-8")
    with _NamesServer(_shelf) as url:
        args = ["backdoor", url, "--images", str(scan), "--clean", str(clean)]
        args += ["--input-shape", "8,8", "--seed", "0", "--max-trigger", "2"]
        args += ["--classes", f"@{names}", "--store", str(tmp_path / "a.db")]
        code, said = _run(args, capsys)
        assert code in (0, 1), said
        (run,) = RunStore(tmp_path / "a.db", read_only=True).list_runs()
        printed = said.split("to reproduce: ", 1)[1].splitlines()[0]
        assert "@" not in printed and run.command in printed, said
        # the file's names reordered after the run: the printed rerun tests the run's classes
        names.write_text("\n".join(reversed(NAMES)) + "\n", encoding="utf-8")
        again = shlex.split(run.command)[1:]
        again[again.index("--store") + 1] = str(tmp_path / "b.db")
        code, said = _run(again, capsys)
        assert code in (0, 1), said
    (rerun,) = RunStore(tmp_path / "b.db", read_only=True).list_runs()
    assert rerun.config["invocation"]["classes"] == NAMES  # (reread, they were reversed)
    assert rerun.n_findings == run.n_findings


@pytest.mark.parametrize(
    ("value", "shown"),
    [(650.0, "650"), (0.1, "0.1"), (0.7, "0.7"), (20000.5, "20000.5"), (1e-7, "1e-07")],
)
def test_a_float_option_is_printed_as_typed(value: float, shown: str) -> None:
    assert _text(value) == shown and float(shown) == value


def test_the_cutoff_is_rerun_as_typed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "score.py").write_text(
        "import numpy as np\n\n\ndef score(x):\n"
        "    return np.where(x['sex'] == 'F', 600.0, 700.0) + 0 * x['income']\n",
        encoding="utf-8",
    )
    rng = np.random.default_rng(0)
    rows = ["sex,income"] + [f"{rng.choice(['F', 'M'])},{rng.integers(1, 99)}" for _ in range(80)]
    (tmp_path / "people.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    args = [f"{tmp_path / 'score.py'}:score", "--data", str(tmp_path / "people.csv")]
    args += ["--protected", "sex", "--cutoff", "650", "--max-queries", "200", "--seed", "1"]
    code, said = _run(["fairness", *args, "--store", str(tmp_path / "s.db")], capsys)
    assert code == 1, said  # (the planted bias: F scores 600, under the cutoff)
    (run,) = RunStore(tmp_path / "s.db", read_only=True).list_runs()
    assert "--cutoff 650 " in run.command and "650.0" not in run.command, run.command
    assert "--cutoff 650 " in said.split("to reproduce: ", 1)[1], said
