"""A data file with a line far longer than a row (a cell whose closing quote is missing
swallowed the rest of the file; 500 MB took 2.7 GB and 10.8 s before its cell was refused):
refused as the reader reaches the bound, naming the file, the line and the bound, with
little memory; lines within the bound, and a quoted cell spanning lines, read as before."""

from __future__ import annotations

import gzip
import tracemalloc
from pathlib import Path

import pytest

from assay.errors import UsageError
from assay.fairness import long_lines
from assay.fairness.tables import read_table

BOUND = 100_000  # (the real one is 16 MB; a line of 6 MB stands for one of 500 MB)


@pytest.fixture(autouse=True)
def _small_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(long_lines, "MAX_LINE_BYTES", BOUND)


def _file(path: Path, middle: bytes) -> Path:
    body = b"age,sex,job,y\n30,F,a,1\n31,M,b,0\n40,F," + middle + b",1\n41,M,c,0\n"
    if path.suffix == ".gz":
        path.write_bytes(gzip.compress(body))
    else:
        path.write_bytes(body)
    return path


def _refused(path: Path) -> tuple[UsageError, int]:
    """The refusal of ``path``'s long line, and the peak memory traced reading it."""
    tracemalloc.start()
    try:
        with pytest.raises(UsageError, match="a line longer than 100,000 bytes") as err:
            read_table(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return err.value, peak


@pytest.mark.parametrize("name", ["long.csv", "long.csv.gz"])
def test_a_line_past_the_bound_is_refused_early(tmp_path: Path, name: str) -> None:
    path = _file(tmp_path / name, b"x" * (6 << 20))
    err, peak = _refused(path)
    assert err.path == str(path) and err.line == 4
    assert "closing quote" in str(err)
    assert peak < 4 << 20, peak  # (read whole, pandas held the line several times over)


def test_a_missing_closing_quote_is_refused_at_its_line(tmp_path: Path) -> None:
    path = _file(tmp_path / "quote.csv", b'"' + b"x" * (1 << 20))
    with pytest.raises(UsageError, match="a line longer than") as err:
        read_table(path)
    assert err.value.line == 4


def test_lines_within_the_bound_read_as_before(tmp_path: Path) -> None:
    long_cell = b"y" * (BOUND - 100)
    path = _file(tmp_path / "ok.csv", long_cell)
    frame = read_table(path)
    assert frame.shape == (4, 4) and frame["job"].iloc[2] == long_cell.decode()
    # a quoted cell over many short lines, longer than the bound in all
    lines = b"\n".join([b"z" * 1000] * 300)
    frame = read_table(_file(tmp_path / "multi.csv", b'"' + lines + b'"'))
    assert frame["job"].iloc[2] == lines.decode()


def test_a_json_lines_file_is_bounded_alike(tmp_path: Path) -> None:
    path = tmp_path / "rows.jsonl"
    good = b'{"age": 30, "sex": "F", "y": 1}\n'
    path.write_bytes(good * 3 + b'{"age": 31, "sex": "' + b"x" * (6 << 20) + b'", "y": 0}\n')
    err, peak = _refused(path)
    assert err.line == 4 and peak < 4 << 20, peak
    path.write_bytes(good * 3)
    assert read_table(path).shape == (3, 3)
