"""left43b (hostile43b Left 2): the memory check before a run counted the images only (three
float64 copies), while a 512x512 run peaked at 300 MB of numpy allocations at its start for
63 MB of images (1.05 GB resident over the run).  The check's estimate now adds the scan's
working arrays (``WORKING_IMAGES`` images of the size scanned) and says both parts."""

from __future__ import annotations

import pytest

from assay.backdoor import pixels
from assay.errors import UsageError


def test_the_memory_check_counts_the_scans_working_arrays(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # 10 images of 256x256 grey: 15.7 MB held (three float64 copies), 33.6 MB more at work
    values = 10 * 256 * 256
    monkeypatch.setattr(pixels, "_memory", lambda: 4 * 30_000_000)  # a quarter: 30 MB
    with pytest.raises(UsageError, match=r"works on them \(batches of 64 such images") as info:
        pixels.check_room(10, (256, 256), values, "--images")
    assert "10 images of 256x256 pixels would take" in str(info.value)
    monkeypatch.setattr(pixels, "_memory", lambda: 4 * 60_000_000)  # a quarter: 60 MB
    pixels.check_room(10, (256, 256), values, "--images")
