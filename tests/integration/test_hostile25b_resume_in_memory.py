"""hostile25b: `assay resume` of a run made in Python with an in-memory model (a torch module)
said "pass it again (model=...)": no such option exists on the command line, and the images
given in memory must be given again too."""

from __future__ import annotations

from pathlib import Path

import pytest

from assay.backdoor.api import check_backdoor
from assay.backdoor.demo import trojaned_digits
from assay.backdoor.resume import setup_from_record
from assay.core.store import RunStore
from assay.errors import UsageError
from assay.models import load_model


def test_an_in_memory_models_run_names_the_python_call_that_resumes_it(tmp_path: Path) -> None:
    d = trojaned_digits(seed=5)
    model = load_model(d.model, modality="image")
    x = d.clean_images * 16.0
    r = check_backdoor(
        model,
        images=x[:4],
        clean=x[100:140],
        value_range="0,16",
        seed=1,
        max_queries=100,
        store=tmp_path / "r.db",
    )
    with RunStore(tmp_path / "r.db") as store:
        record = store.get_run(r.run_id)
    with pytest.raises(UsageError) as info:
        setup_from_record(record)
    text = str(info.value)
    assert f"assay.resume_run({r.run_id!r}, model=..., images=..., clean=...)" in text
    assert "the command line cannot resume this run" in text
