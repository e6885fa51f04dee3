"""A compact, lossless columnar encoding of finding batches (numpy only, never pickle).

An array of shape ``(n, *rest)`` is split into columns, one per position of ``rest`` (for a
fairness batch of inputs ``(n, K, d)``: every feature of every variant).  Each column is stored
in the smallest form that gives back exactly the same values:

- ``const``: one value for every row (e.g. the protected value of variant k);
- ``same``: equal to the column at the same place of the first variant along axis 1 (the
  non-protected features of every variant: stored once);
- ``range``: ``start, start + 1, ...`` (indices);
- ``bits``: two values, packed eight rows to a byte;
- ``int`` / ``bytes``: integers (or whole floats) as offsets from the column's minimum, in
  the fewest bytes that hold them (1 to 8);
- ``sorted``: non-decreasing integers (e.g. a sorted set of 64-bit keys) as the differences
  between neighbours, each in the narrowest of four byte widths chosen for the column (a
  2-bit tag per value says which), when that is smaller than ``int``/``bytes``;
- ``dict``: at most 256 distinct floats (e.g. a decision tree's leaf probabilities, or the
  pixels of images read from 8-bit files and scaled) as one byte per row and a table (up to
  65,536 as two bytes per row, ``"code": "<u2"``, in a column 32 times as long); when
  the column holds ``k`` copies of an image one after another (a backdoor finding's image,
  the image with its trigger blocked, a clean image with the trigger pasted), copies after
  the first are stored as their byte codes' differences from the first's (``"period"``:
  mostly zeros where the copies agree), and the codes are deflated when that saves an
  eighth;
- ``f32``: floats that float32 holds exactly;
- ``f32x``: floats float32 holds exactly but for up to a quarter, those kept beside as
  positions and values (a float image's finding: its copies' float32 bits as differences,
  deflated, and its trigger box refilled with float64 means);
- ``text``: strings (numpy ``U``) as their UTF-8 lengths and bytes, deflated (zlib): a
  200-word sentence takes its UTF-8 bytes or fewer, not four bytes a character padded to
  the longest sentence of the batch;
- ``raw``: anything else, as stored.

A column of bytes (``uint8``/``int8``, e.g. resume state's JSON lines) whose buffer holds at
least ``_DEFLATE_MIN`` bytes is deflated when that makes it at least an eighth smaller
(``"z": 1`` in its spec).

Arrays come back with their original dtype and shape.  A blob is ``MAGIC``, a 4-byte header
length, a JSON header and the column buffers.
"""

from __future__ import annotations

import itertools
import json
import struct
import zlib
from typing import Any

import numpy as np

__all__ = ["MAGIC", "decode_array", "decode_arrays", "encode_array", "encode_arrays", "is_columnar"]

MAGIC = b"AYC1"
_MAX_POSITIONS = 64  # up to this many positions per row, always one column per position
# beyond it, one column per position only for a batch of at least as many rows as positions
# (a wide table's findings: 300 columns x 2 variants), up to _MAX_COLUMNS; else one column
# (images: thousands of pixels a row, each column header costing more than it saves)
_MAX_COLUMNS = 4096
_DICT_MAX = 256
# a table of up to 65,536 values (two-byte codes) for a column at least _WIDE_ROWS times as
# long as its table (8-bit images given per-channel normalization: 768 values; several
# images' fills beside their 256 levels)
_WIDE_MAX = 1 << 16
_WIDE_ROWS = 32
_SAMPLE = 1024
_SORTED_MIN = 64  # values: below this, a sorted column is stored as any other
_DEFLATE_MIN = 256  # bytes: a byte column's buffer below this is never deflated
_F32X_SHARE = 0.25  # values float32 does not hold, at most, for ``f32x``
_LEVEL = 6  # zlib's default: text witnesses and JSON lines are small, written once


def is_columnar(data: bytes) -> bool:
    return data[:4] == MAGIC


def encode_arrays(arrays: dict[str, np.ndarray], header: dict[str, Any]) -> bytes:
    """One blob holding ``arrays`` (all of the same length along axis 0) and ``header``."""
    parts: list[bytes] = []
    offset = 0
    specs: dict[str, Any] = {}
    for name, arr in arrays.items():
        a = np.asarray(arr)
        if a.dtype == object:
            raise TypeError(f"cannot store an object array ({name!r})")
        columns, buffers = _encode_array(a)
        specs[name] = {"dtype": a.dtype.str, "shape": list(a.shape), "columns": columns}
        for col, buf in zip(columns, buffers, strict=True):
            if buf is not None:
                col["at"] = [offset, len(buf)]
                parts.append(buf)
                offset += len(buf)
    head = json.dumps({**header, "arrays": specs}, separators=(",", ":")).encode("utf-8")
    return MAGIC + struct.pack("<I", len(head)) + head + b"".join(parts)


def decode_arrays(data: bytes) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """The arrays and the header of a blob made by ``encode_arrays``."""
    if not is_columnar(data):
        raise ValueError("not a columnar blob")
    (size,) = struct.unpack("<I", data[4:8])
    header: dict[str, Any] = json.loads(data[8 : 8 + size].decode("utf-8"))
    body = memoryview(data)[8 + size :]
    arrays = {name: _decode_array(spec, body) for name, spec in header.pop("arrays").items()}
    return arrays, header


def encode_array(a: np.ndarray) -> bytes:
    """One array as a blob (see ``encode_arrays``)."""
    return encode_arrays({"a": a}, {})


def decode_array(data: bytes) -> np.ndarray:
    return decode_arrays(data)[0]["a"]


# -- arrays ------------------------------------------------------------------------------------
def _encode_array(a: np.ndarray) -> tuple[list[dict[str, Any]], list[bytes | None]]:
    n = a.shape[0] if a.ndim else 1
    positions = int(np.prod(a.shape[1:], dtype=np.int64)) if a.ndim > 1 else 1
    if a.dtype.kind == "U" and a.size:
        return [{"how": "text"}], [_encode_text(a)]
    if a.ndim == 0 or a.size == 0 or a.dtype.kind not in "biuf":  # (n, 0): no column to keep
        return [{"how": "raw"}], [np.ascontiguousarray(a).tobytes()]
    if not _by_position(n, positions):
        period = positions // a.shape[1] if a.ndim > 2 and a.shape[1] > 1 else None
        return _encode_columns(a.reshape(-1, 1), a.dtype, first=None, period=period)
    flat = a.reshape(n, positions)
    block = int(np.prod(a.shape[2:], dtype=np.int64)) if a.ndim > 2 else positions
    return _encode_columns(flat, a.dtype, first=block if a.ndim > 2 else None)


def _by_position(n: int, positions: int) -> bool:
    """Whether a batch of ``n`` rows of ``positions`` values each is stored one column per
    position.  Stored as one column, a wide table's IDIs (40 features x 2 variants) kept
    every value as a float64, 640 bytes an IDI, the variants' shared features twice."""
    if positions <= _MAX_POSITIONS:
        return True
    return positions <= _MAX_COLUMNS and n >= positions


def _encode_columns(
    flat: np.ndarray, dtype: np.dtype[Any], *, first: int | None, period: int | None = None
) -> tuple[list[dict[str, Any]], list[bytes | None]]:
    """``period``: for one column holding rows of copies (``(n, k, *image)`` flattened), the
    values of one copy."""
    specs: list[dict[str, Any]] = []
    bufs: list[bytes | None] = []
    # one column after another in memory: each is scanned several times
    by_column = np.ascontiguousarray(flat.T) if flat.shape[1] > 1 else flat.T
    for p in range(flat.shape[1]):
        col = by_column[p]
        if first is not None and p >= first:
            ref = p % first
            if np.array_equal(col, by_column[ref]):
                specs.append({"how": "same", "ref": ref})
                bufs.append(None)
                continue
        spec, buf = _encode_column(col, dtype, period)
        if buf is not None and _deflatable(spec, dtype) and len(buf) >= _DEFLATE_MIN:
            spec, buf = _deflated(spec, buf)
        specs.append(spec)
        bufs.append(buf)
    return specs, bufs


def _deflatable(spec: dict[str, Any], dtype: np.dtype[Any]) -> bool:
    """A column of bytes, or of a table's one-byte codes."""
    return dtype.itemsize == 1 or spec["how"] in ("dict", "f32x")


def _deflated(spec: dict[str, Any], buf: bytes) -> tuple[dict[str, Any], bytes]:
    """``buf`` deflated when that saves at least an eighth of it."""
    packed = zlib.compress(buf, _LEVEL)
    if len(packed) <= len(buf) - len(buf) // 8:
        return {**spec, "z": 1}, packed
    return spec, buf


def _encode_text(a: np.ndarray) -> bytes:
    """Strings as their UTF-8 byte lengths (``<u4``) then their bytes, deflated (lone
    surrogates, which numpy strings may hold, pass through)."""
    encoded = [s.encode("utf-8", "surrogatepass") for s in a.reshape(-1).tolist()]
    lengths = np.array([len(e) for e in encoded], dtype="<u4")
    return zlib.compress(lengths.tobytes() + b"".join(encoded), _LEVEL)


def _decode_text(raw: bytes, dtype: np.dtype[Any], shape: tuple[int, ...]) -> np.ndarray:
    data = zlib.decompress(raw)
    count = int(np.prod(shape, dtype=np.int64))
    lengths = np.frombuffer(data, dtype="<u4", count=count)
    ends = np.cumsum(lengths, dtype=np.int64) + 4 * count
    starts = ends - lengths
    texts = [
        data[s:e].decode("utf-8", "surrogatepass")
        for s, e in zip(starts.tolist(), ends.tolist(), strict=True)
    ]
    return np.array(texts, dtype=dtype).reshape(shape)


def _encode_column(
    col: np.ndarray, dtype: np.dtype[Any], period: int | None = None
) -> tuple[dict[str, Any], bytes | None]:
    first = col[:1]
    if bool((col == first).all()):
        return {"how": "const", "value": first.tobytes().hex()}, None
    if dtype.kind == "f":
        if not np.isfinite(col).all():
            return {"how": "raw"}, np.ascontiguousarray(col).tobytes()
        whole = col == np.round(col)
        if (
            bool(whole.all())
            and abs(float(col.min())) < 2**53
            and abs(float(col.max())) < 2**53
            and not bool(np.signbit(col[col == 0]).any())  # -0.0 stays -0.0
        ):
            return _encode_ints(col.astype(np.int64))
        table = _small_table(col)
        if table is not None:
            wide = len(table) > _DICT_MAX
            codes = np.searchsorted(table, col).astype(np.uint16 if wide else np.uint8)
            spec: dict[str, Any] = {"how": "dict", "table": table.tobytes().hex()}
            if wide:
                spec["code"] = "<u2"
            if period is not None and len(codes) > period and len(codes) % period == 0:
                codes = _copies_as_deltas(codes, period)
                spec["period"] = period
            return spec, codes.tobytes()
        if dtype.itemsize > 4:
            f32 = col.astype(np.float32)
            if np.array_equal(f32.astype(dtype), col):
                return {"how": "f32"}, f32.tobytes()
            return _f32_and_exceptions(col, f32, dtype, period)
        return {"how": "raw"}, np.ascontiguousarray(col).tobytes()
    # an unsigned column in its own width: a checkpoint's bytes (its JSON lines, a text run's
    # long sentences in them) widened to uint64 took 16 times their size (textcap52)
    return _encode_ints(col if dtype.kind == "u" else col.astype(np.int64))


def _f32_and_exceptions(
    col: np.ndarray, f32: np.ndarray, dtype: np.dtype[Any], period: int | None
) -> tuple[dict[str, Any], bytes | None]:
    """``f32x``: floats that float32 holds exactly but for a few (at most ``_F32X_SHARE``):
    the float32 bit patterns (copies after the first as their differences from the first's:
    ``period``), then the positions (``<u4``) and the values of the others.  An image read
    from a float file (float32) beside its trigger's box refilled with float64 means: 8 bytes
    a value raw before."""
    missed = np.flatnonzero(f32.astype(dtype) != col)
    if len(missed) > len(col) * _F32X_SHARE or len(col) >= 2**32:
        return {"how": "raw"}, np.ascontiguousarray(col).tobytes()
    bits = f32.view(np.uint32)
    spec: dict[str, Any] = {"how": "f32x", "n": len(missed)}
    if period is not None and len(bits) > period and len(bits) % period == 0:
        bits = _copies_as_deltas(bits, period)
        spec["period"] = period
    body = bits.astype("<u4").tobytes() + missed.astype("<u4").tobytes()
    return spec, body + col[missed].astype(dtype.newbyteorder("<")).tobytes()


def _encode_ints(col: np.ndarray) -> tuple[dict[str, Any], bytes | None]:
    low, high = int(col.min()), int(col.max())
    n = len(col)
    if high - low == n - 1 and col[0] == low and bool((np.diff(col) == 1).all()):
        return {"how": "range", "start": low}, None
    span = high - low
    if span == 1:
        bits = np.packbits((col != low).astype(np.uint8))
        return {"how": "bits", "low": low}, bits.tobytes()
    width = max(1, (span.bit_length() + 7) // 8)
    if col.dtype.kind == "u":  # (never below ``low``: no wrap in its own width)
        off = col - col.dtype.type(low)
    else:
        with np.errstate(over="ignore"):
            off = (col - low).astype(np.uint64)
    if n >= _SORTED_MIN and bool((off[1:] >= off[:-1]).all()):
        spec, buf = _encode_sorted(off.astype(np.uint64, copy=False))
        if len(buf) < n * width:
            return {**spec, "low": low}, buf
    if width in (1, 2, 4, 8):
        t = np.dtype(f"<u{width}")
        return {"how": "int", "low": low, "type": t.str}, off.astype(t).tobytes()
    # 3, 5, 6 or 7 bytes a value: the low bytes of little-endian uint64s
    data = off.astype("<u8").view(np.uint8).reshape(-1, 8)[:, :width]
    return {"how": "bytes", "low": low, "width": width}, np.ascontiguousarray(data).tobytes()


def _encode_sorted(off: np.ndarray) -> tuple[dict[str, Any], bytes]:
    """Non-decreasing uint64 values as their first value and the differences between
    neighbours; each difference takes the narrowest of four byte widths (the widest holds
    the largest difference; the other three are chosen to make the column smallest)."""
    d = np.diff(off)
    need = _need_bytes(d)
    counts = np.bincount(need, minlength=9)
    widest = int(need.max()) if len(need) else 0
    best: tuple[int, ...] = (widest,) * 4
    best_size = len(d) * widest
    for narrow in itertools.combinations(range(widest), 3):
        widths = (*narrow, widest)
        size = 0
        for b in range(widest + 1):
            size += int(counts[b]) * next(w for w in widths if w >= b)
        if size < best_size:
            best, best_size = widths, size
    # per byte count, the tag of the narrowest width that holds it
    lut = np.array([next((t for t, w in enumerate(best) if w >= b), 3) for b in range(9)], np.uint8)
    tags = lut[need]
    padded = np.zeros(-(-len(tags) // 4) * 4, dtype=np.uint8)
    padded[: len(tags)] = tags
    quads = padded.reshape(-1, 4)
    packed = quads[:, 0] | (quads[:, 1] << 2) | (quads[:, 2] << 4) | (quads[:, 3] << 6)
    parts = [packed]
    per_tag = np.bincount(tags, minlength=4).tolist()
    order = np.concatenate([np.flatnonzero(tags == t) for t in range(4)])
    grouped = d[order]
    at = 0
    for w, count in zip(best, per_tag, strict=True):
        if w and count:
            g = grouped[at : at + count]
            if w in (1, 2, 4, 8):
                parts.append(g.astype(f"<u{w}").view(np.uint8))
            else:  # the low w bytes of each little-endian value
                parts.append(g.astype("<u8").view(np.uint8).reshape(-1, 8)[:, :w].reshape(-1))
        at += count
    spec = {"how": "sorted", "first": int(off[0]), "widths": list(best), "counts": per_tag}
    return spec, np.concatenate(parts).tobytes()


def _need_bytes(d: np.ndarray) -> np.ndarray:
    """Bytes each uint64 needs (0 for 0, else its bit length / 8 rounded up), as uint8."""
    _, exp = np.frexp(d.astype(np.float64))  # the bit length, exact below 2**53
    need = ((exp + 7) >> 3).astype(np.uint8)
    big = np.flatnonzero(d >= np.uint64(1 << 53))
    if len(big):  # the conversion may round these up: counted exactly
        need[big] = 7 + (d[big] >= np.uint64(1 << 56)).astype(np.uint8)
    return need


def _decode_sorted(col: dict[str, Any], body: memoryview, n: int) -> np.ndarray:
    raw = np.frombuffer(_buf(col, body), dtype=np.uint8)
    m = n - 1  # differences
    n_tags = -(-m // 4)
    packed = raw[:n_tags]
    tags = np.stack([(packed >> s) & 3 for s in (0, 2, 4, 6)], axis=1).reshape(-1)[:m]
    d = np.zeros(m, dtype=np.uint64)
    at = n_tags
    for t, (w, count) in enumerate(zip(col["widths"], col["counts"], strict=True)):
        if not w or not count:
            continue
        chunk = raw[at : at + count * w]
        at += count * w
        if w in (1, 2, 4, 8):
            d[tags == t] = chunk.view(f"<u{w}")
        else:
            wide = np.zeros((count, 8), dtype=np.uint8)
            wide[:, :w] = chunk.reshape(count, w)
            d[tags == t] = wide.view("<u8").reshape(count)
    out = np.empty(n, dtype=np.uint64)
    out[0] = np.uint64(col["first"])
    np.cumsum(d, out=out[1:])
    out[1:] += out[0]
    return out


def _copies_as_deltas(codes: np.ndarray, period: int) -> np.ndarray:
    """Codes of copies one after another (each ``period`` long): every copy after the first
    as its difference from the copy before it, modulo the codes' type (zeros where
    neighbouring copies agree: an image and the same image with its trigger blocked)."""
    by_copy = codes.reshape(-1, period)
    out = by_copy.copy()
    out[1:] -= by_copy[:-1]
    return out.reshape(-1)


def _deltas_as_copies(codes: np.ndarray, period: int) -> np.ndarray:
    by_copy = codes.reshape(-1, period)
    return np.cumsum(by_copy, axis=0, dtype=codes.dtype).reshape(-1)


def _small_table(col: np.ndarray) -> np.ndarray | None:
    """The sorted distinct values of ``col`` if there are at most 256 of them, or at most
    65,536 in a column ``_WIDE_ROWS`` times as long; else None (decided from a sample first,
    so that a column of many values costs little: a sample of 1,024 values more than 256 of
    them distinct rules a short column out, one of mostly distinct values any column; images
    of 8-bit pixels, whose first thousand values may hold 200 of the 256, are kept in a
    table)."""
    seen = len(np.unique(col[:_SAMPLE]))
    if seen > _SAMPLE - _SAMPLE // 8 or (seen > _DICT_MAX and len(col) < _WIDE_ROWS * seen):
        return None
    table = np.unique(col)
    if len(table) <= _DICT_MAX:
        return table
    return table if len(table) <= _WIDE_MAX and len(col) >= _WIDE_ROWS * len(table) else None


def _decode_array(spec: dict[str, Any], body: memoryview) -> np.ndarray:
    dtype = np.dtype(spec["dtype"])
    shape = tuple(spec["shape"])
    columns = spec["columns"]
    if not columns:  # an empty array of rows of no value, as written before it was kept raw
        return np.empty(shape, dtype=dtype)
    if columns[0]["how"] == "text":
        return _decode_text(bytes(_buf(columns[0], body)), dtype, shape)
    if dtype.kind not in "biuf":
        out = np.frombuffer(_buf(columns[0], body), dtype=dtype).copy()
        return out.reshape(shape)
    total = int(np.prod(shape, dtype=np.int64))
    width = len(columns)
    rows = total // width if width else 0
    flat = np.empty((rows, width), dtype=dtype)
    for p, col in enumerate(columns):
        if col["how"] != "same":
            flat[:, p] = _decode_column(col, body, rows, dtype)
    for p, col in enumerate(columns):
        if col["how"] == "same":
            flat[:, p] = flat[:, col["ref"]]
    return flat.reshape(shape)


def _decode_column(col: dict[str, Any], body: memoryview, n: int, dtype: np.dtype[Any]) -> Any:
    how = col["how"]
    if how == "const":
        return np.frombuffer(bytes.fromhex(col["value"]), dtype=dtype)[0]
    if how == "raw":
        return np.frombuffer(_buf(col, body), dtype=dtype)
    if how == "f32":
        return np.frombuffer(_buf(col, body), dtype=np.float32).astype(dtype)
    if how == "f32x":
        raw = _buf(col, body)
        bits = np.frombuffer(raw[: 4 * n], dtype="<u4")
        if "period" in col:
            bits = _deltas_as_copies(bits, int(col["period"]))
        out = bits.astype(np.uint32).view(np.float32).astype(dtype)
        k = int(col["n"])
        at = np.frombuffer(raw[4 * n : 4 * n + 4 * k], dtype="<u4")
        out[at] = np.frombuffer(raw[4 * n + 4 * k :], dtype=dtype.newbyteorder("<"))
        return out
    if how == "dict":
        table = np.frombuffer(bytes.fromhex(col["table"]), dtype=dtype)
        codes = np.frombuffer(_buf(col, body), dtype=np.dtype(col.get("code", "u1")))
        if "period" in col:
            codes = _deltas_as_copies(codes, int(col["period"]))
        return table[codes]
    if how == "range":
        return (np.arange(n, dtype=np.int64) + int(col["start"])).astype(dtype)
    if how == "bits":
        bits = np.unpackbits(np.frombuffer(_buf(col, body), dtype=np.uint8), count=n)
        return _shift(bits, int(col["low"]), dtype)
    if how == "int":
        off = np.frombuffer(_buf(col, body), dtype=np.dtype(col["type"]))
        return _shift(off, int(col["low"]), dtype)
    if how == "sorted":
        return _shift(_decode_sorted(col, body, n), int(col["low"]), dtype)
    if how == "bytes":
        width = int(col["width"])
        wide = np.zeros((n, 8), dtype=np.uint8)
        wide[:, :width] = np.frombuffer(_buf(col, body), dtype=np.uint8).reshape(n, width)
        return _shift(wide.view("<u8").reshape(n), int(col["low"]), dtype)
    raise ValueError(f"unknown column encoding {how!r}")


def _shift(off: np.ndarray, low: int, dtype: np.dtype[Any]) -> np.ndarray:
    out: np.ndarray
    if dtype.kind == "u" or low >= 0:
        out = off.astype(np.uint64) + np.uint64(low)
    else:
        with np.errstate(over="ignore"):
            out = off.astype(np.int64) + np.int64(low)
    return out.astype(dtype)


def _buf(col: dict[str, Any], body: memoryview) -> memoryview:
    start, size = col["at"]
    if col.get("z"):
        return memoryview(zlib.decompress(body[start : start + size]))
    return body[start : start + size]
