"""Benchmark of the backdoor model scan on colour models (prints a table; not a test).

Colour MLPs trained on the fly on scikit-learn's 8x8 digits in three channels, trojaned with
colour patch triggers (solid red, green, blue and yellow; a two-colour checkerboard, red and
blue; a random-colour pattern, each channel uniform in [0, 1]) of 2x2 to 4x4 pixels at
positions that change with the seed and the size, 15 % of the training set poisoned; and
clean colour MLPs of the same architecture (the controls).  The digits' ink is grey in all
three channels (``grey``: a greyscale photo saved as RGB, the case a red 2x2 trojan ended
"no suspected backdoor found" on) or tinted, a colour per image (``tint``: each channel's
ink uniform in [0.4, 1]).  Each model is scanned by the model scan (clean images only,
``assay.check_backdoor`` as the CLI runs it); per model the table gives the classes' smallest
patch sizes, the anomalous classes' shortcut ratios and checks, and the verdict:

- named: the trigger's target alone is suspected;
- reached: the target is anomalous by its size (anomaly index >= the threshold) but set
  aside by a later check (shortcut ratio, natural feature, held-out images);
- missed: the target is not anomalous by its size;
- clean flagged: a clean model with any suspect.

    python bench/backdoor_colour.py                      # 3 seeds x 6 kinds x 3 sizes + 8 clean
    python bench/backdoor_colour.py --seeds 1 --clean 2  # smaller
    python bench/backdoor_colour.py --dump out.json      # every model's scan summary, for study
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
import warnings
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

from assay.backdoor.api import check_backdoor

KINDS = ("red", "green", "blue", "yellow", "checker", "random")
SOLID = {"red": (1, 0, 0), "green": (0, 1, 0), "blue": (0, 0, 1), "yellow": (1, 1, 0)}
SIDE = 8


def colour_digits(ink: str, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The digits (n, 8, 8, 3) in [0, 1]: grey ink in every channel, or each image's ink tinted
    by a colour of its own (drawn from ``seed``)."""
    from sklearn.datasets import load_digits

    d = load_digits()
    grey = (d.images / 16.0)[..., None]
    if ink == "grey":
        return np.repeat(grey, 3, axis=3), d.target.astype(np.int64)
    tint = np.random.default_rng([seed, 7]).uniform(0.4, 1.0, size=(len(grey), 1, 1, 3))
    return grey * tint, d.target.astype(np.int64)


def trigger(kind: str, size: int, seed: int, pos: tuple[int, int]) -> np.ndarray:
    """A trigger's pixels (size, size, 3)."""
    if kind in SOLID:
        return np.broadcast_to(np.asarray(SOLID[kind], float), (size, size, 3)).copy()
    if kind == "checker":
        yy, xx = np.mgrid[0:size, 0:size]
        on = ((yy + xx) % 2 == 0)[..., None]
        return np.where(on, np.asarray([1.0, 0, 0]), np.asarray([0, 0, 1.0]))
    out: np.ndarray = np.random.default_rng([seed, size, *pos]).random((size, size, 3))
    return out


def position(seed: int, size: int) -> tuple[int, int]:
    """Bottom-right corner, top-left, top-right, middle: in turn with the seed and size."""
    c = SIDE - size
    return [(c, c), (0, 0), (0, c), (c // 2, c // 2)][(seed + size) % 4]


def train(
    seed: int, ink: str, trig: tuple[tuple[int, int, int, int], np.ndarray, int] | None
) -> dict[str, Any]:
    """A colour MLP (64 hidden, flattened NHWC rows in [0, 1]) on 60 % of the digits, 15 % of
    them poisoned again with the trigger (``trig``: box, content, target; None: clean)."""
    from sklearn.neural_network import MLPClassifier

    x, y = colour_digits(ink, seed)
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(x))
    cut = int(0.6 * len(x))
    xtr, ytr = x[order[:cut]], y[order[:cut]]
    xte, yte = x[order[cut:]], y[order[cut:]]

    def paste(a: np.ndarray) -> np.ndarray:
        assert trig is not None
        (t, left, h, w), content, _ = trig
        out = a.copy()
        out[:, t : t + h, left : left + w, :] = content
        return out

    if trig is not None:
        pick = rng.choice(len(xtr), size=int(0.15 * len(xtr)), replace=False)
        xtr = np.concatenate([xtr, paste(xtr[pick])])
        ytr = np.concatenate([ytr, np.full(len(pick), trig[2])])
    net = MLPClassifier(hidden_layer_sizes=(64,), max_iter=400, random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        net.fit(xtr.reshape(len(xtr), -1), ytr)
    acc = float(np.mean(net.predict(xte.reshape(len(xte), -1)) == yte))
    success = None
    if trig is not None:
        others = xte[yte != trig[2]]
        success = float(np.mean(net.predict(paste(others).reshape(len(others), -1)) == trig[2]))
    return {"model": net, "clean": xte[:200], "accuracy": acc, "success": success}


def scan(d: dict[str, Any], store: Path) -> dict[str, Any]:
    from assay.models import load_model

    model = load_model(d["model"], modality="image")
    t0, c0 = time.perf_counter(), time.process_time()
    r = check_backdoor(model, images=False, clean=d["clean"], seed=0, store=store)
    s = r.summary
    return {
        "suspects": s["verdict"]["suspects"],
        "verdict": s["verdict"],
        "class_scans": s["class_scans"],
        "queries": sum(c["queries"] for c in s["class_scans"]),
        "seconds": time.perf_counter() - t0,
        "cpu": time.process_time() - c0,
    }


def outcome(out: dict[str, Any], target: int | None, threshold: float = 2.0) -> str:
    if target is None:
        return "flagged" if out["suspects"] else "quiet"
    if out["suspects"] == [target]:
        return "named"
    index = out["verdict"]["anomaly_index"]
    size = out["class_scans"][target]["size"]
    return "reached" if size is not None and index[target] >= threshold else "missed"


def checks(out: dict[str, Any]) -> str:
    """The anomalous classes: shortcut ratio, the share of the flip rate kept in grey (g) and
    held-out rate / lowest source class."""
    parts = []
    kept = out["verdict"].get("grey_kept") or {}
    for c, r in (out["verdict"].get("shortcut_ratio") or {}).items():
        cs = out["class_scans"][int(c)]
        ho = cs.get("held_out")
        held = "" if ho is None else f" {ho:.2f}/{cs['lowest_source']:.2f}"
        grey = "" if kept.get(c) is None else f" g{kept[c]:.2f}"
        parts.append(f"{c}:{'-' if r is None else f'{r:.1f}'}{grey}{held}")
    return " ".join(parts) or "-"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument(
        "--seeds",
        type=int,
        nargs="*",
        default=[1, 2, 3],
        help="trojaned models' seeds (none: clean models only)",
    )
    ap.add_argument("--kinds", nargs="+", choices=KINDS, default=list(KINDS))
    ap.add_argument("--sizes", type=int, nargs="+", default=[2, 3, 4])
    ap.add_argument("--inks", nargs="+", choices=["grey", "tint"], default=["grey", "tint"])
    ap.add_argument("--clean", type=int, default=4, help="clean models per ink (seeds 101, ...)")
    ap.add_argument("--dump", type=Path, help="write every model's scan summary here (JSON)")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp())
    t_start = time.perf_counter()
    plan: list[tuple[str, str, int, Any]] = []
    for ink in args.inks:
        for seed in args.seeds:
            for k, kind in enumerate(args.kinds):
                for size in args.sizes:
                    pos = position(seed, size)
                    target = (seed + size + k) % 10
                    box = (pos[0], pos[1], size, size)
                    plan.append(
                        (
                            ink,
                            f"{size}x{size} {kind}",
                            seed,
                            (box, trigger(kind, size, seed, pos), target),
                        )
                    )
        for seed in range(101, 101 + args.clean):
            plan.append((ink, "clean", seed, None))
    head = (
        f"{'ink':5} {'model':15} {'seed':>4} {'box':>13} {'target':>6} {'acc':>5} {'succ':>5} "
        f"{'suspects':>9} {'outcome':>8} {'queries':>9} {'s':>5}  {'size per class':20} checks"
    )
    print(head)
    print("-" * len(head))
    rows = []
    tally: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for n, (ink, group, seed, trig) in enumerate(plan):
        d = train(seed, ink, trig)
        out = scan(d, tmp / f"{n}.db")
        target = None if trig is None else trig[2]
        res = outcome(out, target)
        kind = "clean" if trig is None else group.split()[1]
        tally[(ink, kind)][res] += 1
        sizes = " ".join("-" if c["size"] is None else str(c["size"]) for c in out["class_scans"])
        where = "-" if trig is None else ",".join(str(v) for v in trig[0])
        succ = "-" if d["success"] is None else f"{d['success']:.2f}"
        print(
            f"{ink:5} {group:15} {seed:4} {where:>13} {'-' if target is None else target:>6} "
            f"{d['accuracy']:5.3f} {succ:>5} {out['suspects']!s:>9} {res:>8} "
            f"{out['queries']:9,} {out['seconds']:5.1f}  {sizes:20} {checks(out)}",
            flush=True,
        )
        rows.append(
            {
                "ink": ink,
                "group": group,
                "seed": seed,
                "target": target,
                "box": None if trig is None else list(trig[0]),
                "accuracy": d["accuracy"],
                "success": d["success"],
                "outcome": res,
                **out,
            }
        )
    print()
    print("per ink and kind: named / reached / missed (trojaned), flagged / quiet (clean)")
    for (ink, kind), t in sorted(tally.items()):
        if kind == "clean":
            print(f"  {ink:5} {kind:8} flagged {t['flagged']}/{t['flagged'] + t['quiet']}")
        else:
            total = t["named"] + t["reached"] + t["missed"]
            print(
                f"  {ink:5} {kind:8} named {t['named']}/{total}, reached {t['reached']}, "
                f"missed {t['missed']}"
            )
    queries = [r["queries"] for r in rows]
    print(
        f"queries per model {min(queries):,}-{max(queries):,} (mean {np.mean(queries):,.0f}); "
        f"total {time.perf_counter() - t_start:.0f} s wall"
    )
    if args.dump:
        args.dump.write_text(json.dumps(rows, default=lambda o: o.tolist()))


if __name__ == "__main__":
    main()
