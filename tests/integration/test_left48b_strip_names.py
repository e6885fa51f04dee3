"""left48b: STRIP's caveat names the clean images it asks the user to check.

bd30's set-up: 5 poisoned digits among 205 clean images set STRIP's threshold among them.
Before: "... if the clean images (--clean) hold poisoned ones, poisoned images scanned go
unflagged; check that they are clean", none named.  Now the clean images under the line
are named, lowest first, as the source-class check's skip names the clean images it took
a style from: here the planted ones (200-204) and no other."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from assay.backdoor.api import check_backdoor
from assay.backdoor.demo import trojaned_digits

pytestmark = pytest.mark.slow


def test_the_caveat_names_the_poisoned_clean_images(tmp_path: Path) -> None:
    trojan = trojaned_digits(seed=2, size=3, position=(5, 5), target=7)
    x = trojan.clean_images
    scan = x[:60].copy()
    scan[::2] = trojan.poisoned(scan[::2])
    clean = np.concatenate([x[100:300], trojan.poisoned(x[300:305])])
    r = check_backdoor(
        trojan.model,
        images=scan * 16.0,
        clean=clean * 16.0,
        value_range="0,16",
        seed=0,
        store=tmp_path / "runs.db",
        strategy="strip",
    )
    said = re.search(
        r"check that they are clean \(the (\d+) under [0-9.e-]+ bits, lowest "
        r"first: ([0-9, ]+); counted from 0\)",
        r.headline,
    )
    assert said is not None, r.headline
    named = {int(i) for i in said.group(2).split(", ")}
    assert int(said.group(1)) == len(named) >= 2 and named <= set(range(200, 205)), named
