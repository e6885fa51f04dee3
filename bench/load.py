"""Benchmark of loading a large data file: peak memory per byte of file, and time.

Writes an Adult-like CSV (Adult's 13 integer-coded features and the label, rows drawn at
random from the real ones; 7.5 million rows, about 200 MB by default), then loads it in fresh
processes the way ``assay fairness --data FILE --protected sex --label income`` does
(``read_table``, ``infer_schema``, ``check_data``), and, as the baseline measured in the same
run, the way assay loaded files before (the whole text decoded, one ``pandas.read_csv`` over
it, float64 encoding).  Prints the peak resident memory each adds (VmHWM less the RSS before
loading) as a multiple of the file's size.

    python bench/load.py                 # 7.5 M rows (~200 MB)
    python bench/load.py --rows 1000000  # a quick look
"""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

MB = 1024 * 1024


def _status(field: str) -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def write_csv(path: Path, rows: int, seed: int = 0) -> None:
    from assay.datasets import load_dataset

    ds = load_dataset("adult")
    X = ds.X.astype(np.int64)
    y = np.asarray(ds.target).astype(np.int64)
    lines = [
        (",".join(map(str, r)) + f",{t}\n").encode()
        for r, t in zip(X.tolist(), y.tolist(), strict=True)
    ]
    header = (",".join(ds.schema.names) + ",income\n").encode()
    pick = np.random.default_rng(seed).integers(len(lines), size=rows)
    with open(path, "wb") as fh:
        fh.write(header)
        for start in range(0, rows, 1_000_000):
            fh.write(b"".join([lines[i] for i in pick[start : start + 1_000_000].tolist()]))


def measure(path: Path, mode: str) -> None:
    """In this (fresh) process: load ``path``; print peak MB added, seconds, rows."""
    import pandas as pd

    from assay.fairness.tabular_io import check_data, infer_schema, read_table

    before = _status("VmRSS")
    t0 = time.perf_counter()
    if mode == "assay":
        frame = read_table(path)
        schema = infer_schema(frame, protected=["sex"], target="income")
        encoded = check_data(schema, frame, ignore=["income"], dtype=None)
    else:  # how files were read before: all the text, one read_csv, float64
        text = path.read_bytes().decode("utf-8-sig")
        frame = pd.read_csv(io.StringIO(text), skipinitialspace=True)
        schema = infer_schema(frame, protected=["sex"], target="income")
        encoded = check_data(schema, frame, ignore=["income"])
    seconds = time.perf_counter() - t0
    peak = _status("VmHWM") - before
    print(f"{peak:.1f} {seconds:.2f} {len(encoded)} {encoded.dtype}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=7_500_000)
    parser.add_argument("--measure", nargs=2, metavar=("FILE", "MODE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(Path(args.measure[0]), args.measure[1])
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "adult-like.csv"
        t0 = time.perf_counter()
        write_csv(path, args.rows)
        size = path.stat().st_size
        print(
            f"{path.name}: {args.rows:,} rows, {size / MB:.0f} MB "
            f"(written in {time.perf_counter() - t0:.0f} s)\n"
        )
        print(f"{'loader':<28}{'peak MB':>9}{'x file':>8}{'seconds':>9}  encoded as")
        for mode, label in (("assay", "assay (chunked, compact)"), ("before", "before (baseline)")):
            out = subprocess.run(
                [sys.executable, __file__, "--measure", str(path), mode],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.split()
            peak, seconds, dtype = float(out[0]), float(out[1]), out[3]
            print(f"{label:<28}{peak:>9.0f}{peak * MB / size:>8.2f}{seconds:>9.1f}  {dtype}")
    print(
        "\npeak MB: resident memory the load added (VmHWM less the RSS before loading); "
        "x file: that, per byte of the file (goal: at most 4)."
    )


if __name__ == "__main__":
    main()
