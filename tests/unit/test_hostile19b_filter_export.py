"""``--json``'s ``exports.filter.path`` of a backdoor run (hostile19b): the path as given
(relative) by the first run, absolute by its resume; now absolute from both."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from assay.cli.backdoor_cmd import filter_export


def test_the_filter_is_named_by_its_absolute_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = SimpleNamespace(
        filter_path=Path("filter é.json"),
        triggers=[object()],
        filter_overhead=0.5,
        filter_overhead_clean=0.0,
    )
    shown = filter_export(result)["filter"]
    assert shown["path"] == str(tmp_path / "filter é.json") and shown["triggers"] == 1
    assert filter_export(SimpleNamespace(filter_path=None)) == {}
