"""Benchmark of the run store's size: a fairness run on the benchmark tree, as a user runs it.

Runs ``assay fairness --dataset adult --protected sex --max-time SECONDS`` (the built-in
DecisionTreeClassifier(random_state=0) on Adult's 13 integer features) in a fresh process,
with the default witness cap and then with ``--keep-findings all``, and prints for each:
IDIs found, witnesses kept, the store's size at the end and at its largest during the run
(database + WAL), bytes per IDI, bytes written to disk by the process (write amplification)
and the process's peak RSS.  The baseline, measured in the same run, is the encoding stores
used before (``np.savez`` per batch, every IDI): the kept witnesses are re-encoded that way.

    python bench/store.py                  # 60 s runs
    python bench/store.py --seconds 600    # the 10-minute figure (default cap only: --only cap)
    python bench/store.py --seconds 10     # a quick look

Figures are noisy on a shared machine: the number of IDIs (hence sizes) follows the CPU time
the search gets.
"""

from __future__ import annotations

import argparse
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MB = 1024 * 1024


def _size(path: Path) -> int:
    total = 0
    for suffix in ("", "-wal", "-shm"):
        p = Path(str(path) + suffix)
        if p.exists():
            total += p.stat().st_size
    return total


def _hwm_mb(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def _written(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/io") as fh:
            for line in fh:
                if line.startswith("write_bytes:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def _state_cap_mb() -> float:
    """The resume state's cap the run works with (MB; 0: none), as ``core.run`` reads it."""
    from assay.core.run import _state_cap

    return _state_cap() / MB


def _look(store: Path) -> tuple[int, int] | None:
    """IDIs committed so far (the run's progress) and the resume state's bytes; None when
    the store cannot be read now."""
    try:
        db = sqlite3.connect(f"{store.resolve().as_uri()}?mode=ro", uri=True, timeout=1.0)
        try:
            row = db.execute("SELECT json_extract(progress, '$.findings') FROM runs").fetchone()
            (state,) = db.execute("SELECT COALESCE(SUM(LENGTH(data)), 0) FROM state").fetchone()
        finally:
            db.close()
    except sqlite3.Error:
        return None
    return None if row is None or row[0] is None else (int(row[0]), int(state))


def _sets_baseline(store: Path) -> tuple[int, int, int] | None:
    """The resume state's set chunks now: (keys, bytes as stored, bytes of the same chunks
    as plain columnar blobs, the encoding of merged chunks before they were compressed: the
    baseline, measured on the same keys in the same run); None when unreadable."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from assay.core.columnar import encode_array
    from assay.core.setstate import decode_set

    try:
        db = sqlite3.connect(f"{store.resolve().as_uri()}?mode=ro", uri=True, timeout=1.0)
        try:
            rows = db.execute("SELECT data FROM state WHERE part LIKE 'set%'").fetchall()
        finally:
            db.close()
    except sqlite3.Error:
        return None
    keys = stored = plain = 0
    for (data,) in rows:
        blob = bytes(data)
        values = decode_set(blob)
        keys += len(values)
        stored += len(blob)
        plain += len(encode_array(values))
    return keys, stored, plain


def run_once(
    seconds: float, keep: str | None, workdir: Path, track: float = 1e9
) -> dict[str, float]:
    store = workdir / f"runs-{keep or 'default'}.db"
    cmd = [
        sys.executable,
        "-m",
        "assay",
        "fairness",
        "--dataset",
        "adult",
        "--protected",
        "sex",
        "--max-time",
        str(seconds),
        "--seed",
        "1",
        "--store",
        str(store),
        "--quiet",
    ]
    if keep is not None:
        cmd += ["--keep-findings", keep]
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    peak_idis = 0
    peak_state = 0
    written = 0
    rss = 0.0
    growth: list[tuple[float, int, int, int]] = []  # (s, IDIs committed, store, state bytes)
    baseline: tuple[int, int, int] | None = None  # the sets at the last look (see above)
    next_look = t0 + track
    while proc.poll() is None:
        size = _size(store)
        if size > peak:
            peak = size
            peak_idis, peak_state = _look(store) or (peak_idis, peak_state)
        w = _written(proc.pid)
        written = w if w is not None else written
        rss = max(rss, _hwm_mb(proc.pid) or 0.0)
        if time.monotonic() >= next_look:
            next_look += track
            n, state = _look(store) or (0, 0)
            growth.append((time.monotonic() - t0, n, size, state))
            if baseline is None and time.monotonic() - t0 + 2 * track >= seconds:
                # a look before the run's end (the state is deleted then): the baseline
                baseline = _sets_baseline(store)
        time.sleep(0.1)
    wall = time.monotonic() - t0
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode not in (0, 1):
        raise SystemExit(f"the run failed ({proc.returncode}): {err[-2000:]}")
    final = _size(store)
    peak = max(peak, final)
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from assay.core.store import RunStore

    s = RunStore(store)
    (record,) = s.list_runs()
    counts = s.witness_counts(record.id)
    kept = sum(c["kept"] for c in counts.values())
    legacy = sum(len(b.to_bytes()) for b in s.iter_batches(record.id))
    s.close()
    db = sqlite3.connect(store)
    (witness_bytes,) = db.execute("SELECT COALESCE(SUM(LENGTH(data)), 0) FROM findings").fetchone()
    db.close()
    for sec, n, size, state in growth:
        print(
            f"  {sec:6.0f} s  {n:>13,} IDIs committed  store {size / MB:7.1f} MB "
            f"({size / max(n, 1):5.2f} B/IDI)  resume state {state / MB:7.1f} MB "
            f"({state / max(n, 1):5.2f} B/IDI)",
            flush=True,
        )
    # the last look while the resume state was there (it is deleted when the run ends)
    # (the largest: a look at the very end may find it half deleted)
    last = max((g for g in growth if g[3] > 0 and g[1] > 0), key=lambda g: g[3], default=None)
    return {
        "last_idis": last[1] if last else 0,
        "last_state": last[3] if last else 0,
        "rest_mb": max((g[2] - g[3] for g in growth), default=0) / MB,
        "peak_idis": peak_idis,
        "peak_state": peak_state,
        "idis": record.n_findings,
        "kept": kept,
        "final": final,
        "peak": peak,
        "witness_bytes": witness_bytes,
        "legacy_per_kept": legacy / max(kept, 1),
        "written": written,
        "rss_mb": rss,
        "wall": wall,
        "baseline": baseline,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--only", choices=("cap", "all"), default=None)
    parser.add_argument(
        "--track",
        type=float,
        default=None,
        help="print the store's size and bytes per IDI every this many seconds of a run",
    )
    args = parser.parse_args()
    modes: list[tuple[str, str | None]] = [("default cap", None), ("--keep-findings all", "all")]
    if args.only == "cap":
        modes = modes[:1]
    elif args.only == "all":
        modes = modes[1:]
    print(
        f"assay fairness --dataset adult --protected sex --max-time {args.seconds:g} "
        "(benchmark tree), one fresh process per row\n"
    )
    header = (
        f"{'mode':<22}{'IDIs':>12}{'kept':>10}{'store MB':>10}{'peak MB':>9}"
        f"{'B/IDI':>8}{'B/kept':>8}{'old B/kept':>11}{'written MB':>11}{'RSS MB':>8}{'wall s':>8}"
    )
    print(header)
    print("-" * len(header))
    with tempfile.TemporaryDirectory() as tmp:
        for name, keep in modes:
            r = run_once(args.seconds, keep, Path(tmp), args.track or 1e9)
            print(
                f"{name:<22}{r['idis']:>12,.0f}{r['kept']:>10,.0f}{r['final'] / MB:>10.1f}"
                f"{r['peak'] / MB:>9.1f}{r['final'] / max(r['idis'], 1):>8.1f}"
                f"{r['witness_bytes'] / max(r['kept'], 1):>8.1f}{r['legacy_per_kept']:>11.1f}"
                f"{r['written'] / MB:>11.0f}{r['rss_mb']:>8.0f}{r['wall']:>8.1f}",
                flush=True,
            )
            if r["peak_idis"]:
                n = r["peak_idis"]
                print(
                    f"  at the peak: {n:,} IDIs committed, {r['peak'] / n:.2f} bytes per IDI "
                    f"(the resume state {r['peak_state'] / n:.2f}: the peak may come as it is "
                    "deleted at the end)",
                    flush=True,
                )
            if r["baseline"] and r["baseline"][0]:
                keys, stored, plain = r["baseline"]
                print(
                    f"  the resume state's sets at the look before the last: {keys:,} keys, "
                    f"{stored / MB:.1f} MB as stored ({8 * stored / keys:.2f} bits a key); the "
                    f"same chunks as plain columnar blobs (before zlib: the baseline): "
                    f"{plain / MB:.1f} MB ({8 * plain / keys:.2f} bits a key); stored / "
                    f"baseline {stored / plain:.3f}",
                    flush=True,
                )
            if r["last_idis"]:
                # bytes per IDI of the resume state fall slowly as the set grows: a ceiling
                state = r["last_state"] / r["last_idis"]
                extra = r["rest_mb"]  # WAL, witnesses, free pages (largest seen at a look)
                cap = _state_cap_mb()
                at_100, at_150 = (
                    min(state * n / MB, cap) + extra if cap else state * n / MB + extra
                    for n in (100e6, 150e6)
                )
                print(
                    f"  projected from the last look ({r['last_idis']:,} IDIs, resume state "
                    f"{state:.2f} B/IDI, capped at {cap:,.0f} MB, plus at most {extra:.1f} MB of "
                    f"WAL, witnesses and free pages): {at_100:,.0f} MB for 100 M IDIs, "
                    f"{at_150:,.0f} MB for 150 M",
                    flush=True,
                )
    print(
        "\nstore MB: database + WAL at the end; peak MB: largest seen during the run (resume "
        "state included); B/IDI: store bytes per IDI found; B/kept: witness bytes per kept "
        "witness; old B/kept: the same witnesses in the np.savez encoding of schema 1 "
        "(baseline); written MB: bytes the process wrote to disk; RSS MB: the run's peak "
        "resident set (VmHWM, sampled every 0.1 s)."
    )


if __name__ == "__main__":
    main()
