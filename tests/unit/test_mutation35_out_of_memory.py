"""mutation35: hostile34's out-of-memory messages, without running out of memory.

hostile34's subprocess tests (``RLIMIT_AS``) meet the parser's own "out of memory" only
where the machine's allocations happen to fail inside it: with the conversion dropped they
still passed, the user told "malformed CSV row: out of memory" (the data blamed).  And
hostile34b's decorator: a run given no file (arrays in memory) keeps its ``MemoryError``;
a compressed file is said to inflate.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from assay.core.out_of_memory import says_out_of_memory
from assay.fairness import tables


def test_the_csv_parsers_own_out_of_memory_is_a_memory_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "d.csv"
    data.write_text("a,b\n1,2\n")

    def parser(*args: object, **kwargs: object) -> object:
        raise pd.errors.ParserError("Error tokenizing data. C error: out of memory")

    monkeypatch.setattr(tables.pd, "read_csv", parser)
    with pytest.raises(MemoryError, match="out of memory"):
        tables.read_table(data)


@says_out_of_memory("the images", images="--images")
def _load(images: object = None) -> None:
    raise MemoryError("Unable to allocate 1.91 GiB")


def test_no_file_given_keeps_the_memory_error() -> None:
    import numpy as np

    with pytest.raises(MemoryError, match=r"1\.91 GiB"):
        _load(images=np.zeros(3))


def test_a_compressed_file_is_said_to_inflate(tmp_path: Path) -> None:
    from assay.errors import UsageError

    packed = tmp_path / "images.npz"
    packed.write_bytes(b"x" * 100)
    with pytest.raises(UsageError, match="compressed: it inflates") as err:
        _load(images=str(packed))
    assert err.value.argument == "--images" and "100 bytes" in str(err.value)
