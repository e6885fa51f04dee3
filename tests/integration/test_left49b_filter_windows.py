"""left49b: the run-time filter blocks the window the source-class check located.

A source-specific trojan's trigger fires on images of one source class only, so the patch
scan confirms no trigger for it: ``--export-filter`` wrote a filter holding none ("it holds no
trigger ..., so it blocks nothing"), and every poisoned input passed it, however well the
source-class check had located the trigger (left48b2 measured the window blocked as a patch
trigger on attack45b's digits: 17 of 20 poisoned 3s corrected, 0 of 350 held-out clean digits
changed).  Now the filter carries each located window (the pixels its flags agree on there,
matched on those pixels and refilled as a patch trigger's box is), the scan's file and the one
``assay resume`` writes for a scan killed while writing it alike.

The fake (``test_left48b_verify_windows``'s): 8x8 images whose class is their first row's
brightest pixel; a checker at rows and columns 4-6 sends 3s to 7 (``source``); its clean
twin ignores it (``twin``).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from ci22_in_process import assay_here
from test_left48b_verify_windows import MODEL, _said

from assay.backdoor.filter import load_filter
from assay.backdoor.filter_file import read_document
from assay.core.model import labels_of
from assay.models import load_model

sys.path.insert(0, str(Path(__file__).parents[1] / "unit"))
from test_bd46b_clean_holds_trigger import _images, _stamped  # isort: skip

# verify's model: the run's model behind the filter the run exported
FILTERED = """
from pathlib import Path

import numpy as np
from assay.backdoor.filter import load_filter
from assay.backdoor.filter_file import read_document
from assay.models import load_model

_here = Path(__file__).parent
_space = {}
exec((_here / "m.py").read_text(), _space)
_model = load_model(_space["source"], modality="image", outputs="proba", n_classes=8)
_filter = load_filter(_here / "f.json", _model)


def filtered(x):
    return _filter.predict(np.asarray(x))
"""


def _scan(tmp_path: Path, capsys: pytest.CaptureFixture[str], model: str) -> tuple[int, str]:
    rng = np.random.default_rng(0)
    np.save(tmp_path / "clean.npy", _images(240, rng).round(3))
    scanned = np.concatenate([_images(20, rng), _stamped(_images(10, rng, 3))])
    np.save(tmp_path / "scan.npy", scanned.round(3))
    (tmp_path / "m.py").write_text(MODEL)
    args = [f"m.py:{model}", "--images", "scan.npy", "--clean", "clean.npy", "--range", "0,1"]
    done = assay_here(
        capsys,
        "backdoor",
        *args,
        "--seed",
        "0",
        "--store",
        "s.db",
        "--export-filter",
        "f.json",
        cwd=tmp_path,
    )
    return done.returncode, _said(done)


def _answers(tmp_path: Path, model: str, images: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The model's answers to ``images`` and its filter's (the file the run wrote)."""
    space: dict[str, Any] = {}
    exec(MODEL, space)  # (the run's model, in this process)
    m = load_model(space[model], modality="image", outputs="proba", n_classes=8)
    filt = load_filter(tmp_path / "f.json", m)
    x = images.round(3).reshape(len(images), *filt.input_shape)
    return (
        np.asarray(labels_of(m.predict(x), m.capabilities)),
        np.asarray(labels_of(filt.predict(x), m.capabilities)),
    )


def _own(images: np.ndarray) -> np.ndarray:
    """The fake's class of each image.  (Images of class 0 are left out of the clean ones:
    the patch scan confirms a 1x1 bright pixel at row 0, column 0 as a trigger of class 0,
    the fake's own feature, which the filter blocks on main too.)"""
    own: np.ndarray = images[:, 0, :8, 0].argmax(axis=1)
    return own


def test_a_source_specific_trojan_s_filter_corrects_its_poisoned_images(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, said = _scan(tmp_path, capsys, "source")
    assert code == 1 and "NOT CLEAN by the source-class check" in said, said
    # main: "it holds no trigger (none was confirmed), so it blocks nothing ...; it does not
    # block ... the N the source-class check did"
    # (the 1x1 trigger: the fake's own class feature, a bright first-row pixel)
    assert (
        "filter written to f.json: 1 trigger(s) and the 5x5 window at row 2, column 2 the "
        "source-class check located (the pixels its 10 flagged image(s) agree on there" in said
    ), said
    assert "source-class check did" not in said and "blocks nothing" not in said, said
    rng = np.random.default_rng(7)  # (images neither scanned nor clean)
    poisoned = _stamped(_images(40, rng, 3))
    before, after = _answers(tmp_path, "source", poisoned)
    assert (before == 7).all()  # (the trigger fires on each)
    assert (after == 3).all(), after  # main: 0 of 40 (the filter held nothing)
    # the checker on other classes (no trigger fires), and clean images: none changed
    images = np.concatenate([_stamped(_images(80, rng)), _images(400, rng)])
    images = images[~np.isin(_own(images), [0, 3])]
    before, after = _answers(tmp_path, "source", images)
    assert (before == after).all(), (before[before != after], after[before != after])


def test_verify_of_the_filtered_model_finds_the_source_class_flags_gone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The run's findings replayed against its model behind its filter: the source-class
    flags no longer hold (their window's pixels pasted on clean 3s are refilled and
    answered 3); on main the filter held nothing and every flag still held."""
    code, said = _scan(tmp_path, capsys, "source")
    assert code == 1, said
    run_id = said.split("run ")[1].split(":")[0]
    (tmp_path / "mf.py").write_text(FILTERED)
    done = assay_here(
        capsys, "verify", run_id, "--store", "s.db", "--model", "mf.py:filtered", cwd=tmp_path
    )
    out = _said(done)
    n = int(out.split(" of ")[1].split(" stored")[0])
    assert done.returncode == 0 and f"0 of {n} stored findings still hold" in out, out


def test_a_clean_model_s_filter_changes_no_clean_image(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, said = _scan(tmp_path, capsys, "twin")
    # (exit 1 by the fake's own 1x1 class-0 feature, as on main; nothing by the window checks)
    assert code == 1, said
    assert "no place's content in the unconfirmed images sends clean images of one" in said
    assert "filter written to f.json: 1 trigger(s); overhead" in said, said
    rng = np.random.default_rng(7)
    images = np.concatenate([_images(400, rng), _stamped(_images(40, rng))])
    images = images[_own(images) != 0]
    before, after = _answers(tmp_path, "twin", images)
    assert (before == after).all(), (before[before != after], after[before != after])


def test_a_scan_killed_writing_its_filter_is_finished_with_the_window(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``assay resume`` of a scan killed while writing its ``--export-filter`` file writes the
    file the scan not killed writes, the window with it (``phases._result``, shared)."""
    from test_resume30_finish import exit_of, killed_at, the_run

    monkeypatch.chdir(tmp_path)
    rng = np.random.default_rng(0)
    np.save(tmp_path / "clean.npy", _images(240, rng).round(3))
    scanned = np.concatenate([_images(20, rng), _stamped(_images(10, rng, 3))])
    np.save(tmp_path / "scan.npy", scanned.round(3))
    (tmp_path / "m.py").write_text(MODEL)
    args = ["backdoor", "m.py:source", "--images", "scan.npy", "--clean", "clean.npy"]
    args += ["--range", "0,1", "--seed", "0"]
    killed, whole = tmp_path / "killed.db", tmp_path / "whole.db"
    done = killed_at(
        "assay.backdoor.phases:export_filter", [*args, "--export-filter", "k.json"], killed
    )
    assert done.returncode == -9, done.stderr
    record, _ = the_run(killed)
    assert exit_of(["resume", record.id, "--store", str(killed), "--quiet"]) == 1
    assert exit_of([*args, "--export-filter", "w.json", "--quiet", "--store", str(whole)]) == 1
    assert (tmp_path / "k.json").read_bytes() == (tmp_path / "w.json").read_bytes()
    doc = read_document(tmp_path / "k.json")
    assert [t.box for t in doc.triggers if t.mask is not None and t.target == 7] == [(2, 2, 5, 5)]
