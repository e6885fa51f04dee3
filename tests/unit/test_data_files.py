"""Data files are decoded strictly (UTF-8 by default, ``encoding=`` for others) and read in
compact chunks that give the same frame as a whole-file read."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import assay.fairness.tables as tables
from assay.errors import UsageError
from assay.fairness.tabular_io import check_data, infer_schema, read_table


def test_a_byte_that_is_not_utf8_is_a_located_usage_error(tmp_path: Path) -> None:
    p = tmp_path / "people.csv"
    p.write_bytes("name,age\nZoë,31\nab,2\n".encode() + b"x\xe9y,3\n")
    with pytest.raises(UsageError, match=r"byte offset 23 \(0xe9\).*--encoding") as err:
        read_table(p)
    assert (err.value.path, err.value.line) == (str(p), 4)
    assert f"{p}:4" in str(err.value)


def test_other_encodings_when_asked(tmp_path: Path) -> None:
    p = tmp_path / "people.csv"
    p.write_bytes("name,age\nZoë,31\nMünchen,2\n".encode("latin-1"))
    frame = read_table(p, encoding="latin-1")
    assert list(frame["name"]) == ["Zoë", "München"]
    assert pd.api.types.is_integer_dtype(frame["age"])  # numbers stay numbers
    with pytest.raises(UsageError, match="unknown text encoding") as err:
        read_table(p, encoding="klingon")
    assert err.value.argument == "--encoding"


def test_utf8_categories_are_not_garbled_and_numbers_stay_numbers(tmp_path: Path) -> None:
    p = tmp_path / "people.csv"
    p.write_text("name,age\nZoë,31\nAnn,2\n", encoding="utf-8-sig")  # with a BOM
    frame = read_table(p)
    schema = infer_schema(frame)
    assert schema.features[0].categories == ("Ann", "Zoë")
    assert schema.features[1].kind == "integer"


def test_gzip_and_jsonl_are_decoded_strictly(tmp_path: Path) -> None:
    g = tmp_path / "d.csv.gz"
    with gzip.open(g, "wb") as fh:
        fh.write(b"a,b\n1,2\n3,\xff\n")
    with pytest.raises(UsageError, match="decompressed") as err:
        read_table(g)
    assert err.value.line == 3
    j = tmp_path / "d.jsonl"
    j.write_bytes(b'{"a": 1}\n{"a": "\xff"}\n')
    with pytest.raises(UsageError, match="byte offset 16") as err:
        read_table(j)
    assert err.value.line == 2


def test_chunks_give_the_frame_a_whole_read_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = np.random.default_rng(0)
    n = 1000
    ages = rng.integers(17, 90, n).astype(object)
    ages[700] = "?"  # text in a late chunk only: the column is text, as a whole read says
    frame = pd.DataFrame(
        {
            "age": ages,
            "sex": rng.choice(["Female", "Male"], n),
            "city": np.where(np.arange(n) < 500, "Köln", rng.choice(["Zürich", "Oslo"], n)),
            "hours": rng.integers(1, 99, n),
            "score": np.round(rng.random(n), 3),
            "gain": np.where(np.arange(n) == 999, 100_000, rng.integers(0, 100, n)),
        }
    )
    p = tmp_path / "d.csv"
    frame.to_csv(p, index=False)
    whole = pd.read_csv(p)
    monkeypatch.setattr(tables, "_CHUNK_ROWS", 64)
    chunked = read_table(p)
    assert list(chunked.columns) == list(whole.columns)
    for col in whole.columns:
        a = whole[col].astype(str).tolist()
        b = chunked[col].astype(str).tolist()
        assert a == b, col
    assert isinstance(chunked["sex"].dtype, pd.CategoricalDtype)
    assert chunked["hours"].dtype == np.int8
    s1 = infer_schema(whole, protected=["sex"])
    s2 = infer_schema(chunked, protected=["sex"])
    assert s1 == s2
    assert np.array_equal(check_data(s1, whole), check_data(s2, chunked))


def test_short_row_in_a_late_chunk_names_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = ["a,b,c"] + [f"{i},{i},{i}" for i in range(300)] + ["7,8"]
    p = tmp_path / "d.csv"
    p.write_text("\n".join(lines) + "\n")
    monkeypatch.setattr(tables, "_CHUNK_ROWS", 64)
    with pytest.raises(UsageError, match="fields") as err:
        read_table(p)
    assert err.value.line == 302


def test_cli_refuses_a_non_utf8_file_and_reads_it_with_encoding(tmp_path: Path) -> None:
    import skops.io
    from sklearn.tree import DecisionTreeClassifier
    from typer.testing import CliRunner

    from assay.cli.app import app, register

    register()
    rng = np.random.default_rng(0)
    x, sex = rng.integers(0, 50, 400), rng.integers(0, 2, 400)
    y = ((x > 30) | ((sex == 1) & (x > 20))).astype(int)
    model = tmp_path / "m.skops"
    skops.io.dump(DecisionTreeClassifier(random_state=0).fit(np.column_stack([x, sex]), y), model)
    text = "x,sex\n" + "".join(f"{a},{s}\n" for a, s in zip(x, sex, strict=True))
    data = tmp_path / "people.csv"
    data.write_bytes(text.encode() + b"7,\xe9\n")
    args = [
        "fairness",
        str(model),
        "--data",
        str(data),
        "--protected",
        "sex",
        "--max-queries",
        "2000",
        "--store",
        str(tmp_path / "runs.db"),
        "--seed",
        "1",
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2, result.output
    assert "people.csv:402" in result.output and "byte offset" in result.output
    data.write_bytes(text.encode("latin-1"))
    result = CliRunner().invoke(app, [*args, "--encoding", "latin-1"])
    assert result.exit_code in (0, 1), result.output
