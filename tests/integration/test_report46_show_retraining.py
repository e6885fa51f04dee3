"""``assay show`` says what the run's command said after its headline (report46).

Before, ``assay show`` of a ``--retrain`` run dropped the retraining's outcome ("Retrained
in 3 rounds ... No round lowered the share, so no retrained model was written"), which the
terminal, the HTML, the JSON report and JUnit all said: a reviewer reading ``show`` could
not tell the run was retrained, nor whether a model was written.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assay.cli.app import main
from assay.core.store import RunStore

pytestmark = pytest.mark.filterwarnings("ignore::assay.AssayWarning")


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exit_:
        main(list(args))
    out = capsys.readouterr()
    return int(exit_.value.code or 0), out.out + out.err


def test_show_says_the_retraining_the_run_said(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    store = str(tmp_path / "s.db")
    code, said = _cli(
        capsys, "fairness", "--dataset", "german", "--max-queries", "300", "--seed", "3",
        "--retrain", "--store", store,
    )  # fmt: skip
    assert code == 1, said
    (run,) = RunStore(store, read_only=True).list_runs()
    text = RunStore(store, read_only=True).get_run(run.id).summary["mitigation"]["text"]
    assert text.startswith("Retrained in") and text in said
    code, shown = _cli(capsys, "show", run.id, "--store", store)
    assert code == 0
    assert text in shown, shown
    # said once, before the verdict, as the run said it before its seed line
    assert shown.count("Retrained in") == 1
    assert shown.index(text) < shown.index("the run's verdict:")


def test_show_of_a_run_not_retrained_says_no_retraining(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = str(tmp_path / "s.db")
    code, _ = _cli(
        capsys, "fairness", "--dataset", "german", "--max-queries", "100", "--seed", "3",
        "--store", store,
    )  # fmt: skip
    (run,) = RunStore(store, read_only=True).list_runs()
    _, shown = _cli(capsys, "show", run.id, "--store", store)
    assert code == 1 and "Retrained in" not in shown
