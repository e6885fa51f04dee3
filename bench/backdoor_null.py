"""The model scan's verdict against each model's own null (prints tables; not a test): does a
class's found patch send held-out clean digits there far beyond what natural ink of the same
size does, in the same model?

Runs the bench's model scan (``backdoor.scan_summary``: ``check_backdoor`` with the first 200
clean digits, seed 0) on the bench's models (``backdoor.build_models``: checkerboards at three
places, ``--seeds``; clean models of seeds ``--clean-from`` on), then, for every class a patch
was found for, asks the model on the held-out digits the scan never saw
(``clean_images[200:]``, those the model puts in another class):

- flip: the found patch at its box (its held-out flip rate);
- here: ``NULLS`` patches of the found size cut from the scan's own clean images (other
  classes, random places) pasted at the found box: the mean and the 90th percentile of their
  flip rates to the class (natural ink at the place);
- any: the same natural patches pasted at random places (the class's ease from natural ink
  anywhere: the per-class null);
- dose: the least ink level (the patch's white pixels at ``a`` in 0.05 steps) at which the
  patch sends half the held-out digits there (a learnt trigger's weights are trained, a
  stroke on pixels no clean digit inks has its weights as initialised);
- m50: the median log-odds margin with the patch, and the same for the place's best natural
  patch (``here_m50``).

Then counts a few verdict rules on them (the scan's suspects kept or cleared; the anomalous
classes set aside named), separately on the seeds a rule is chosen on and on fresh ones.

    python bench/backdoor_null.py --cache DIR --side 8 --seeds 11 12 --clean-from 11 \\
        --clean-models 20 --dump tune8.json
    python bench/backdoor_null.py --cache DIR --side 8 --seeds 13 14 --clean-from 31 \\
        --clean-models 20 --dump fresh8.json
    python bench/backdoor_null.py --load tune8.json fresh8.json
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

from assay.backdoor.patches import paste

sys.path.insert(0, str(Path(__file__).resolve().parent))
import backdoor as bench  # bench/backdoor.py: the models and the scan's call
import backdoor_scan8 as scan8  # its scan call and margins

NULLS = 48
DOSES = np.round(np.arange(0.05, 1.0001, 0.05), 2)


def natural_patches(
    seen: np.ndarray, labels: np.ndarray, c: int, s: int, rng: np.random.Generator
) -> list[np.ndarray]:
    """``NULLS`` patches of side ``s`` cut from the scan's clean images of other classes, at
    random places holding some ink (a patch of background tells nothing)."""
    pool = seen[labels != c]
    out: list[np.ndarray] = []
    side = seen.shape[1]
    tries = 0
    while len(out) < NULLS and tries < 50 * NULLS:
        tries += 1
        img = pool[int(rng.integers(0, len(pool)))]
        t, left = (int(v) for v in rng.integers(0, side - s + 1, size=2))
        cut = img[t : t + s, left : left + s]
        if cut.max() > 0.1:
            out.append(cut.copy())
    return out


def class_figures(
    d: Any, c: int, box: list[int], content: np.ndarray, held: np.ndarray, own: np.ndarray
) -> dict[str, Any]:
    x = held[own != c][:200]
    b = (int(box[0]), int(box[1]), int(box[2]), int(box[3]))
    s = b[2]
    side = x.shape[1]
    p = scan8.probs_of(d, paste(x, content, b))
    flip = float((p.argmax(axis=1) == c).mean())
    after = scan8.margins(p, c)
    m50 = float(np.median(after))
    # a lever adds to each image's own margin for the class; a gate overrides it
    before = scan8.margins(scan8.probs_of(d, x), c)
    slope = float(np.polyfit(before, after, 1)[0])
    corr = float(np.corrcoef(before, after)[0, 1])
    spread_ratio = float(np.std(after) / max(np.std(before), 1e-9))
    seen = d.clean_images[:200]
    labels = scan8.probs_of(d, seen).argmax(axis=1)
    rng = np.random.default_rng([c, *b])
    nat = natural_patches(seen, labels, c, s, rng)
    xs = x[:100]
    here, here_m = [], []
    anyw = []
    for cut in nat:
        q = scan8.probs_of(d, paste(xs, cut, b))
        here.append(float((q.argmax(axis=1) == c).mean()))
        here_m.append(float(np.median(scan8.margins(q, c))))
        t, left = (int(v) for v in rng.integers(0, side - s + 1, size=2))
        q2 = scan8.probs_of(d, paste(xs, cut, (t, left, s, s)))
        anyw.append(float((q2.argmax(axis=1) == c).mean()))
    dose = None
    for a in DOSES:
        q = scan8.probs_of(d, paste(xs, content * a, b))
        if (q.argmax(axis=1) == c).mean() >= 0.5:
            dose = float(a)
            break
    h = np.asarray(here or [0.0])
    w = np.asarray(anyw or [0.0])
    return {
        "class": c,
        "size": s,
        "box": list(b),
        "flip": flip,
        "m50": m50,
        "slope": slope,
        "corr": corr,
        "spread_ratio": spread_ratio,
        "content": np.asarray(content).tolist(),
        "here_mean": float(h.mean()),
        "here_p90": float(np.quantile(h, 0.9)),
        "here_max": float(h.max()),
        "here_m50_max": float(max(here_m or [-99.0])),
        "any_mean": float(w.mean()),
        "any_p90": float(np.quantile(w, 0.9)),
        "dose": dose,
        "nulls": len(nat),
    }


def measure(group: str, seed: int, d: Any, trig: Any, scan: dict[str, Any]) -> dict[str, Any]:
    held = d.clean_images[200:]
    own = scan8.probs_of(d, held).argmax(axis=1)
    v = scan["verdict"]
    rows = []
    for cs in scan["class_scans"]:
        if cs["size"] is None:
            continue
        c = int(cs["target"])
        f = class_figures(d, c, cs["box"], np.asarray(cs["content"]), held, own)
        f["pixels"] = cs.get("pixels")
        f["scan_size"] = int(cs["size"])
        rows.append(f)
    trigger = None
    if trig is not None:
        trigger = class_figures(d, trig.target, list(trig.box), trig.content, held, own)
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
        "trigger": trigger,
        "queries": scan["queries"],
    }


def spread(vals: list[float]) -> str:
    if not vals:
        return "-"
    a = np.asarray(vals, dtype=np.float64)
    return f"{a.min():.2f} / {np.median(a):.2f} / {a.max():.2f} ({len(a)})"


COLS = (
    "flip",
    "m50",
    "here_mean",
    "here_p90",
    "any_mean",
    "dose",
    "slope",
    "corr",
    "spread_ratio",
)


def excess(row: dict[str, Any], null: str) -> float:
    """The found patch's held-out flip rate beyond the null's (``here_p90``, ...)."""
    return float(row["flip"]) - float(row[null])


def pixel_pushes(d: Any, c: int, box: list[int], content: Any, x: np.ndarray) -> dict[str, Any]:
    """Each white pixel of a patch pasted alone on ``x``: how far it moves the class's
    log-probability past the other classes' best (mean over ``x``), and how alike the white
    pixels move the other classes (mean pairwise cosine of their mean log-probability changes,
    the common shift taken out).  A trained trigger's white pixels share one learnt update (they
    are inked together in every poisoned image); a stroke on never-inked pixels carries its
    pixels' weights as initialised, each its own way."""
    t, left, h, w = (int(v) for v in box)
    cells = np.asarray(content, dtype=np.float64)
    white = [(i, j) for i in range(h) for j in range(w) if cells[i, j, 0] > 0.5]
    if len(white) < 2:
        return {"n_white": len(white)}

    def logp(images: np.ndarray) -> np.ndarray:
        out: np.ndarray = np.log(np.clip(scan8.probs_of(d, images), 1e-12, 1.0))
        return out

    base = logp(x).mean(axis=0)
    moves = []
    for i, j in white:
        y = x.copy()
        y[:, t + i, left + j, 0] = 1.0
        moves.append(logp(y).mean(axis=0) - base)
    v = np.asarray(moves)
    rest = np.delete(v, c, axis=1)
    push = v[:, c] - rest.max(axis=1)
    rest = rest - rest.mean(axis=1, keepdims=True)
    unit = rest / np.maximum(np.linalg.norm(rest, axis=1, keepdims=True), 1e-12)
    k = len(unit)
    cos = float(((unit @ unit.T).sum() - k) / (k * (k - 1)))
    return {
        "n_white": k,
        "pushing": float((push > 0).mean()),
        "second_push": float(np.sort(push)[::-1][1]),
        "cosine": cos,
    }


def profiles(results: list[dict[str, Any]], args: argparse.Namespace) -> None:
    """``pixel_pushes`` of every found patch (and every planted trigger) of a dump's models
    (``--load`` with the ``--cache``, ``--side``, ``--seeds`` and ``--clean-from`` it was made
    with)."""
    clean_seeds = list(range(args.clean_from, args.clean_from + args.clean_models))
    models = bench.build_models(args.side, args.seeds, clean_seeds, False, ["checker"], args.cache)
    groups: dict[str, list[dict[str, Any]]] = {}
    for (_, d, trig), r in zip(models, results, strict=True):
        held = d.clean_images[200:]
        own = scan8.probs_of(d, held).argmax(axis=1)
        for row in r["rows"]:
            c = row["class"]
            f = pixel_pushes(d, c, row["box"], row["content"], held[own != c][:100])
            groups.setdefault(group_of(r, c), []).append(f)
        if trig is not None:
            x = held[own != trig.target][:100]
            f = pixel_pushes(d, trig.target, list(trig.box), trig.content, x)
            groups.setdefault("planted triggers themselves", []).append(f)
    print(f"\n{'single-pixel pushes':42} {'pushing':>22} {'second_push':>22} {'cosine':>22}")
    for g, rows in groups.items():
        cells = [
            f"{spread([float(x[k]) for x in rows if k in x]):>22}"
            for k in ("pushing", "second_push", "cosine")
        ]
        print(f"{g:42} " + " ".join(cells))


def robust_z(vals: list[float]) -> np.ndarray:
    v = np.asarray(vals, dtype=np.float64)
    med = float(np.median(v))
    mad = float(np.median(np.abs(v - med)))
    out: np.ndarray = (v - med) / (1.4826 * max(mad, 0.1 * abs(med), 1e-9))
    return out


Rule = Callable[[dict[str, Any]], list[int]]


def counted(results: list[dict[str, Any]], rule: Rule) -> str:
    """Targets named alone and clean models flagged under ``rule`` (a model's suspects)."""
    named = flagged = n_troj = n_clean = 0
    for r in results:
        said = rule(r)
        if r["target"] is None:
            n_clean += 1
            flagged += bool(said)
        else:
            n_troj += 1
            named += said == [r["target"]]
    return f"named {named}/{n_troj}, clean flagged {flagged}/{n_clean}"


def gate(null: str, least: float) -> Rule:
    """The scan's suspects kept only where the found patch's held-out flip rate exceeds the
    natural patches' at its box (``null``) by ``least``: the two-stage verdict."""

    def rule(r: dict[str, Any]) -> list[int]:
        rows = {x["class"]: x for x in r["rows"]}
        return [c for c in r["suspects"] if c in rows and excess(rows[c], null) >= least]

    return rule


def route(stat: Callable[[dict[str, Any]], float], least: float) -> Rule:
    """The scan's suspects, and every class whose ``stat`` has a robust z of ``least`` or more
    over the classes a patch was found for (the model judged against itself)."""

    def rule(r: dict[str, Any]) -> list[int]:
        rows = r["rows"]
        if len(rows) < 3:
            return list(r["suspects"])
        z = robust_z([stat(x) for x in rows])
        more = [x["class"] for x, zz in zip(rows, z, strict=True) if zz >= least]
        return sorted(set(r["suspects"]) | set(more))

    return rule


STATS: dict[str, Callable[[dict[str, Any]], float]] = {
    "flip - here_p90": lambda x: excess(x, "here_p90"),
    "-here_mean": lambda x: -float(x["here_mean"]),
    "-any_mean": lambda x: -float(x["any_mean"]),
    "-slope": lambda x: -float(x["slope"]),
    "-dose": lambda x: -float(x["dose"] or 1.0),
    "m50": lambda x: float(x["m50"]),
}


def rules(results: list[dict[str, Any]]) -> None:
    print("\nrules (a target counts when it is the only class said)")
    print(f"  main's verdict: {counted(results, lambda r: list(r['suspects']))}")
    for null in ("here_p90", "here_mean", "here_max"):
        for least in (0.05, 0.1, 0.2, 0.3):
            print(f"  gate flip - {null} >= {least}: {counted(results, gate(null, least))}")
    for name, stat in STATS.items():
        for least in (2.0, 3.0):
            print(f"  route z({name}) >= {least}: {counted(results, route(stat, least))}")


def group_of(r: dict[str, Any], c: int) -> str:
    if r["target"] is None:
        return (
            "suspects of clean models (false flags)"
            if c in r["suspects"]
            else "clean models, other classes"
        )
    if c == r["target"]:
        return "targets named" if c in r["suspects"] else "targets missed (found patch)"
    return "trojaned, other classes"


def report(results: list[dict[str, Any]], name: str) -> None:
    print(f"\n== {name}: {len(results)} models")
    groups: dict[str, list[dict[str, Any]]] = {
        "suspects of clean models (false flags)": [],
        "targets named": [],
        "targets missed (found patch)": [],
        "trojaned, other classes": [],
        "clean models, other classes": [],
        "planted triggers themselves": [],
    }
    for r in results:
        for row in r["rows"]:
            groups[group_of(r, row["class"])].append(row)
        if r["trigger"] is not None:
            groups["planted triggers themselves"].append(r["trigger"])
    print(f"{'group':42} " + " ".join(f"{c:>22}" for c in COLS))
    for g, rows in groups.items():
        cells = []
        for col in COLS:
            vals = [float(x[col]) for x in rows if x.get(col) is not None]
            cells.append(f"{spread(vals):>22}")
        print(f"{g:42} " + " ".join(cells))
    for g in (
        "suspects of clean models (false flags)",
        "targets named",
        "targets missed (found patch)",
    ):
        for row in groups[g]:
            print(
                f"  {g[:14]:14} class {row['class']} box {row['box']} flip {row['flip']:.2f} "
                f"m50 {row['m50']:.1f} here {row['here_mean']:.2f}/{row['here_p90']:.2f}/"
                f"{row['here_max']:.2f} any {row['any_mean']:.2f}/{row['any_p90']:.2f} "
                f"dose {row['dose']} px {row['pixels']} slope {row.get('slope', 0):.2f} "
                f"corr {row.get('corr', 0):.2f} spread {row.get('spread_ratio', 0):.2f}"
            )
    rules(results)


def rare_ink(args: argparse.Namespace) -> None:
    """Where the 8x8 false flags' '1' stroke comes from: the digits of the whole set that ink
    pixels (2, 0) or (3, 0) at all, whether each clean model (``--clean-from``,
    ``--clean-models``) was trained on them (absent from its held-out images), and how far one
    white pixel there moves its held-out digits of other classes towards '1'."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    ink = digits.images / 16.0
    rare = np.flatnonzero((ink[:, 2, 0] > 0) | (ink[:, 3, 0] > 0))
    shown = [f"#{i} a {digits.target[i]} ({ink[i, 2, 0]:.2f}, {ink[i, 3, 0]:.2f})" for i in rare]
    print("digits inking (2, 0) or (3, 0): " + ", ".join(shown))
    seeds = list(range(args.clean_from, args.clean_from + args.clean_models))
    models = bench.build_models(8, [], seeds, False, ["checker"], args.cache)
    for (_, d, _), seed in zip(models, seeds, strict=True):
        held = d.clean_images.reshape(len(d.clean_images), -1)
        trained = [not bool((held == ink[i].reshape(1, -1)).all(axis=1).any()) for i in rare]
        x = d.clean_images[200:]
        x = x[scan8.probs_of(d, x).argmax(axis=1) != 1][:100]
        base = np.log(np.clip(scan8.probs_of(d, x), 1e-12, 1.0)).mean(axis=0)
        pushes = []
        for row in (2, 3):
            y = x.copy()
            y[:, row, 0, 0] = 1.0
            moved = np.log(np.clip(scan8.probs_of(d, y), 1e-12, 1.0)).mean(axis=0) - base
            pushes.append(float(moved[1] - np.delete(moved, 1).max()))
        said = " ".join(
            f"#{i}:{'trained' if t else 'held out'}" for i, t in zip(rare, trained, strict=True)
        )
        print(
            f"  clean seed {seed}: {said}; push to '1' at (2,0), (3,0): "
            f"{pushes[0]:.1f}, {pushes[1]:.1f}"
        )


def erase_rare(most: int) -> None:
    """Train every model of this run on the digits with the ink of pixels that at most
    ``most`` of the 1,797 digits ink erased (at 8x8, before upsampling; ``--erase-rare``): the
    faint border ink of a few digits (#1264's 0.12 at (2, 0)) that the clean models' '1' and
    '8' shortcuts are learnt from.  A bench variant to read beside the default, never instead."""
    from assay.backdoor import demo

    def digits(side: int = 8) -> tuple[np.ndarray, np.ndarray]:
        from sklearn.datasets import load_digits

        d = load_digits()
        ink = d.images / 16.0
        rare = (ink > 0).sum(axis=0) <= most
        ink[:, rare] = 0.0
        images = demo._upsample(ink[..., None], side)
        return images.astype(np.float64), d.target.astype(np.int64)

    demo._digits = digits  # type: ignore[assignment]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cache", type=Path)
    ap.add_argument("--side", type=int, default=8)
    ap.add_argument("--seeds", type=int, nargs="*", default=[11, 12])
    ap.add_argument("--clean-from", type=int, default=11)
    ap.add_argument("--clean-models", type=int, default=20)
    ap.add_argument("--dump", type=Path)
    ap.add_argument("--load", type=Path, nargs="+")
    ap.add_argument(
        "--profiles", action="store_true", help="with --load: single-pixel pushes (the models)"
    )
    ap.add_argument(
        "--rare-ink", action="store_true", help="the 8x8 '1' stroke's training digits (no scan)"
    )
    ap.add_argument(
        "--erase-rare",
        type=int,
        metavar="K",
        help="train on the digits with pixels inked by at most K digits erased (own --cache)",
    )
    args = ap.parse_args()
    if args.erase_rare is not None:
        erase_rare(args.erase_rare)
    if args.rare_ink:
        rare_ink(args)
        return
    if args.load:
        for path in args.load:
            loaded = json.loads(path.read_text())
            report(loaded, str(path))
            if args.profiles:
                profiles(loaded, args)
        return
    clean_seeds = list(range(args.clean_from, args.clean_from + args.clean_models))
    models = bench.build_models(args.side, args.seeds, clean_seeds, False, ["checker"], args.cache)
    results = []
    t0 = time.time()
    with tempfile.TemporaryDirectory() as tmp:
        for k, (group, d, trig) in enumerate(models):
            scan = scan8.scan_one(d, Path(tmp) / f"s{k}.db")
            seed = args.seeds[k // 9] if trig is not None else clean_seeds[k - 9 * len(args.seeds)]
            results.append(measure(group, seed, d, trig, scan))
            print(
                f"  {k + 1}/{len(models)} {group} seed {seed} {time.time() - t0:.0f} s", flush=True
            )
    if args.dump:
        args.dump.write_text(json.dumps(results))
    report(results, f"{args.side}x{args.side}")


if __name__ == "__main__":
    main()
