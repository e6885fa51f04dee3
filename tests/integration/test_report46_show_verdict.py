"""``assay show`` gives the run's verdict and exit code whenever it has not passed (report46).

Before, a run that had not tested everything was shown "NOT EVERYTHING WAS TESTED: ..." in
place of its verdict line: a backdoor scan that found a trigger on 5 images and could not
verify the other 5 exits 1 ("the run's verdict: 5 findings at or above --fail-on 0 (exit
1)" in ``assay report``, ``runs --json``, the JSON report and the HTML), while ``show`` said
nothing of the findings' verdict nor of any exit code; one that found nothing and tested
part (exit 2) was shown without its exit code.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assay.cli.app import main
from assay.core.store import RunStore

pytestmark = pytest.mark.filterwarnings("ignore::assay.AssayWarning")

MODEL = """\
import numpy as np

W = np.random.default_rng(0).normal(size=(64, 10))


def trojan(images):
    x = np.asarray(images, dtype=float).reshape(len(images), 8, 8)
    out = (x.reshape(len(x), -1) @ W).argmax(1)
    out[x[:, 5:8, 5:8].mean(axis=(1, 2)) > 0.9] = 7
    return out


def clean(images):
    x = np.asarray(images, dtype=float).reshape(len(images), 8, 8)
    return (x.reshape(len(x), -1) @ W).argmax(1)
"""


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exit_:
        main(list(args))
    out = capsys.readouterr()
    return int(exit_.value.code or 0), out.out + out.err


def _scan(tmp_path: Path, capsys: pytest.CaptureFixture[str], model: str) -> tuple[int, str]:
    from sklearn.datasets import load_digits

    x = (load_digits().images / 16).astype("float32")
    np.save(tmp_path / "clean.npy", x[:30])
    images = x[30:40].copy()
    images[:5, 5:8, 5:8] = 1.0  # five stamped with the trigger
    np.save(tmp_path / "imgs.npy", images)
    (tmp_path / "bm.py").write_text(MODEL)
    store = str(tmp_path / f"{model}.db")
    code, said = _cli(
        capsys, "backdoor", f"{tmp_path / 'bm.py'}:{model}", "--classes", "10",
        "--images", str(tmp_path / "imgs.npy"), "--clean", str(tmp_path / "clean.npy"),
        "--max-queries", "3000", "--seed", "3", "--store", store,
    )  # fmt: skip
    (run,) = RunStore(store, read_only=True).list_runs()
    junit = str(tmp_path / "j.xml")
    _, reported = _cli(capsys, "report", run.id, "--store", store, "--junit", junit)
    _, shown = _cli(capsys, "show", run.id, "--store", store)
    assert "NOT EVERYTHING WAS TESTED" in said and "NOT EVERYTHING WAS TESTED" in shown
    verdicts = [ln for ln in reported.splitlines() if ln.startswith("the run's verdict:")]
    assert verdicts and verdicts[0].endswith(f"(exit {code})"), reported
    return code, shown


def test_a_scan_that_found_and_did_not_test_all_shows_its_verdict(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, shown = _scan(tmp_path, capsys, "trojan")
    assert code == 1
    assert "the run's verdict: 5 findings at or above --fail-on 0 (exit 1)" in shown, shown


def test_a_scan_that_tested_part_and_found_nothing_shows_its_exit_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, shown = _scan(tmp_path, capsys, "clean")
    assert code == 2
    assert "the run's verdict: not everything was tested (exit 2)" in shown, shown
    assert shown.count("NOT EVERYTHING WAS TESTED") == 1  # the reason said once
