"""A stored run's rerun command beside a file it read that changed since (repro40).

``assay show`` and ``assay report`` print a run's command to reproduce it long after the run;
the command reads the model, data, grammar or image files as they are then.  A model file
edited since the run (``m.py``'s threshold moved) gave other findings for the same seed, and
neither the terminal, ``show --json`` nor the rebuilt reports said a word (``assay resume``
refuses such a file and ``assay verify`` says it; the rerun line did not).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from assay.cli.app import main
from assay.core.integrity import changed_files_note, check_fingerprints, file_fingerprint
from assay.core.store import RunStore

_MODEL = """
def predict(X):
    rich = X["income"].astype(float).values > 90
    return (rich | (X["sex"].astype(str).values == "m")).astype(int)
"""


def _run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, str]:
    monkeypatch.chdir(tmp_path)
    rng = np.random.default_rng(0)
    pd.DataFrame(
        {
            "sex": rng.choice(["f", "m"], 200),
            "job": rng.choice(["a", "b", "c"], 200),
            "income": rng.integers(10, 200, 200),
            "y": rng.integers(0, 2, 200),
        }
    ).to_csv("people.csv", index=False)
    (tmp_path / "m.py").write_text(_MODEL)
    store = tmp_path / "runs.db"
    argv = ["fairness", "m.py:predict", "--data", "people.csv", "--label", "y"]
    argv += ["--protected", "sex", "--max-queries", "100", "--seed", "1", "--store", str(store)]
    with pytest.raises(SystemExit):
        main([*argv, "-q"])
    with RunStore(store, read_only=True) as s:
        run_id = s.list_runs()[0].id
    return store, run_id


def _show(capsys: pytest.CaptureFixture[str], store: Path, run_id: str) -> tuple[str, object]:
    with pytest.raises(SystemExit):
        main(["show", run_id, "--store", str(store)])
    said = "".join(capsys.readouterr())
    with pytest.raises(SystemExit):
        main(["show", run_id, "--store", str(store), "--json"])
    return said, json.loads(capsys.readouterr().out)["rerun_note"]


def test_a_model_file_changed_since_the_run_is_said_beside_its_rerun_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    store, run_id = _run(tmp_path, monkeypatch)
    capsys.readouterr()
    said, note = _show(capsys, store, run_id)
    assert note is None and "changed since the run" not in said  # as it was: nothing to say
    (tmp_path / "m.py").write_text(_MODEL.replace("> 90", "> 80"))
    said, note = _show(capsys, store, run_id)
    model = str((tmp_path / "m.py").resolve())
    assert isinstance(note, str) and f"the model file {model} changed since the run" in note
    assert f"note: the model file {model} changed since the run" in said
    with pytest.raises(SystemExit):
        main(["report", run_id, "--store", str(store), "--report", "r.json", "--junit", "r.xml"])
    doc = json.loads((tmp_path / "r.json").read_text())
    assert f"the model file {model} changed" in doc["rerun_note"]
    assert f"the model file {model} changed" in (tmp_path / "r.xml").read_text()
    (tmp_path / "people.csv").unlink()
    _, note = _show(capsys, store, run_id)
    data = str((tmp_path / "people.csv").resolve())
    assert isinstance(note, str) and f"the data file {data} is gone" in note


def test_the_note_names_each_changed_or_gone_file_and_none_when_all_are_as_they_were(
    tmp_path: Path,
) -> None:
    a, b = tmp_path / "a.onnx", tmp_path / "b.cfg"
    a.write_bytes(b"model")
    b.write_text("s -> 'x'")
    prints = {"model": file_fingerprint(a), "grammar": file_fingerprint(b), "odd": "no dict"}
    assert changed_files_note(prints) is None
    assert changed_files_note(None) is None
    a.write_bytes(b"model, retrained")
    b.unlink()
    note = changed_files_note(prints)
    assert note is not None
    assert f"the model file {a.resolve()} changed; the grammar file {b.resolve()} is gone" in note


_CLASSIFIER = """
def predict(texts):
    return ["{pos}" if "good" in t else "{neg}" for t in texts]
"""


def test_a_text_runs_label_map_file_changed_since_is_said_and_does_not_stop_a_resume(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The ``--label-map`` file decides which answers agree: a rerun reads it again (named
    when it changed), a resume uses the mapping kept with the run (never refused for it)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.py").write_text(_CLASSIFIER.format(pos="positive", neg="negative"))
    (tmp_path / "b.py").write_text(_CLASSIFIER.format(pos="pos", neg="neg"))
    (tmp_path / "g.cfg").write_text('s -> "the film was" adj\nadj -> "good" | "bad" | "fine"\n')
    lines = ["a.py:predict positive -> good", "a.py:predict negative -> bad"]
    lines += ["b.py:predict pos -> good", "b.py:predict neg -> bad"]
    (tmp_path / "map.txt").write_text("\n".join(lines) + "\n")
    store = tmp_path / "runs.db"
    argv = ["text", "a.py:predict", "b.py:predict", "--grammar", "g.cfg", "--label-map"]
    argv += ["map.txt", "--max-queries", "40", "--seed", "1", "--store", str(store), "-q"]
    with pytest.raises(SystemExit):
        main(argv)
    with RunStore(store, read_only=True) as s:
        record = s.get_run(s.list_runs()[0].id)
    capsys.readouterr()
    assert _show(capsys, store, record.id)[1] is None
    (tmp_path / "map.txt").write_text("\n".join(lines[::-1]) + "\n# reordered\n")
    note = _show(capsys, store, record.id)[1]
    assert isinstance(note, str)
    assert f"the label map file {(tmp_path / 'map.txt').resolve()} changed" in note
    prints = record.config["fingerprints"]
    assert check_fingerprints(prints, run_id=record.id) == []  # (a resume goes on)
