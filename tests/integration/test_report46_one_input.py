"""A fairness run that found one discriminatory input says so in the singular (report46).

Before: "1 discriminatory inputs found for sex in 120 queries ..." in the terminal, the JSON,
the HTML, the JUnit file and ``assay show`` alike (the headline's plural was unconditional).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assay.cli.app import main

pytestmark = pytest.mark.filterwarnings("ignore::assay.AssayWarning")


def test_one_input_is_one_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([
            "fairness", "--dataset", "german", "--estimate", "--max-queries", "120",
            "--seed", "3", "--store", str(tmp_path / "s.db"), "--json",
        ])  # fmt: skip
    said = json.loads(capsys.readouterr().out)
    assert exit_.value.code == 1 and said["findings"] == 1, said["headline"]
    assert "1 discriminatory input found for sex in 120 queries" in said["headline"]
    assert "inputs found" not in said["headline"]
