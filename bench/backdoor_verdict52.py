"""Verdict signals that might tell a planted trigger's patch from a class's natural patch
(prints tables; not a test).  Issue 10's 8x8 misses are lost at the verdict (bench/RESULTS.md,
scan51c); this measures three signals not measured before on every class the model scan found a
patch for, on the bench's trojaned 8x8 MLPs and their clean twins:

- **transfer** (``base_*``): the class's patch pasted on images that are no digit — the blank
  image, uniform noise, each held-out digit's pixels shuffled — and the share sent to the class
  with the patch minus without it (``lift``), and the median log-odds margin gained.  A planted
  trigger was learnt to act whatever else the image holds; a natural class patch might need a
  digit's context.
- **restarts** (``agree``, ``reach``): the patch search (``modelscan.scan_class``) run again
  ``RESTARTS`` times for the class at the found side, each on its own 40 clean images of other
  classes and its own seed; the effective pixels (``modelscan.effective_cells``, with their
  values) of each restart's patch against the scan's: mean Jaccard overlap (a trigger is one
  attractor; natural patches might vary in place and content), and the share of restarts
  reaching the scan's stopping share.
- **removal** (``k50``, ``drop``): the fewest of the patch's pixels keeping half its flip rate
  (``effective_cells`` with ``keep=0.5``) against those keeping 0.9 (the verdict's count):
  how steep the patch's pixel curve falls.

Then each signal is read against the model's other classes (robust z over the classes a patch
was found for) and against the clean twins' classes, and a few rules are counted (a target
counts only when it is the one class named; a clean model counts when any class is named).

    python bench/backdoor_verdict52.py --cache DIR --seeds 11 12 --clean-from 11 \\
        --clean-models 20 --dump tune.json
    python bench/backdoor_verdict52.py --cache DIR --seeds 13 14 --clean-from 31 \\
        --clean-models 20 --dump fresh.json
    python bench/backdoor_verdict52.py --load tune.json fresh.json
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from assay.backdoor.modelscan import effective_cells, scan_class
from assay.backdoor.patches import paste

sys.path.insert(0, str(Path(__file__).resolve().parent))
import backdoor as bench  # bench/backdoor.py: the models and the scan's call
import backdoor_scan8 as scan8  # its scan call and margins

RESTARTS = 4
BASES = 64  # images per non-digit base
POOL = 40  # as technique.SCAN_POOL
TAU = 0.95  # technique's scan_tau


class Counted:
    """The model's class probabilities on images (0..1 canonical), its queries counted."""

    def __init__(self, d: Any) -> None:
        self.d = d
        self.queries = 0

    def __call__(self, images: np.ndarray) -> np.ndarray:
        self.queries += len(images)
        return scan8.probs_of(self.d, images)


def bases(held: np.ndarray, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """The non-digit images a patch is pasted on: blank, uniform noise, shuffled digits."""
    n = min(BASES, len(held))
    shape = held.shape[1:]
    shuffled = held[:n].reshape(n, -1).copy()
    for row in shuffled:
        rng.shuffle(row)
    return {
        "blank": np.zeros((1, *shape)),
        "noise": rng.random((n, *shape)),
        "shuffled": shuffled.reshape(n, *shape),
    }


def transfer(
    probs: Counted, c: int, box: tuple[int, int, int, int], content: np.ndarray, based: Any
) -> dict[str, float]:
    out: dict[str, float] = {}
    for name, x in based.items():
        before = probs(x)
        after = probs(paste(x, content, box))
        out[f"{name}_lift"] = float(
            (after.argmax(axis=1) == c).mean() - (before.argmax(axis=1) == c).mean()
        )
        out[f"{name}_m"] = float(
            np.median(scan8.margins(after, c)) - np.median(scan8.margins(before, c))
        )
        out[f"{name}_hit"] = float((after.argmax(axis=1) == c).mean())
    return out


def cellset(
    cells: list[tuple[int, int]], box: Any, content: np.ndarray
) -> set[tuple[int, int, int]]:
    """Effective pixels with their (rounded) values: (row, column, white)."""
    t, left = int(box[0]), int(box[1])
    return {(y, x, int(content[y - t, x - left, 0] > 0.5)) for y, x in cells}


def jaccard(a: set[Any], b: set[Any]) -> float:
    return len(a & b) / max(1, len(a | b))


def class_signals(
    probs: Counted,
    c: int,
    scan: dict[str, Any],
    seen: np.ndarray,
    seen_labels: np.ndarray,
    based: Any,
    k: int,
) -> dict[str, Any]:
    box = tuple(int(v) for v in scan["box"])
    content = np.asarray(scan["content"], dtype=np.float64)
    s = box[2]
    q0 = probs.queries
    out: dict[str, Any] = {"class": c, "size": s, "pixels": scan.get("pixels")}
    out.update(transfer(probs, c, box, content, based))
    q1 = probs.queries
    others = np.flatnonzero(seen_labels != c)
    pool0 = seen[others[:POOL]]
    cells0, rate0 = effective_cells(c, box, content, pool0, probs)
    half, _ = effective_cells(c, box, content, pool0, probs, keep=0.5)
    out["k90"], out["k50"], out["pool_rate"] = len(cells0), len(half), rate0
    out["removable"] = 1.0 - len(cells0) / (s * s)
    if not RESTARTS:  # --no-restarts: no restart figures (q_restarts: the removal's queries)
        out["q_restarts"] = probs.queries - q1
        return out
    ref = cellset(cells0, box, content)
    sets, reached, places = [], 0, []
    for r in range(RESTARTS):
        rng = np.random.default_rng([52, k, c, r])
        pool = seen[rng.permutation(others)[:POOL]]
        found = scan_class(c, pool, probs, rng, [s], tau=TAU)
        reached += int(found.size is not None)
        cells, _ = effective_cells(c, found.box, found.content, pool, probs)
        sets.append(cellset(cells, found.box, found.content))
        places.append(list(found.box))
    out["agree"] = float(np.mean([jaccard(ref, x) for x in sets]))
    out["agree_any"] = float(
        np.mean([jaccard({p[:2] for p in ref}, {p[:2] for p in x}) for x in sets])
    )
    out["reach"] = reached / RESTARTS
    out["places"] = places
    out["q_transfer"] = q1 - q0
    out["q_restarts"] = probs.queries - q1
    return out


def own_kept(
    probs: Counted, c: int, cs: dict[str, Any], held: np.ndarray, held_labels: np.ndarray
) -> dict[str, float]:
    """The class's patch on held-out digits of other classes: the share sent there whose
    runner-up is still the digit's own class (``second_own``), and the median log-probability
    the own class loses (``own_drop``).  A learnt trigger adds its class's evidence and leaves
    the digit's own beside it; a patch drawing the class's shape might take it away."""
    box = tuple(int(v) for v in cs["box"])
    content = np.asarray(cs["content"], dtype=np.float64)
    keep = held_labels != c
    x, own = held[keep][:200], held_labels[keep][:200]
    before = probs(x)
    after = probs(paste(x, content, box))
    order = np.argsort(-after, axis=1)
    sent = order[:, 0] == c
    idx = np.arange(len(x))
    drop = np.log(np.clip(before[idx, own], 1e-12, 1)) - np.log(np.clip(after[idx, own], 1e-12, 1))
    return {
        "second_own": float((order[sent, 1] == own[sent]).mean()) if sent.any() else 0.0,
        "own_drop": float(np.median(drop)),
    }


def dominance(
    probs: Counted,
    cs: dict[str, Any],
    found: list[dict[str, Any]],
    held: np.ndarray,
    held_labels: np.ndarray,
) -> float:
    """The class's patch pasted together with each other found class's patch (each order, the
    later one on top) on held-out digits of neither class: the share sent to the class minus
    the share sent to the other, averaged.  A planted trigger learnt to override any digit;
    does it override another class's natural patch too?"""
    c = int(cs["target"])
    box = tuple(int(v) for v in cs["box"])
    content = np.asarray(cs["content"], dtype=np.float64)
    duels = []
    for other in found:
        o = int(other["target"])
        if o == c:
            continue
        obox = tuple(int(v) for v in other["box"])
        ocontent = np.asarray(other["content"], dtype=np.float64)
        x = held[(held_labels != c) & (held_labels != o)][:BASES]
        for first, second in (
            ((obox, ocontent), (box, content)),
            ((box, content), (obox, ocontent)),
        ):
            y = paste(paste(x, first[1], first[0]), second[1], second[0])
            got = probs(y).argmax(axis=1)
            duels.append(float((got == c).mean() - (got == o).mean()))
    return float(np.mean(duels)) if duels else 0.0


def measure(
    group: str, seed: int, d: Any, trig: Any, scan: dict[str, Any], k: int
) -> dict[str, Any]:
    probs = Counted(d)
    seen = d.clean_images[:200]
    seen_labels = probs(seen).argmax(axis=1)
    held = d.clean_images[200:]
    rng = np.random.default_rng([52, k])
    based = bases(held, rng)
    rows = []
    found = [cs for cs in scan["class_scans"] if cs["size"] is not None]
    for cs in found:
        rows.append(class_signals(probs, int(cs["target"]), cs, seen, seen_labels, based, k))
    held_labels = probs(held).argmax(axis=1)
    for row, cs in zip(rows, found, strict=True):
        q0 = probs.queries
        row["dominance"] = dominance(probs, cs, found, held, held_labels)
        row["q_dominance"] = probs.queries - q0
        q0 = probs.queries
        row.update(own_kept(probs, row["class"], cs, held, held_labels))
        row["q_own"] = probs.queries - q0
    v = scan["verdict"]
    return {
        "group": group,
        "seed": seed,
        "target": None if trig is None else int(trig.target),
        "trigger_box": None if trig is None else list(trig.box),
        "suspects": v["suspects"],
        "index": v["anomaly_index"],
        "pixel_ratio": v.get("pixel_ratio", {}),
        "shortcut_ratio": v.get("shortcut_ratio", {}),
        "rows": rows,
        "scan_queries": scan["queries"],
        "extra_queries": probs.queries,
    }


SIGNALS = (
    "blank_lift",
    "blank_m",
    "noise_lift",
    "noise_m",
    "shuffled_lift",
    "shuffled_m",
    "agree",
    "agree_any",
    "reach",
    "place",
    "k50",
    "k90",
    "removable",
    "dominance",
    "second_own",
    "own_drop",
)


def robust_z(vals: np.ndarray) -> np.ndarray:
    med = np.median(vals)
    mad = np.median(np.abs(vals - med)) * 1.4826
    out: np.ndarray = (vals - med) / max(mad, 1e-3)
    return out


spread = scan8.spread  # min / median / max (n)


def groups(results: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """The classes by kind: targets the scan named, targets it missed, the trojaned models'
    other classes, the clean models' classes, the clean models' flagged classes."""
    out: dict[str, list[dict[str, Any]]] = {
        "target named": [],
        "target missed": [],
        "trojaned, other": [],
        "clean": [],
        "clean, flagged": [],
    }
    for r in results:
        for row in r["rows"]:
            c = row["class"]
            if r["target"] is None:
                out["clean, flagged" if c in r["suspects"] else "clean"].append(row)
            elif c == r["target"]:
                out["target named" if r["suspects"] == [c] else "target missed"].append(row)
            else:
                out["trojaned, other"].append(row)
    return out


def box_iou(a: list[int], b: list[int]) -> float:
    """Intersection over union of two boxes (top, left, height, width)."""
    rows = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    cols = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    inter = max(rows, 0) * max(cols, 0)
    return inter / (a[2] * a[3] + b[2] * b[3] - inter)


def derive(results: list[dict[str, Any]]) -> None:
    """Signals read from the dump: ``place``, the restarts' boxes' mean pairwise overlap (do
    the restarts land at one place, whatever pixels they keep there?)."""
    for r in results:
        for row in r["rows"]:
            places = row.get("places") or []
            pairs = [box_iou(a, b) for i, a in enumerate(places) for b in places[i + 1 :]]
            row["place"] = float(np.mean(pairs)) if pairs else float("nan")


LOWER = ("k50", "k90", "own_drop")  # signals a trigger would have lower than natural patches


def with_z(results: list[dict[str, Any]]) -> None:
    """Each row's robust z of each signal among its model's classes (``z_SIGNAL``) and its lead
    over the best other class (``gap_SIGNAL``), both turned so that higher is more trigger-like
    (a signal in ``LOWER`` negated first)."""
    derive(results)
    for r in results:
        if not r["rows"]:
            continue
        for sig in SIGNALS:
            vals = np.asarray([row.get(sig, np.nan) for row in r["rows"]], dtype=np.float64)
            if sig in LOWER:
                vals = -vals
            for row, z in zip(r["rows"], robust_z(vals), strict=True):
                row[f"z_{sig}"] = float(z)
            for i, row in enumerate(r["rows"]):
                rest = np.delete(vals, i)
                row[f"gap_{sig}"] = float(vals[i] - rest.max()) if len(rest) else float("nan")


Rule = Callable[[dict[str, Any]], list[int]]


def counted(results: list[dict[str, Any]], rule: Rule) -> str:
    tro = [r for r in results if r["target"] is not None]
    clean = [r for r in results if r["target"] is None]
    named = sum(rule(r) == [r["target"]] for r in tro)
    flagged = sum(bool(rule(r)) for r in clean)
    return f"{named}/{len(tro)}, {flagged}/{len(clean)}"


def main_rule(r: dict[str, Any]) -> list[int]:
    out: list[int] = r["suspects"]
    return out


def route(sig: str, least: float, how: str = "z") -> Rule:
    """The scan's suspects plus every class whose signal stands out (``how`` "z": robust z
    among the model's classes; "gap": beyond the best other class by ``least``)."""

    def rule(r: dict[str, Any]) -> list[int]:
        more = [
            row["class"]
            for row in r["rows"]
            if len(r["rows"]) >= 3 and row.get(f"{how}_{sig}", float("nan")) >= least
        ]
        return sorted(set(r["suspects"]) | set(more))

    return rule


def report(results: list[dict[str, Any]], name: str) -> None:
    with_z(results)
    g = groups(results)
    print(f"\n{name}: per-class signals, min / median / max (n); z and gap as read by the rules")
    for sig in SIGNALS:
        print(f"  {sig}{' (negated for z and gap)' if sig in LOWER else ''}")
        for kind, rows in g.items():
            z = [x.get("z_" + sig, np.nan) for x in rows]
            gap = [x.get("gap_" + sig, np.nan) for x in rows]
            print(
                f"    {kind:16} {spread([x.get(sig, np.nan) for x in rows]):30} z {spread(z):32} "
                f"gap {spread([v for v in gap if v == v])}"
            )
    print(f"\n{name}: rules, named / clean flagged (main: {counted(results, main_rule)})")
    for sig in SIGNALS:
        for how, levels in (("z", (2.0, 3.0, 4.0)), ("gap", (0.1, 0.2, 0.3, 0.5))):
            parts = [f"{lv}: {counted(results, route(sig, lv, how))}" for lv in levels]
            print(f"  {sig:14} {how:4} " + "; ".join(parts))
    q = [r["scan_queries"] for r in results]
    e = [r["extra_queries"] for r in results]
    print(f"\n{name}: scan queries per model {spread(q)}; these signals' queries {spread(e)}")


def both(a: Rule, b: Rule) -> Rule:
    """The scan's suspects plus the classes both routes add."""

    def rule(r: dict[str, Any]) -> list[int]:
        return sorted(set(r["suspects"]) | (set(a(r)) & set(b(r))))

    return rule


def combos(sets: list[list[dict[str, Any]]]) -> None:
    """Every pair of single routes (each signal by gap at 0.1-0.5 or z at 2-4) asked together:
    the pairs naming more targets than main on every set while flagging no more clean models
    (chosen over many pairs: a lead to measure on more seeds, not a rule)."""
    for results in sets:
        with_z(results)
    singles = [
        (f"{sig} {how}>={lv}", route(sig, lv, how))
        for sig in SIGNALS
        for how, levels in (("z", (2.0, 3.0, 4.0)), ("gap", (0.1, 0.2, 0.3, 0.5)))
        for lv in levels
    ]
    base = [counted(results, main_rule) for results in sets]
    print(f"\npairs of routes better than main ({' | '.join(base)}) on every set:")
    shown = 0
    for i, (na, a) in enumerate(singles):
        for nb, b in singles[i + 1 :]:
            if na.split()[0] == nb.split()[0]:
                continue
            counts = [counted(results, both(a, b)) for results in sets]
            better = True
            for got, was in zip(counts, base, strict=True):
                (n1, _), (f1, _) = (x.split("/") for x in got.split(", "))
                (n0, _), (f0, _) = (x.split("/") for x in was.split(", "))
                better &= int(n1) > int(n0) and int(f1) <= int(f0)
            if better:
                shown += 1
                print(f"  {na} AND {nb}: {' | '.join(counts)}")
    print(f"  ({shown} of {len(singles) * (len(singles) - 1) // 2} pairs)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cache", type=Path)
    ap.add_argument("--seeds", type=int, nargs="*", default=[11, 12])
    ap.add_argument("--clean-from", type=int, default=11)
    ap.add_argument("--clean-models", type=int, default=20)
    ap.add_argument("--dump", type=Path)
    ap.add_argument("--load", type=Path, nargs="+")
    ap.add_argument("--combos", action="store_true", help="with --load: pairs of routes")
    ap.add_argument("--no-restarts", action="store_true", help="skip the restarts")
    args = ap.parse_args()
    if args.load:
        sets = [json.loads(path.read_text()) for path in args.load]
        for path, results in zip(args.load, sets, strict=True):
            report(results, str(path))
        if args.combos:
            combos(sets)
        return
    if args.no_restarts:
        global RESTARTS
        RESTARTS = 0
    clean_seeds = list(range(args.clean_from, args.clean_from + args.clean_models))
    models = bench.build_models(8, args.seeds, clean_seeds, False, ["checker"], args.cache)
    results = []
    t0 = time.time()
    with tempfile.TemporaryDirectory() as tmp:
        for k, (group, d, trig) in enumerate(models):
            scan = scan8.scan_one(d, Path(tmp) / f"s{k}.db")
            seed = args.seeds[k // 9] if trig is not None else clean_seeds[k - 9 * len(args.seeds)]
            results.append(measure(group, seed, d, trig, scan, k))
            print(
                f"  {k + 1}/{len(models)} {group} seed {seed} {time.time() - t0:.0f} s", flush=True
            )
    if args.dump:
        args.dump.write_text(json.dumps(results))
    report(results, "8x8")


if __name__ == "__main__":
    main()
