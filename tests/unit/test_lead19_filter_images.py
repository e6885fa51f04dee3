"""``check_backdoor(filter_images=False)`` says what the filter file holds: without a filter
file to write it is refused before anything is loaded, named in the caller's terms."""

from __future__ import annotations

from pathlib import Path

import pytest

import assay
from assay.errors import UsageError


def test_leaving_the_images_out_of_no_filter_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as exc:
        assay.check_backdoor("no-such-model.onnx", filter_images=False, store=tmp_path / "r.db")
    assert "filter_images" in str(exc.value) and "export_filter" in str(exc.value)
    assert not (tmp_path / "r.db").exists()
