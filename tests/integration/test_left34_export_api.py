"""left34: ``assay.resume_run`` of a fairness run whose ``--export`` file a kill cut short
checks the stored file before the model loads, as ``assay resume`` does (left33's Left: a
folder gone or not writable since failed the run after its finish, the model loaded and the
finish's session counted for nothing)."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_left33_export_resume import killed_with_its_folder_gone
from test_resume30_finish import files, the_run

from assay import resume_run
from assay.core.finishing import missing_parts
from assay.errors import UsageError

pytestmark = pytest.mark.slow

__all__ = ["files"]  # (the fixture, shared)


def test_resume_run_checks_the_stored_export_before_the_model_loads(files: Path) -> None:
    killed, record = killed_with_its_folder_gone(files)
    started: list[object] = []
    with pytest.raises(UsageError, match=r"out/k\.csv.*--export asked for") as raised:
        resume_run(record.id, store=killed, on_start=started.append)
    assert raised.value.argument == "run_id" and "--export FILE" in str(raised.value)
    after, _ = the_run(killed)
    # refused before the model loaded: no session of the finish counted, no error kept
    assert not started and "sessions" not in after.config and after.error is None
    assert missing_parts(after) == ["export"]
