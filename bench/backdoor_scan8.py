"""Why the model scan misses 8x8 digits MLPs' 3x3/4x4 targets, measured with the trigger
known (prints tables; not a test).

``bench/backdoor.py --only scan --sides 8`` names 7 of its 18 trojaned 8x8 MLPs' targets (every
2x2, one 3x3, no 4x4) and flags none of its clean models.  This script runs the same model scan
(``check_backdoor`` with clean images only, the bench's 200 clean digits, seed 0) on the same
models (``backdoor.build_models``: checkerboards at three places, seeds 11 and 12, clean models
of seeds 11, 12, ...), then asks each model directly, on held-out clean digits the scan never saw
(``clean_images[200:]``, those the model puts in another class than the one measured):

A. The planted trigger itself, at its planted place and size: its flip rate to the target,
   its lowest flip rate over source classes, and its effective pixels
   (``modelscan.effective_pixels`` on 40 held-out images) -- does the trigger reach its class
   with a patch smaller, or with fewer pixels, than the patches the scan finds for the other
   classes?  And the verdict's two numbers as they would be had the scan found the trigger:
   the target's anomaly index with the trigger's side in place of the side found, and its
   shortcut ratio with the trigger's effective pixels.
B. Where the scan's patch for the target is (overlapping the trigger's box or not): a miss of
   the search or of the verdict.
C. Statistics of each class's found patch over many held-out images rather than a minimum
   (the idea tried by branch scan47): the lower decile and the median of the class's log-odds
   margin (``log p_c - log max_{k != c} p_k``) with the patch pasted; the flip rate of random
   black/white contents in the same box ("content-free": does the place alone send images
   there, or the content?); and the scan's own flip-rate curve by side (its best rate one side
   below the side found, zero queries).  Each is set beside the same figure for the clean
   models' classes, and a rule on it (a within-model robust z) is counted over every model.

    python bench/backdoor_scan8.py --cache DIR                # 18 trojaned, 20 clean models
    python bench/backdoor_scan8.py --cache DIR --clean-models 4 --seeds 11
    python bench/backdoor_scan8.py --load scans.json          # the measurements again, no scan
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from assay.backdoor.modelscan import anomaly_index, effective_pixels, shortcut_ratio
from assay.backdoor.patches import boxes_overlap, paste

sys.path.insert(0, str(Path(__file__).resolve().parent))
import backdoor as bench  # bench/backdoor.py: the models and the scan's call

SIDE = 8  # --side
RANDOM_CONTENTS = 16  # random black/white contents per box for the content-free rate


def scan_one(d: Any, store: Path) -> dict[str, Any]:
    """The bench's model scan of one model (``backdoor.scan_summary``), its summary kept."""
    summary, cpu = bench.scan_summary(d, store)
    return {
        "class_scans": summary["class_scans"],
        "verdict": summary["verdict"],
        "cpu": cpu,
        "queries": sum(c["queries"] for c in summary["class_scans"]),
    }


def probs_of(d: Any, images: np.ndarray) -> np.ndarray:
    out: np.ndarray = d.model.predict_proba(d.spec.to_model(images))
    return out


def margins(p: np.ndarray, c: int) -> np.ndarray:
    q = np.clip(p, 1e-12, 1.0)
    rest = q.copy()
    rest[:, c] = 0.0
    out: np.ndarray = np.log(q[:, c]) - np.log(rest.max(axis=1))
    return out


def patch_figures(
    d: Any, c: int, box: list[int], content: np.ndarray, held: np.ndarray, own: np.ndarray
) -> dict[str, float]:
    """One patch for class ``c`` on the held-out images the model puts elsewhere."""
    keep = own != c
    x, src = held[keep], own[keep]
    b = (box[0], box[1], box[2], box[3])
    seen = d.clean_images[:200]
    seen = seen[probs_of(d, seen).argmax(axis=1) != c]
    m_seen = margins(probs_of(d, paste(seen, content, b)), c)
    p = probs_of(d, paste(x, content, b))
    hit = p.argmax(axis=1) == c
    lowest = min(float(hit[src == k].mean()) for k in np.unique(src))
    m = margins(p, c)
    rng = np.random.default_rng([c, *box])
    free = []
    for _ in range(RANDOM_CONTENTS):
        rc = rng.integers(0, 2, size=content.shape).astype(np.float64)
        free.append(float((probs_of(d, paste(x[:100], rc, b)).argmax(axis=1) == c).mean()))
    return {
        "flip": float(hit.mean()),
        "lowest": lowest,
        "m10": float(np.quantile(m, 0.1)),
        "m50": float(np.median(m)),
        "free": float(np.mean(free)),
        "n": len(x),
        "m10_seen": float(np.quantile(m_seen, 0.1)),
    }


def true_pixels(d: Any, trig: Any, held: np.ndarray, own: np.ndarray) -> int:
    pool = held[own != trig.target][:40]

    def scores(x: np.ndarray) -> np.ndarray:
        return probs_of(d, x)

    n, _ = effective_pixels(trig.target, trig.box, trig.content, pool, scores)
    return n


def measure(k: int, group: str, d: Any, trig: Any, scan: dict[str, Any]) -> dict[str, Any]:
    held = d.clean_images[200:]
    p_held = probs_of(d, held)
    own = p_held.argmax(axis=1)
    own_margin = float(
        np.median([margins(p_held[i : i + 1], int(own[i]))[0] for i in range(len(own))])
    )
    v = scan["verdict"]
    rows = []
    for cs in scan["class_scans"]:
        if cs["size"] is None:
            continue
        c, size = int(cs["target"]), int(cs["size"])
        content = np.asarray(cs["content"], dtype=np.float64)
        f = patch_figures(d, c, cs["box"], content, held, own)
        below = cs["rates"].get(str(size - 1))
        f.update(
            {
                "class": c,
                "size": size,
                "box": cs["box"],
                "pixels": cs.get("pixels"),
                "below": None if below is None else float(below),
                "found_rate": float(cs["flip_rate"]),
            }
        )
        rows.append(f)
    out: dict[str, Any] = {
        "k": k,
        "group": group,
        "suspects": v["suspects"],
        "index": v["anomaly_index"],
        "pixel_ratio": v.get("pixel_ratio", {}),
        "rows": rows,
        "queries": scan["queries"],
        "target": None,
        "own_margin": own_margin,
    }
    if trig is None:
        return out
    t = trig.target
    sizes = [cs["size"] for cs in scan["class_scans"]]
    top = max(v["sizes"])
    found = sizes[t]
    f = patch_figures(d, t, list(trig.box), trig.content, held, own)
    f["pixels"] = true_pixels(d, trig, held, own)
    # the verdict's numbers had the scan found the trigger at its own side and pixel count
    scores = np.asarray([s if s is not None else top + 1 for s in sizes], dtype=np.float64)
    scores[t] = min(scores[t], trig.box[2])
    pix = [cs.get("pixels") for cs in scan["class_scans"]]
    pix[t] = f["pixels"] if pix[t] is None else min(pix[t], f["pixels"])
    mine = next((r for r in rows if r["class"] == t), None)
    out.update(
        {
            "target": t,
            "trigger_box": list(trig.box),
            "found_size": found,
            "found_box": None if mine is None else mine["box"],
            "on_trigger": mine is not None and boxes_overlap(mine["box"], list(trig.box)),
            "trigger": f,
            "index_found": float(v["anomaly_index"][t]),
            "index_true": float(anomaly_index(scores)[t]),
            "ratio_found": v.get("pixel_ratio", {}).get(str(t)),
            "ratio_true": shortcut_ratio(pix, t),
            "others_sizes": [s for c, s in enumerate(sizes) if c != t],
            "others_pixels": [p for c, p in enumerate(pix) if c != t and p is not None],
        }
    )
    return out


def spread(vals: list[float]) -> str:
    if not vals:
        return "-"
    a = np.asarray(vals, dtype=np.float64)
    return f"{a.min():.2f} / {np.median(a):.2f} / {a.max():.2f} ({len(a)})"


def robust_z(vals: np.ndarray) -> np.ndarray:
    med = float(np.median(vals))
    mad = float(np.median(np.abs(vals - med)))
    out: np.ndarray = (vals - med) / (1.4826 * max(mad, 0.1 * abs(med), 1e-9))
    return out


def report(results: list[dict[str, Any]], side: int) -> None:
    troj = [r for r in results if r["target"] is not None]
    clean = [r for r in results if r["target"] is None]
    print(f"\nA/B. The planted trigger against the scan ({side}x{side}; held-out clean digits)")
    print(
        f"{'model':14} {'tgt':>3} {'named':>5}  {'trigger: flip/lowest px':24} "
        f"{'scan: side box on-trig':24} {'others sides':22} {'index found->true':18} "
        "ratio found->true"
    )
    for r in troj:
        f = r["trigger"]
        named = "yes" if r["suspects"] == [r["target"]] else "NO"
        others = "".join("-" if s is None else str(s) for s in r["others_sizes"])
        ratio_f = "-" if r["ratio_found"] is None else f"{r['ratio_found']:.2f}"
        ratio_t = "-" if r["ratio_true"] is None else f"{r['ratio_true']:.2f}"
        print(
            f"{r['group'] + ' ' + str(tuple(r['trigger_box'][:2])):14} {r['target']:>3} "
            f"{named:>5}  {f['flip']:.2f}/{f['lowest']:.2f} {f['pixels']:>2} px{'':9} "
            f"{r['found_size']!s:>2} {r['found_box']!s:14} "
            f"{'yes' if r['on_trigger'] else 'no':>4}"
            f"  {others:22} {r['index_found']:5.2f} -> {r['index_true']:5.2f}     "
            f"{ratio_f} -> {ratio_t}"
        )
    missed = [r for r in troj if r["suspects"] != [r["target"]]]
    clean_rows = [row for r in clean for row in r["rows"]]
    small = [row for row in clean_rows if row["size"] <= 3]
    counted = [row["pixels"] for row in clean_rows if row["pixels"] is not None]
    print(
        f"\nclean models: {len(clean)}; classes reached {len(clean_rows)}, at side <= 3 "
        f"{len(small)}, at side <= 2 {sum(row['size'] <= 2 for row in clean_rows)}; "
        f"effective pixels of their patches {spread(counted)}"
    )
    print(
        f"missed targets: {len(missed)}; with the trigger's own side the index would reach 2 "
        f"on {sum(r['index_true'] >= 2 for r in missed)}, with its own pixels the ratio 4 on "
        f"{sum((r['ratio_true'] or 0) >= 4 for r in missed)} (3 on "
        f"{sum((r['ratio_true'] or 0) >= 3 for r in missed)})"
    )

    print("\nC. Statistics over many held-out images, per patch (min / median / max (count))")
    groups = {
        "planted triggers": [r["trigger"] for r in troj],
        "targets, found patch": [
            row for r in troj for row in r["rows"] if row["class"] == r["target"]
        ],
        "missed targets, found": [
            row for r in missed for row in r["rows"] if row["class"] == r["target"]
        ],
        "trojaned, other classes": [
            row for r in troj for row in r["rows"] if row["class"] != r["target"]
        ],
        "clean models' classes": clean_rows,
    }
    stats = ("flip", "lowest", "m10", "m50", "free", "below")
    print(f"{'group':26} " + " ".join(f"{s:>24}" for s in stats))
    for name, rows in groups.items():
        cells = [spread([row[s] for row in rows if row.get(s) is not None]) for s in stats]
        print(f"{name:26} " + " ".join(f"{c:>24}" for c in cells))

    print("\nRules on one statistic (within-model robust z over the classes reached, >= 2):")
    for stat, sign in (("m10", 1), ("m50", 1), ("free", -1), ("below", -1), ("lowest", 1)):
        named = flagged = 0
        for r in troj:
            named += int(_rule(r, stat, sign) == [r["target"]])
        for r in clean:
            flagged += int(bool(_rule(r, stat, sign)))
        print(
            f"  {stat:7} ({'high' if sign > 0 else 'low'}): named {named}/{len(troj)}, "
            f"clean flagged {flagged}/{len(clean)}"
        )

    print("\nThe override route (classes an outlier by side; m10 on the scan's 200 images over")
    print("the model's median own margin; tried, not landed):")
    for ratio_min in (1.5, 2.0):
        for over in (0.6, 0.75, 0.9):
            routed = [(r, *override_route(r, ratio_min, over)) for r in results]
            named = sum(s == [r["target"]] for r, _, s in routed if r["target"] is not None)
            flagged = sum(bool(s) for r, _, s in routed if r["target"] is None)
            added = [f"{r['k']}:{r['group']}->{new}" for r, new, _ in routed if new]
            print(
                f"  pixel ratio >= {ratio_min}, override >= {over}: named "
                f"{sum(r['suspects'] == [r['target']] for r in troj)} -> {named} of {len(troj)}, "
                f"clean flagged {sum(bool(r['suspects']) for r in clean)} -> {flagged} of "
                f"{len(clean)}; added {', '.join(added) or 'none'}"
            )


def override_route(r: dict[str, Any], ratio_min: float, over: float) -> tuple[list[int], list[int]]:
    """The route tried and not landed: a class an outlier by side (index >= 2) that the
    verdict's checks set aside is suspected when its patch overrides the hardest tenth of the
    clean images as confidently as the model answers its own (the lower decile of its log-odds
    margin on the scan's images, over the model's median margin for its own answer on clean
    images, at least ``over``), its pixel ratio is at least ``ratio_min``, and it sends 90 %
    of held-out images and half of every source class; a new suspect needing three times the
    pixels of another is set aside (``modelscan.outshone``).  The natural-feature check is
    not modelled.  Returns the classes added and the model's suspects then."""
    new = []
    for w in r["rows"]:
        c = w["class"]
        ratio = r["pixel_ratio"].get(str(c))
        if c in r["suspects"] or r["index"][c] < 2 or ratio is None or ratio < ratio_min:
            continue
        if w["m10_seen"] / r["own_margin"] >= over and w["flip"] >= 0.9 and w["lowest"] >= 0.5:
            new.append(c)
    suspects = list(r["suspects"]) + new
    px = {w["class"]: w["pixels"] or 99 for w in r["rows"]}
    if len(suspects) > 1:
        least = min(px.get(c, 99) for c in suspects)
        suspects = [c for c in suspects if c not in new or px.get(c, 99) < 3 * least]
    return new, suspects


def _rule(r: dict[str, Any], stat: str, sign: int) -> list[int]:
    rows = [row for row in r["rows"] if row.get(stat) is not None]
    if len(rows) < 3:
        return []
    z = sign * robust_z(np.asarray([row[stat] for row in rows], dtype=np.float64))
    return [row["class"] for row, v in zip(rows, z, strict=True) if v >= 2]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cache", type=Path, help="the bench's trained models (pickles)")
    ap.add_argument("--seeds", type=int, nargs="+", default=[11, 12])
    ap.add_argument("--clean-models", type=int, default=20)
    ap.add_argument("--clean-from", type=int, default=11, help="first clean model's seed")
    ap.add_argument("--side", type=int, default=SIDE, help="image side (8, 16, 28)")
    ap.add_argument("--dump", type=Path, help="write the measurements here (JSON)")
    ap.add_argument("--load", type=Path, help="report measurements written by --dump")
    args = ap.parse_args()
    if args.load:
        report(json.loads(args.load.read_text()), args.side)
        return
    clean_seeds = list(range(args.clean_from, args.clean_from + args.clean_models))
    models = bench.build_models(args.side, args.seeds, clean_seeds, False, ["checker"], args.cache)
    tmp = Path(tempfile.mkdtemp())
    results = []
    t0 = time.perf_counter()
    for k, (group, d, trig) in enumerate(models):
        scan = scan_one(d, tmp / f"{k}.db")
        results.append(measure(k, group, d, trig, scan))
        print(
            f"  model {k + 1}/{len(models)} {group}: suspects {scan['verdict']['suspects']} "
            f"({scan['queries']:,} queries, {time.perf_counter() - t0:.0f} s)",
            flush=True,
        )
    if args.dump:
        args.dump.write_text(json.dumps(results))
    report(results, args.side)


if __name__ == "__main__":
    main()
