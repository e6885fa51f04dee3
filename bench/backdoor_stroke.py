"""The model scan's false flags on fresh seeds (prints tables; not a test): what tells a planted
trigger from the stroke a clean model takes for one.

Runs the bench's model scan (``backdoor.scan_summary``: ``check_backdoor`` with the first 200
clean digits, seed 0) on the bench's models (``backdoor.build_models``: checkerboards at three
places, ``--seeds``; clean models of seeds ``--clean-from`` on), then measures, for every class
the scan suspects and for every trojaned model's target, its patch on the same 200 clean
images (the scan's own: no image it did not have):

- dead: the share of the patch's white pixels where none of the clean images has ink (over a
  tenth of the range): a patch drawn where the digits carry no ink;
- here: at the patch's box, the best share of the clean images of other classes that random
  black/white contents send to each other class (its maximum over the other classes): a
  place from which ink reaches any class is a lever of the model, not of one class;
- free: the same for the suspected class (the content-free rate);
- moved: the patch's own content at every other place of the image: the best share sent to
  the class (a learnt trigger works at its place);
- match: the class's own clean images' mean ink at the patch's white pixels less the other
  classes' mean there.

    python bench/backdoor_stroke.py --cache DIR --side 8 --seeds 13 14 --clean-from 31 \\
        --clean-models 20 --dump s.json
    python bench/backdoor_stroke.py --cache DIR --side 16 --seeds 13 --clean-seeds 38 41 45 48
    python bench/backdoor_stroke.py --load s.json
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

from assay.backdoor.patches import paste

sys.path.insert(0, str(Path(__file__).resolve().parent))
import backdoor as bench  # bench/backdoor.py: the models and the scan's call

RANDOM_CONTENTS = 24
INK = 0.1


def probs_of(d: Any, images: np.ndarray) -> np.ndarray:
    out: np.ndarray = d.model.predict_proba(d.spec.to_model(images))
    return out


def figures(d: Any, c: int, box: list[int], content: np.ndarray) -> dict[str, Any]:
    x = d.clean_images[:200]
    own = probs_of(d, x).argmax(axis=1)
    t, left, h, w = (int(v) for v in box)
    b = (t, left, h, w)
    side = x.shape[1]
    white = content[..., 0] > 0.5
    region = x[:, t : t + h, left : left + w, 0]
    dead_px = region.max(axis=0) < INK
    dead = float(dead_px[white].mean()) if white.any() else 0.0
    pool = x[own != c][:60]
    rng = np.random.default_rng([c, *b])
    contents = [np.ones_like(content)] + [
        rng.integers(0, 2, size=content.shape).astype(np.float64) for _ in range(RANDOM_CONTENTS)
    ]
    n_cls = probs_of(d, x[:1]).shape[1]
    best = np.zeros(n_cls)
    for rc in contents:
        lab = probs_of(d, paste(x[:60], rc, b)).argmax(axis=1)
        src = own[:60]
        for k in range(n_cls):
            keep = src != k
            if keep.any():
                best[k] = max(best[k], float((lab[keep] == k).mean()))
    here = float(np.max([best[k] for k in range(n_cls) if k != c]))
    here_k = int(max((k for k in range(n_cls) if k != c), key=lambda k: best[k]))
    moved = 0.0
    moved_at: list[int] = []
    for tt in range(side - h + 1):
        for ll in range(side - w + 1):
            if abs(tt - t) < h and abs(ll - left) < w:
                continue
            r = float(
                (probs_of(d, paste(pool, content, (tt, ll, h, w))).argmax(axis=1) == c).mean()
            )
            if r > moved:
                moved, moved_at = r, [tt, ll]
    flip = float((probs_of(d, paste(pool, content, b)).argmax(axis=1) == c).mean())
    lab_c = own == c
    ink_c = float(region[lab_c][:, white].mean()) if white.any() and lab_c.any() else 0.0
    ink_o = float(region[~lab_c][:, white].mean()) if white.any() else 0.0
    return {
        "class": c,
        "box": list(b),
        "white": int(white.sum()),
        "flip": flip,
        "dead": dead,
        "here": here,
        "here_class": here_k,
        "free": float(best[c]),
        "moved": moved,
        "moved_at": moved_at,
        "match": ink_c - ink_o,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cache", type=Path)
    ap.add_argument("--seeds", type=int, nargs="*", default=[13, 14])
    ap.add_argument("--clean-models", type=int, default=20)
    ap.add_argument("--clean-from", type=int, default=31)
    ap.add_argument("--clean-seeds", type=int, nargs="*", help="these clean seeds instead")
    ap.add_argument("--side", type=int, default=8)
    ap.add_argument("--dump", type=Path)
    ap.add_argument("--load", type=Path)
    args = ap.parse_args()
    if args.load:
        report(json.loads(args.load.read_text()))
        return
    clean_seeds = list(range(args.clean_from, args.clean_from + args.clean_models))
    if args.clean_seeds is not None:
        clean_seeds = args.clean_seeds
    models = bench.build_models(args.side, args.seeds, clean_seeds, False, ["checker"], args.cache)
    tmp = Path(tempfile.mkdtemp())
    out = []
    t0 = time.perf_counter()
    for k, (group, d, trig) in enumerate(models):
        summary, _ = bench.scan_summary(d, tmp / f"{k}.db")
        v = summary["verdict"]
        scans = {int(c["target"]): c for c in summary["class_scans"]}
        target = None if trig is None else int(trig.target)
        asked = set(v["suspects"]) | ({target} if target is not None else set())
        rows = []
        for c in sorted(asked):
            cs = scans[c]
            if cs["size"] is None:
                continue
            f = figures(d, c, cs["box"], np.asarray(cs["content"], dtype=np.float64))
            f["suspect"] = c in v["suspects"]
            f["pixels"] = cs.get("pixels")
            f["ratio"] = (v.get("shortcut_ratio") or {}).get(str(c))
            rows.append(f)
        seed = clean_seeds[k - (len(models) - len(clean_seeds))] if trig is None else None
        out.append(
            {
                "side": args.side,
                "group": group,
                "seed": seed,
                "trigger": None if trig is None else list(trig.box),
                "target": target,
                "suspects": v["suspects"],
                "rows": rows,
            }
        )
        print(
            f"  model {k + 1}/{len(models)} {group}: suspects {v['suspects']} "
            f"({time.perf_counter() - t0:.0f} s)",
            flush=True,
        )
    if args.dump:
        args.dump.write_text(json.dumps(out))
    report(out)


def report(results: list[dict[str, Any]]) -> None:
    print(
        f"{'model':22} {'tgt':>3} {'cls':>3} {'susp':>4} {'box':16} {'px':>3} {'ratio':>5} "
        f"{'flip':>5} {'dead':>5} {'here':>9} {'free':>5} {'moved':>12} {'match':>6}"
    )
    for r in results:
        name = f"{r['side']} {r['group']} " + (
            str(r["trigger"][:2]) if r["trigger"] else f"s{r['seed']}"
        )
        for f in r["rows"]:
            ratio = "-" if f["ratio"] is None else f"{f['ratio']:.1f}"
            print(
                f"{name:22} {r['target']!s:>3} {f['class']:>3} {'yes' if f['suspect'] else '':>4} "
                f"{f['box']!s:16} {f['pixels']!s:>3} {ratio:>5} {f['flip']:5.2f} "
                f"{f['dead']:5.2f} {f['here']:5.2f}({f['here_class']}) {f['free']:5.2f} "
                f"{f['moved']:5.2f}{f['moved_at']!s:>7} {f['match']:6.2f}"
            )


if __name__ == "__main__":
    main()
