"""mutation53: store52's resume state stored once (``core.state_once``) beside a set of
the same keys (a surviving mutant named by the test)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from assay.core.checkpoint import Snapshot

from test_store52_state_once import _store  # isort: skip


def test_a_set_whose_keys_an_append_holds_is_read_back_as_a_set(tmp_path: Path) -> None:
    # E10 (``stored_once`` referring any part, not appends alone): a set's new keys, sorted,
    # byte for byte an append of the same checkpoint, were stored as a reference and read
    # back as an append: the set came back empty, the keys under its name an append
    keys = np.sort(np.random.default_rng(0).integers(0, 2**62, 500, dtype=np.int64))
    with _store(tmp_path) as store:  # (run t-1)
        snap = Snapshot(appends={"search.asked": keys.copy()}, sets={"search.seen": keys.copy()})
        store.checkpoint("t-1", snapshot=snap)
        back = store.load_snapshot("t-1")
    assert back is not None
    assert set(back.appends) == {"search.asked"}, sorted(back.appends)
    assert np.array_equal(back.appends["search.asked"], keys)
    assert np.array_equal(np.sort(back.sets["search.seen"]), keys)
