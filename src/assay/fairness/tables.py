"""Reading user data files into data frames: CSV (delimiter sniffed), TSV, gzip-compressed
CSV, Parquet and JSON lines.  Every problem raises ``UsageError`` naming the file and line.

Text is decoded strictly, as UTF-8 unless another ``encoding`` is given: a byte that does not
decode is an error naming its line and byte offset, never a silent fallback (a Latin-1 guess
would turn numbers into strings and garble categories).  CSV files are read in chunks, each
column kept compact as it comes (strings as categories, integers in the smallest type), so
a large file takes a small multiple of its size in memory.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import json
import os
import re
import zlib
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd

from assay.core.extras import pip_install
from assay.errors import UsageError
from assay.fairness.long_lines import MAX_LINE_BYTES, LineBound

__all__ = [
    "DEFAULT_ENCODING",
    "LINE_ATTR",
    "NUMBERS_ATTR",
    "SOURCE_ATTR",
    "PathLike",
    "check_encoding",
    "read_table",
]

PathLike = str | os.PathLike[str]

# frame.attrs keys set by read_table, read by check_data
SOURCE_ATTR = "assay.source"
# {column: how} of the text columns read as numbers ("written with a decimal comma ...")
NUMBERS_ATTR = "assay.read_as_numbers"
# how a CSV file was written: its delimiter when ';' (a spreadsheet's where the comma is
# the decimal mark; any other: ','), whether it began with a UTF-8 byte-order mark
# (a spreadsheet's "CSV UTF-8"), and whether its numbers had decimal commas ('39,5'):
# ``--export`` writes its file the same way, so that it reads back where the data was made
WRITTEN_ATTR = "assay.written_as"
LINE_ATTR = "assay.first_line"  # file line of the first data row; None: rows have no lines
# how a text file was read ({"encoding", "delimiter"}; delimiter None: JSON lines), so that
# an error can find a row's own line again (blank lines and quoted line breaks before it)
READ_ATTR = "assay.read_with"
# the type of a table made a pandas DataFrame by assay (``to_pandas()``: a polars DataFrame, a
# pyarrow Table), its package first ("polars.DataFrame"): its rows have no index of the
# user's, only their positions, and its own way of dropping empty values
CONVERTED_ATTR = "assay.converted_from"

_CSV_SUFFIXES = (".csv", ".tsv", ".txt", ".csv.gz", ".tsv.gz", ".txt.gz")
_PARQUET_SUFFIXES = (".parquet", ".pq")
# Arrow's IPC file format (pandas' ``to_feather``, polars' ``write_ipc``)
_FEATHER_SUFFIXES = (".feather", ".arrow", ".ipc")
_JSONL_SUFFIXES = (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")
_DELIMITERS = (",", "\t", ";", "|")
DEFAULT_ENCODING = "utf-8"
_CHUNK_ROWS = 1 << 16
# integer types a column is narrowed to, smallest first (as pandas.to_numeric's downcast)
_NARROW: tuple[type[np.signedinteger[Any]], ...] = (np.int8, np.int16, np.int32, np.int64)
_BLOCK = 1 << 20
# the longest header line read (characters): about a million columns; a longer first line is
# not a header (a file without line breaks, a binary file) and is refused, never read whole
MAX_HEADER_BYTES = MAX_LINE_BYTES
# the most columns a data file may have: a 16 MB header holds up to 8,000,000 short names,
# and 1,200,000 of them took 241 s and 3.8 GB to load before the model's first call
MAX_COLUMNS = 1_000_000
# words pandas reads as missing values by default: in a column of numbers they stay missing;
# in a column of text they are the user's categories ('None': no disability, 'NA': North
# America), kept as written
_NA_WORDS = frozenset(
    {"#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
     "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null"}
)  # fmt: skip


# -- reading tables -------------------------------------------------------------------------
def read_table(
    path: PathLike, *, encoding: str = DEFAULT_ENCODING, text: Sequence[str] = ()
) -> pd.DataFrame:
    """A data file as a DataFrame: CSV/TSV (optionally .gz), Parquet or JSON lines.

    ``text``: columns read as text whatever they hold (digits stay '02134'), for a model
    fitted on them as text.

    Text files are decoded strictly with ``encoding`` (default UTF-8; a byte-order mark is
    skipped).  The frame's ``attrs`` remember the file and the line of the first data row, so
    that ``check_data`` can point at the line of a bad value.
    """
    encoding = check_encoding(encoding)
    name = str(path)
    p = Path(path)
    kind = _table_kind(p, name)
    if not p.exists():
        raise UsageError("no such file", path=name)
    if p.is_dir():
        raise UsageError("is a directory, not a data file", path=name)
    if kind == "parquet":
        frame, first_line = _read_parquet(p, name), None
    elif kind == "feather":
        frame, first_line = _read_feather(p, name), None
    elif kind == "jsonl":
        frame, first_line = _read_jsonl(p, name, encoding)
        frame.attrs[READ_ATTR] = {"encoding": encoding, "delimiter": None}
        frame = _numbers_as_text(frame, set(text))
    else:
        frame, first_line = _read_csv(p, name, encoding, set(text))
    as_text = set(text)
    for col in [c for c in frame.columns if str(c) in as_text]:
        if not pd.api.types.is_string_dtype(frame[col]):
            frame[col] = frame[col].map(lambda v: v if pd.isna(v) else str(v))
    frame.attrs[SOURCE_ATTR] = name
    frame.attrs[LINE_ATTR] = first_line
    return frame


def _table_kind(p: Path, name: str) -> str:
    lower = p.name.lower()
    if lower.endswith(_PARQUET_SUFFIXES):
        return "parquet"
    if lower.endswith(_FEATHER_SUFFIXES):
        return "feather"
    if lower.endswith(_JSONL_SUFFIXES):
        return "jsonl"
    if lower.endswith(_CSV_SUFFIXES):
        return "csv"
    known = ", ".join(_CSV_SUFFIXES + _PARQUET_SUFFIXES + _FEATHER_SUFFIXES + _JSONL_SUFFIXES)
    raise UsageError(
        f"unknown data file type; expected a name ending in one of: {known}", path=name
    )


def check_encoding(encoding: str) -> str:
    """The codec's canonical name; a ``UsageError`` for an unknown one."""
    try:
        info = codecs.lookup(encoding)
    except (LookupError, TypeError):
        raise UsageError(
            f"unknown text encoding {encoding!r} (e.g. utf-8, latin-1, cp1252, utf-16)",
            argument="--encoding",
        ) from None
    # (rot13, zlib, hex, base64, ... are codecs of Python's but no text encodings: "cannot
    # read it: TypeError: descriptor 'translate' ...", the file blamed; 'undefined' decodes
    # nothing)
    if not getattr(info, "_is_text_encoding", True) or info.name == "undefined":
        raise UsageError(
            f"{encoding!r} is not a text encoding (e.g. utf-8, latin-1, cp1252, utf-16)",
            argument="--encoding",
        )
    return "utf-8-sig" if info.name == "utf-8" else info.name


def _not_decodable(exc: UnicodeError, name: str, encoding: str) -> UsageError:
    """A codec's refusal that names no byte (UTF-16 without a byte-order mark, punycode)."""
    return UsageError(
        f"the file is not {encoding} text ({exc}): pass the file's encoding with --encoding (e.g. "
        "--encoding utf-16-le for UTF-16 without a byte-order mark)",
        path=name,
        line=1,
    )


def _open_binary(p: Path) -> IO[bytes]:
    if p.name.lower().endswith(".gz"):
        return gzip.GzipFile(p, "rb")  # type: ignore[return-value]
    return open(p, "rb")  # the caller closes it


def _read_head(p: Path, name: str, encoding: str, size: int = 65536) -> str:
    """The first ``size`` bytes of the (decompressed) file as text, strictly decoded."""
    try:
        with _open_binary(p) as fh:
            raw = fh.read(size)
    except (OSError, EOFError, zlib.error) as exc:
        raise UsageError(f"cannot read the file: {exc}", path=name) from None
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    try:
        return decoder.decode(raw, final=len(raw) < size)
    except UnicodeDecodeError:
        raise _decode_error(p, name, encoding) from None
    except UnicodeError as exc:
        raise _not_decodable(exc, name, encoding) from None


_SAVE_AS_CSV = "save it as CSV (or Parquet) and give that file"
_MAGIC = (
    (b"PK\x03\x04", "a ZIP archive (an Excel .xlsx or OpenDocument workbook?)", _SAVE_AS_CSV),
    (b"\xd0\xcf\x11\xe0", "an old Office document (an Excel .xls workbook?)", _SAVE_AS_CSV),
    (b"PAR1", "Parquet", "give it a name ending in .parquet"),
    (b"ARROW1", "Feather (Arrow IPC)", "give it a name ending in .feather"),
    (b"\x89PNG", "a PNG image", "give the data file"),
    (b"%PDF", "a PDF document", "give the data file"),
)


def _binary_kind(head: bytes) -> str | None:
    """What a file that begins with ``head`` is and what to do, when its first bytes say (a
    workbook saved under a .csv name): its decoding error would only suggest an encoding."""
    return next(
        (f"{what}, not text: {do}" for magic, what, do in _MAGIC if head.startswith(magic)), None
    )


def _decode_error(p: Path, name: str, encoding: str) -> UsageError:
    """A ``UsageError`` naming the line and byte offset of the first byte that does not decode."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    offset = 0  # bytes of the file before the current block
    lines = 1
    try:
        with _open_binary(p) as fh:
            while True:
                block = fh.read(_BLOCK)
                data = decoder.getstate()[0] + block  # bytes held over, then the block
                pending = len(data) - len(block)
                try:
                    decoder.decode(block, final=not block)
                except UnicodeDecodeError as exc:
                    at = offset - pending + exc.start
                    lines += data[pending : exc.start].count(b"\n") if exc.start > pending else 0
                    bad = data[exc.start : exc.end][:4]
                    shown = " ".join(f"0x{b:02x}" for b in bad)
                    where = "of the decompressed text " if p.name.lower().endswith(".gz") else ""
                    plain = encoding.replace("-sig", "")
                    binary = _binary_kind(data) if offset == 0 else None
                    if binary is not None:
                        return UsageError(
                            f"the file is {binary}",
                            path=name,
                        )
                    if at == 0 and data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
                        return UsageError(
                            f"the file begins with a UTF-16 byte-order mark, not {plain} text: "
                            "pass --encoding utf-16 (or save the file as UTF-8)",
                            path=name,
                            line=1,
                        )
                    return UsageError(
                        f"byte offset {at:,} {where}({shown}) is not valid {plain} text: pass "
                        "the file's encoding with --encoding (e.g. --encoding latin-1), or "
                        f"convert the file to {plain}",
                        path=name,
                        line=lines,
                    )
                except UnicodeError as exc:  # (naming no byte: UTF-16 without its mark)
                    return _not_decodable(exc, name, encoding)
                lines += block.count(b"\n")
                offset += len(block)
                if not block:
                    break
    except (OSError, EOFError, zlib.error) as exc:
        return UsageError(f"cannot read the file: {exc}", path=name)
    return UsageError(f"the file is not valid {encoding} text", path=name)


def _read_csv(
    p: Path, name: str, encoding: str, text_columns: set[str] | None = None
) -> tuple[pd.DataFrame, int]:
    text = _read_head(p, name, encoding)
    if not text.strip():
        raise UsageError("the file is empty", path=name)
    text = _whole_header(p, name, encoding, text)
    delimiter = "\t" if ".tsv" in p.name.lower() else _sniff_delimiter(text)
    header_line, first_line = _check_header(text, delimiter, name)
    as_text: set[str] = set(text_columns or ())
    frame = _read_csv_chunks(p, name, encoding, delimiter, as_text)
    if frame is None:  # a column numeric in some chunks and text in others: read it as text
        frame = _read_csv_chunks(p, name, encoding, delimiter, as_text)
    assert frame is not None
    if len(frame) == 0:
        raise UsageError("the file has a header but no data rows", path=name, line=header_line)
    if frame.shape[1] > 1 and bool(frame.iloc[:, -1].isna().any()):
        _check_short_rows(p, name, encoding, delimiter, frame.shape[1])
    if delimiter == ";":  # a spreadsheet's export where the comma is the decimal mark
        frame = _decimal_commas(frame, as_text)
    frame.attrs[READ_ATTR] = {"encoding": encoding, "delimiter": delimiter}
    frame.attrs[WRITTEN_ATTR] = {
        "delimiter": ";" if delimiter == ";" else ",",  # (a tab or a bar: a .csv's comma)
        "bom": encoding == "utf-8-sig" and _starts_with_bom(p),
        "decimal": "," if frame.attrs.get(NUMBERS_ATTR) and delimiter == ";" else ".",
    }
    return frame, first_line


def _starts_with_bom(p: Path) -> bool:
    with _open_binary(p) as fh:
        return fh.read(len(codecs.BOM_UTF8)) == codecs.BOM_UTF8


_DECIMAL_COMMA = re.compile(r"^[+-]?\d+(?:,\d+)?$")


def _decimal_commas(frame: pd.DataFrame, as_text: set[str]) -> pd.DataFrame:
    """Text columns of a ``;``-separated file whose every value is a number written with a
    decimal comma ('39,5', '40'; one comma at least) read as those numbers, named in the
    frame's ``attrs`` (``NUMBERS_ATTR``): read as text, each was a category of strings that
    a model taking numbers failed on ('could not convert string to float: '39,5'')."""
    read: list[str] = []
    for col in frame.columns:
        if str(col) in as_text or pd.api.types.is_numeric_dtype(frame[col]):
            continue
        values = frame[col].dropna()
        if not len(values) or not all(isinstance(v, str) for v in values):
            continue
        text = values.astype(str)
        if not text.str.contains(",", regex=False).any():
            continue
        if not text.str.fullmatch(_DECIMAL_COMMA).all():
            continue
        frame[col] = pd.to_numeric(frame[col].str.replace(",", ".", regex=False))
        read.append(str(col))
    for col in read:
        frame.attrs.setdefault(NUMBERS_ATTR, {})[col] = (
            "written with a decimal comma ('39,5' as 39.5): the file is separated by ';', as "
            "a spreadsheet writes it where the comma is the decimal mark"
        )
    return frame


_NUMBER_TEXT = re.compile(r"^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$")


def _numbers_as_text(frame: pd.DataFrame, as_text: set[str]) -> pd.DataFrame:
    """JSON lines' columns of numbers some of which are written as text (``"age": "21"``
    beside ``"age": 30``) read as numbers, named in ``attrs`` (``NUMBERS_ATTR``): read as
    they come, such a column became categories, 30 and '21' two of them."""
    for col in frame.columns:
        if str(col) in as_text or frame[col].dtype != object:
            continue
        values = frame[col].dropna().tolist()
        texts = [v for v in values if isinstance(v, str)]
        numbers = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
        if not texts or not numbers or len(texts) + len(numbers) != len(values):
            continue
        if not all(_NUMBER_TEXT.match(t) for t in texts):
            continue
        frame[col] = pd.to_numeric(frame[col])
        frame.attrs.setdefault(NUMBERS_ATTR, {})[str(col)] = (
            f"numbers, {len(texts)} of them written as text (such as {texts[0]!r})"
        )
    return frame


def _read_csv_chunks(
    p: Path, name: str, encoding: str, delimiter: str, as_text: set[str]
) -> pd.DataFrame | None:
    """The CSV as a compact frame, read in chunks; None (with ``as_text`` filled) when some
    column must be read again as text."""
    parts: list[pd.DataFrame] = []
    order: list[str] = []
    try:
        # (its lines bounded as pandas reads them: a 500 MB line is refused at 16 MB)
        with io.BufferedReader(LineBound(_open_binary(p), name), _BLOCK) as bounded:
            reader = pd.read_csv(
                bounded,
                sep=delimiter,
                skipinitialspace=True,
                encoding=encoding,
                encoding_errors="strict",
                chunksize=_CHUNK_ROWS,
                dtype={c: str for c in as_text} or None,
                keep_default_na=False,  # only an empty cell is missing; see _NA_WORDS
                na_values=[""],
            )
            with reader:
                for chunk in reader:
                    if not order:
                        order = [str(c) for c in chunk.columns]
                    chunk.columns = order
                    parts.append(_compact_chunk(chunk, as_text))
    except UnicodeDecodeError:
        raise _decode_error(p, name, encoding) from None
    except pd.errors.ParserError as exc:
        if "out of memory" in str(exc):  # (the parser's own MemoryError, not a bad row)
            raise MemoryError(str(exc)) from None
        match = re.search(r"line (\d+)", str(exc))
        line = int(match.group(1)) if match else None
        detail = str(exc).strip().split("error: ")[-1]
        raise UsageError(f"malformed CSV row: {detail}", path=name, line=line) from None
    except (OSError, EOFError, zlib.error) as exc:
        raise UsageError(f"cannot read the file: {exc}", path=name) from None
    except (ValueError, pd.errors.EmptyDataError) as exc:
        raise UsageError(f"cannot read as CSV: {exc}", path=name) from None
    if not order:
        raise UsageError("the file has no data rows", path=name)
    if len(parts) == 1:  # a file of up to _CHUNK_ROWS rows: its one chunk, as it is
        return parts[0].reset_index(drop=True)
    columns = {k: [part[k] for part in parts] for k in order}
    mixed = {k for k, col in columns.items() if _kinds(col) == {"text", "number"}}
    if mixed - as_text:
        as_text.update(mixed)
        return None
    return pd.DataFrame({k: _join(columns[k]) for k in order}, copy=False)


def _compact_chunk(chunk: pd.DataFrame, as_text: set[str]) -> pd.DataFrame:
    """A chunk in little memory (``_compact`` of each column).  Its integer columns are
    narrowed together, from their minima and maxima, so that a file of 100,000 columns
    does not take a pandas Series per column; the others one by one."""
    kinds = [d.kind if isinstance(d, np.dtype) else "" for d in chunk.dtypes]
    ints = [c for c, k in zip(chunk.columns, kinds, strict=True) if k == "i" and c not in as_text]
    plain = [
        c for c, k in zip(chunk.columns, kinds, strict=True) if k in ("f", "b") and c not in as_text
    ]
    done = set(ints) | set(plain)
    rest = {
        c: _compact(chunk[c] if c in as_text else _missing_words(chunk[c]))
        for c in chunk.columns
        if c not in done
    }
    pieces = [chunk[plain]] if plain else []
    if ints:
        every = len(ints) == len(kinds)  # (a wide file of counts: no selection to make)
        values = (chunk if every else chunk[ints]).to_numpy(dtype=np.int64)
        low, high = values.min(axis=0), values.max(axis=0)
        fits = np.full(len(ints), -1)
        for rank, dtype in enumerate(_NARROW):
            info = np.iinfo(dtype)
            fits[(fits < 0) & (low >= info.min) & (high <= info.max)] = rank
        for rank, dtype in enumerate(_NARROW):
            at = np.flatnonzero(fits == rank)
            if at.size:
                names = [ints[i] for i in at]
                block = values[:, at].astype(dtype)
                pieces.append(pd.DataFrame(block, columns=names, index=chunk.index, copy=False))
    if rest:
        pieces.append(pd.DataFrame(rest, index=chunk.index))
    joined = pieces[0] if len(pieces) == 1 else pd.concat(pieces, axis=1)
    if list(joined.columns) == list(chunk.columns):
        return joined
    return joined[list(chunk.columns)]


def _missing_words(col: pd.Series) -> pd.Series:
    """A chunk's column of numbers and missing-value words ('NA', 'null', ...) as numbers
    with NaN for the words; any other column as it is (text keeps 'NA' as a category)."""
    if not (col.dtype == object or pd.api.types.is_string_dtype(col.dtype)):
        return col
    words = col.isin(_NA_WORDS)
    if not words.any():
        return col
    rest = pd.to_numeric(col[~words & col.notna()], errors="coerce")
    if rest.isna().any():  # text: the words are categories
        return col
    return pd.to_numeric(col.where(~words), errors="coerce")


def _compact(col: pd.Series) -> pd.Series:
    """A chunk's column in little memory: strings as categories, integers narrowed."""
    if col.dtype == object or pd.api.types.is_string_dtype(col.dtype):
        return col.astype("category")
    if pd.api.types.is_integer_dtype(col) and not pd.api.types.is_extension_array_dtype(col):
        return pd.to_numeric(col, downcast="integer")
    return col


def _kinds(parts: list[pd.Series]) -> set[str]:
    out = set()
    for part in parts:
        if isinstance(part.dtype, pd.CategoricalDtype):
            if len(part.dropna()):
                out.add("text")
        elif pd.api.types.is_numeric_dtype(part) and not pd.api.types.is_bool_dtype(part):
            out.add("number")
        else:
            out.add("other")
    return out


def _join(parts: list[pd.Series]) -> pd.Series:
    """One column from its chunks (as a whole-file read would type it, but compact)."""
    if len(parts) == 1:
        return parts[0].reset_index(drop=True)
    if all(isinstance(p.dtype, pd.CategoricalDtype) for p in parts):
        joined = pd.api.types.union_categoricals(
            [p.astype(pd.CategoricalDtype(p.cat.categories.astype(object))) for p in parts],
            ignore_order=True,
        )
        return pd.Series(joined)
    kinds = {p.dtype.kind for p in parts if not isinstance(p.dtype, pd.CategoricalDtype)}
    empties = [p for p in parts if isinstance(p.dtype, pd.CategoricalDtype)]
    if kinds and kinds <= {"i", "u", "f"} and not any(len(p.dropna()) for p in empties):
        # numbers, with chunks of nothing but empty cells (categorical of no category)
        values = [
            p.to_numpy(dtype=np.float64, na_value=np.nan)
            if isinstance(p.dtype, pd.CategoricalDtype)
            else p.to_numpy()
            for p in parts
        ]
        dtype = np.result_type(*values)
        return pd.Series(np.concatenate([v.astype(dtype, copy=False) for v in values]))
    return pd.concat([p.astype(object) for p in parts], ignore_index=True)


def _sniff_delimiter(text: str) -> str:
    """The first of , TAB ; | that splits the first lines into the same number (>1) of fields."""
    lines = [ln for ln in text[:65536].splitlines()[:30] if ln.strip()]
    for delim in _DELIMITERS:
        counts = {len(row) for row in csv.reader(lines, delimiter=delim)}
        if len(counts) == 1 and counts.pop() > 1:
            return delim
    return ","


def _whole_header(p: Path, name: str, encoding: str, head: str) -> str:
    """The file's head, or, when the head ends inside the header line (a wide file: 12,000
    columns take 130 KB), the header line read whole (at most ``MAX_HEADER_BYTES``
    characters) with the blank lines before it."""
    body = head.lstrip()
    if "\n" in body or "\r" in body:
        return head
    before: list[str] = []
    try:
        with _open_binary(p) as raw, io.TextIOWrapper(raw, encoding=encoding, newline="") as fh:
            while True:
                line = fh.readline(MAX_HEADER_BYTES + 1)
                if not line or line.strip():
                    break
                before.append(line)
    except UnicodeDecodeError:
        raise _decode_error(p, name, encoding) from None
    except (OSError, EOFError, zlib.error) as exc:
        raise UsageError(f"cannot read the file: {exc}", path=name) from None
    if len(line) > MAX_HEADER_BYTES:
        raise UsageError(
            f"the header line is longer than {MAX_HEADER_BYTES:,} characters: not a CSV header "
            "(is the file a CSV with line breaks?)",
            path=name,
            line=len(before) + 1,
        )
    return "".join(before) + line


def _refuse_wide(n: int, said: str, name: str, line: int | None = None) -> None:
    """Refuse a table of more than ``MAX_COLUMNS`` columns (a CSV header, a JSON-lines
    file's first object, a Parquet file's schema) before its rows are read: 1,200,003 columns
    took 241 s and 3.8 GB before the model's first call."""
    if n > MAX_COLUMNS:
        raise UsageError(
            f"{said} {n:,} columns: at most {MAX_COLUMNS:,} are read (give the columns the "
            "model uses)",
            path=name,
            line=line,
        )


def _check_header(text: str, delimiter: str, name: str) -> tuple[int, int]:
    """The header's first line and the line after it (the first data line: a quoted column
    name holding a line break spans two); raises on repeated or empty column names.  The
    header was read from its first line alone: such a name's columns after the break went
    unchecked, and every data row's line was said one too early (left53)."""
    lines = io.StringIO(text, newline="").readlines() or [""]
    number = next((i for i, ln in enumerate(lines) if ln.strip()), 0)
    reader = csv.reader(lines[number:], delimiter=delimiter, skipinitialspace=True)
    header = next(reader, [])
    _refuse_wide(len(header), "the header names", name, line=number + 1)
    seen: set[str] = set()
    for col in header:
        if col.strip() in seen:
            raise UsageError(
                f"column {col!r} appears twice in the header", path=name, line=number + 1
            )
        seen.add(col.strip())
    return number + 1, number + 1 + max(reader.line_num, 1)


def _text_lines(p: Path, name: str, encoding: str) -> Iterator[str]:
    """The file's lines, decoded strictly (a bad byte: a located ``UsageError``), each at
    most ``MAX_LINE_BYTES`` (a JSON-lines file's 500 MB line: refused at the bound)."""
    try:
        with (
            io.BufferedReader(LineBound(_open_binary(p), name), _BLOCK) as raw,
            io.TextIOWrapper(raw, encoding=encoding, newline="") as fh,
        ):
            yield from fh
    except UnicodeDecodeError:
        raise _decode_error(p, name, encoding) from None
    except UnicodeError as exc:
        raise _not_decodable(exc, name, encoding) from None
    except (OSError, EOFError, zlib.error) as exc:
        raise UsageError(f"cannot read the file: {exc}", path=name) from None


def _check_short_rows(p: Path, name: str, encoding: str, delimiter: str, width: int) -> None:
    """Raise on the first row with fewer fields than the header (pandas pads them silently)."""
    reader = csv.reader(_text_lines(p, name, encoding), delimiter=delimiter, skipinitialspace=True)
    header_seen = False
    for row in reader:
        if not row or not any(field.strip() for field in row):
            continue
        if not header_seen:
            header_seen = True
            continue
        if len(row) < width:
            raise UsageError(
                f"malformed CSV row: expected {width} fields, saw {len(row)}",
                path=name,
                line=reader.line_num,
            )


def _read_jsonl(p: Path, name: str, encoding: str) -> tuple[pd.DataFrame, int]:
    records: list[dict[str, Any]] = []
    keys: list[str] | None = None
    first_line = 0
    for number, line in enumerate(_text_lines(p, name, encoding), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise UsageError(
                f"not valid JSON: {exc.msg}", path=name, line=number, column=exc.colno
            ) from None
        if not isinstance(record, dict):
            raise UsageError("each line must be a JSON object", path=name, line=number)
        if keys is None:
            _refuse_wide(len(record), "the first object has", name, line=number)
            keys, first_line = list(record), number
        elif set(record) != set(keys):
            missing = sorted(set(keys) - set(record))
            extra = sorted(set(record) - set(keys))
            raise UsageError(
                f"keys differ from the first row's (missing: {missing}, extra: {extra})",
                path=name,
                line=number,
            )
        records.append(record)
    if keys is None:
        raise UsageError("the file is empty", path=name)
    return pd.DataFrame.from_records(records, columns=keys), first_line


def _read_feather(p: Path, name: str) -> pd.DataFrame:
    """A Feather (Arrow IPC) file, bounded as a Parquet file is (its schema read first)."""

    def read() -> pd.DataFrame:
        import pyarrow.feather
        import pyarrow.ipc

        with pyarrow.ipc.open_file(p) as reader:
            _refuse_wide(len(reader.schema), "it has", name)
        return pyarrow.feather.read_table(p).to_pandas()

    return _read_arrow(read, "Feather", name)


def _read_parquet(p: Path, name: str) -> pd.DataFrame:
    def read() -> pd.DataFrame:
        import pyarrow.parquet

        _refuse_wide(pyarrow.parquet.read_metadata(p).num_columns, "it has", name)
        return pd.read_parquet(p)

    return _read_arrow(read, "Parquet", name)


def _read_arrow(read: Callable[[], pd.DataFrame], kind: str, name: str) -> pd.DataFrame:
    """``read()``'s frame of a file pyarrow reads (Parquet, Feather): pyarrow missing, a
    file it cannot read or a file of no rows refused, naming the file."""
    try:
        frame = read()
    except ImportError:
        raise UsageError(
            f"reading {kind} needs pyarrow: " + pip_install("'assay[parquet]'"), path=name
        ) from None
    except (OSError, ValueError) as exc:  # (pyarrow's ArrowInvalid is a ValueError)
        raise UsageError(f"cannot read as {kind}: {exc}", path=name) from None
    if frame.shape[1] == 0 or len(frame) == 0:
        raise UsageError("the file has no data rows", path=name)
    return frame
