"""mutation50b: ``--force`` lets a run's changed model or text classifier file through
(hostile50: a classifier's too), never one that is gone: "continuing with the new
classifier" of a file that is not there was a resume of nothing.  Dropping ``now is not
None`` passed every test."""

from __future__ import annotations

from pathlib import Path

import pytest

from assay.core.integrity import check_fingerprints, file_fingerprint
from assay.errors import UsageError


@pytest.mark.parametrize("what", ["model", "classifier clf.py"])
def test_force_passes_a_changed_file_never_a_gone_one(tmp_path: Path, what: str) -> None:
    path = tmp_path / "clf.py"
    path.write_text("one")
    prints = {what: file_fingerprint(str(path))}
    path.write_text("two")
    noun = "model" if what == "model" else "classifier"
    notes = check_fingerprints(prints, run_id="run-1", force=True)
    assert notes and f"continuing with the new {noun} (--force)" in notes[0], notes
    path.unlink()
    for finishing in (False, True):
        with pytest.raises(UsageError) as refused:
            check_fingerprints(prints, run_id="run-1", force=True, finishing=finishing)
        assert "is gone since run run-1" in str(refused.value)


def test_a_changed_classifier_refusing_to_finish_names_force(tmp_path: Path) -> None:
    path = tmp_path / "clf.py"
    path.write_text("one")
    prints = {"classifier clf.py": file_fingerprint(str(path))}
    path.write_text("two")
    with pytest.raises(UsageError) as refused:
        check_fingerprints(prints, run_id="run-1", finishing=True)
    said = str(refused.value)
    assert "must be asked of the classifier it searched" in said, said
    assert "or pass --force to finish it with the new classifier" in said, said
