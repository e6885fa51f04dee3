"""JUnit says a fairness run's answer per attribute, as the terminal does (report46).

Before, a run not judged by a rule on the share said its shares, their intervals and a
certificate ("foreign_worker: share 0.00 % ... (exact); certified zero") on the terminal, in
``assay show``, the HTML and the JSON, and nowhere in its JUnit file: a CI reader saw a
passing case and the headline alone.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from assay.cli.app import main
from assay.core.store import RunStore

pytestmark = pytest.mark.filterwarnings("ignore::assay.AssayWarning")


def test_junit_says_each_attributes_share_and_certificate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store, junit = str(tmp_path / "s.db"), tmp_path / "r.xml"
    with pytest.raises(SystemExit) as exit_:
        main([
            "fairness", "--dataset", "german", "--protected", "sex,foreign_worker",
            "--max-queries", "200", "--seed", "3", "--store", store, "--junit", str(junit),
        ])  # fmt: skip
    said = capsys.readouterr().out
    assert exit_.value.code == 1, said
    props = ET.parse(junit).getroot().iter("property")
    answers = [p.get("value", "") for p in props if p.get("name") == "answer"]
    assert len(answers) == 2, answers
    for answer in answers:  # the terminal's line for the attribute begins with it
        assert any(line.startswith(answer) for line in said.splitlines()), (answer, said)
    (certified,) = [a for a in answers if a.startswith("foreign_worker:")]
    assert certified.endswith("; certified zero")
    (found,) = [a for a in answers if a.startswith("sex:")]
    assert found.endswith("; found") and "%" in found
    (run,) = RunStore(store, read_only=True).list_runs()
    with pytest.raises(SystemExit):
        main(["show", run.id, "--store", store])
    shown = capsys.readouterr().out
    assert all(any(ln.startswith(a) for ln in shown.splitlines()) for a in answers)
