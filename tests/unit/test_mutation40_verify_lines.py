"""mutation40: the verify lines of a run in the default store name no ``store=``, also once
an API call made its path absolute (``core.workdir.anchored``; ``store.is_default_store``).

api39's tests gave their stores by path: the default store told apart by its relative path
alone (every API call's verify line then naming ``store='/…/.assay/runs.db'``) passed them."""

from __future__ import annotations

import os
from pathlib import Path
from types import SimpleNamespace

import pytest

from assay.api import _verify_lines


def test_the_default_store_made_absolute_is_still_the_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    record = SimpleNamespace(id="r1", config={})
    default = SimpleNamespace(path=Path(os.path.abspath(".assay/runs.db")))
    line, _ = _verify_lines(record, default, None, "api")  # type: ignore[arg-type]
    assert line == "assay.verify_run('r1', model=[...])"
    other = SimpleNamespace(path=tmp_path / "s.db")
    line, _ = _verify_lines(record, other, None, "api")  # type: ignore[arg-type]
    assert line == f"assay.verify_run('r1', store={str(tmp_path / 's.db')!r}, model=[...])"
