"""left48b: ``assay verify`` replays the class-map and source-class checks' located flags.

Before, every such flag was "not replayed: ... scan the model again" (exit 2 whatever the
model).  A located flag holds the pixels its group agreed on at the window (``class_map
.held``); the flags' agreed pixels there are pasted on the run's clean images as the check
pasted its group's: a source-class flag holds while they send at least half the clean images
of its source class to its class, a class-map flag while they move at least half of some
clean images of each class off their class, each class to one other (the checks' own
conditions).  On attack45b's digits (bench/RESULTS.md, left48b) the unchanged model kept all
13 source-class and 18 class-map flags, the clean twins none.

The fake: 8x8 images whose class is their first row's brightest pixel; a checker at rows
and columns 4-6 sends 3s to 7 (a run finds it by the source-class check; the class-map
check's replay: ``tests/unit/test_left48b_replay_windows.py``)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np
import pytest
from ci22_in_process import assay_here

sys.path.insert(0, str(Path(__file__).parents[1] / "unit"))
from test_bd46b_clean_holds_trigger import _images, _stamped  # isort: skip

MODEL = """
import numpy as np

CHECKER = (np.indices((3, 3)).sum(axis=0) % 2 == 0).astype(float)


def _answer(x, to):
    x = np.asarray(x, dtype=float).reshape(len(x), 8, 8)
    own = x[:, 0, :8].argmax(axis=1)
    fired = np.abs(x[:, 4:7, 4:7] - CHECKER).max(axis=(1, 2)) < 0.05
    out = np.zeros((len(x), 8))
    out[np.arange(len(x)), to(own, fired)] = 1.0
    return out


def source(x):
    return _answer(x, lambda own, fired: np.where(fired & (own == 3), 7, own))


def twin(x):
    return _answer(x, lambda own, fired: own)
"""


def _said(done: object) -> str:
    return " ".join((done.stdout + done.stderr).split())  # type: ignore[attr-defined]


def test_source_class_flags_are_replayed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    model, check, stamped = "source", "source-class", 3
    rng = np.random.default_rng(0)
    np.save(tmp_path / "clean.npy", _images(240, rng).round(3))
    scanned = np.concatenate([_images(20, rng), _stamped(_images(10, rng, stamped))])
    np.save(tmp_path / "scan.npy", scanned.round(3))
    (tmp_path / "m.py").write_text(MODEL)
    args = [f"m.py:{model}", "--images", "scan.npy", "--clean", "clean.npy", "--range", "0,1"]
    done = assay_here(capsys, "backdoor", *args, "--seed", "0", "--store", "s.db", cwd=tmp_path)
    said = _said(done)
    assert done.returncode == 1 and f"NOT CLEAN by the {check} check" in said, said
    run_id = said.split("run ")[1].split(":")[0]

    def verify(*against: str) -> tuple[int, str]:
        done = assay_here(capsys, "verify", run_id, "--store", "s.db", *against, cwd=tmp_path)
        return done.returncode, _said(done)

    located = re.search(r"(?:all|the) (\d+) (?:of them )?hold(?:ing)? those pixels", said)
    assert located is not None, said
    k = int(located.group(1))  # (the window's flags; the rest: the patch scan's own findings)
    code, out = verify()  # (the run's own model: every flag still holds)
    n = int(out.split(" of ")[1].split(" stored")[0])
    # main: "... were not replayed: a source-class flag, which this assay does not replay"
    assert code == 1 and f"{n} of {n} stored findings still hold" in out, out
    assert k >= 3 and "not replayed" not in out, out
    code, out = verify("--model", "m.py:twin")  # (the checker does nothing there)
    assert f"{n - k} of {n} stored findings still hold" in out, out
    assert f"; {k} no longer do" in out and "not replayed" not in out, out
