"""B3D (Dong et al., ICCV 2021) as a model scan beside main's, on the bench's digits models
(prints a table; not a test).

Per class ``c``: a soft mask ``m = sigmoid(a)`` in [0, 1]^(H x W) and a pattern
``p = sigmoid(b)`` in [0, 1]^(H x W x C) (logits ``a``, ``b``), the stamped image
``(1 - m) x + m p``; minimised: the mean cross-entropy of class ``c`` over clean images the model
puts elsewhere plus ``lam * |m|_1``.  The cross-entropy's gradient is estimated from the
model's probabilities only (NES: ``PAIRS`` antithetic Gaussian perturbations of the logits, one
batch of images per step, Adam); the ``|m|_1`` term's gradient is exact (it asks the model
nothing).  ``lam`` adapts as in Neural Cleanse: 0 until the attack first succeeds on 90 % of
the step's images, then raised 1.5x after ``PATIENCE`` steps at or above 0.9 and lowered
1.5^1.5x after ``PATIENCE`` below.  A class's score is the smallest ``|m|_1`` seen with the
step's success >= 0.9 (its final mask's where none is); classes whose score is an outlier low
(anomaly index = (median - score) / (1.4826 MAD) > ``--index``, 2 as Neural Cleanse) are named.

Main's verdict is read from scan52b's dumps (``--main``: the wired runs' ``suspects`` less the
route's, main's own verdict, with main's scan queries), matched by model name.  A target counts
as named when it is the one class named; a clean model as flagged when any class is.

    python bench/backdoor_b3d53.py --cache /work/scratch/scan52/cache --side 8 --seeds 11 12 \\
        --clean-from 11 --clean-models 20 --main /work/scratch/scan52b/w8_tune.json --dump t.json
    python bench/backdoor_b3d53.py --load t.json ...
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent))
import backdoor as bench  # bench/backdoor.py: the models
import backdoor_verdict52b as v52b  # probabilities of a bench model, counted

THRESHOLD = 0.9  # attack success kept while |m|_1 is pushed down
PATIENCE = 5


def anomaly(scores: np.ndarray) -> np.ndarray:
    """Neural Cleanse's anomaly index: (median - score) / (1.4826 MAD), MAD floored at 1e-9."""
    med = float(np.median(scores))
    mad = float(np.median(np.abs(scores - med)))
    out: np.ndarray = (med - scores) / (1.4826 * max(mad, 1e-9))
    return out


def sigmoid(v: np.ndarray) -> np.ndarray:
    out: np.ndarray = 1.0 / (1.0 + np.exp(-v))
    return out


def b3d_class(
    probs: Any, c: int, pool: np.ndarray, rng: np.random.Generator, cfg: argparse.Namespace
) -> dict[str, Any]:
    """The soft mask and pattern for class ``c`` on ``pool`` (images of other classes)."""
    _, h, w, ch = pool.shape
    hw = h * w
    theta = np.concatenate([np.full(hw, cfg.init_logit), np.zeros(hw * ch)])
    mom, vel = np.zeros_like(theta), np.zeros_like(theta)
    lam, up, down = 0.0, 0, 0
    best_l1, best_mask, best_step = np.inf, None, -1
    asr = 0.0
    for step in range(1, cfg.steps + 1):
        batch = pool[rng.choice(len(pool), size=min(cfg.batch, len(pool)), replace=False)]
        u = rng.standard_normal((cfg.pairs, theta.size))
        thetas = np.concatenate([theta[None], theta + cfg.sigma * u, theta - cfg.sigma * u])
        m = sigmoid(thetas[:, :hw]).reshape(-1, 1, h, w, 1)
        p = sigmoid(thetas[:, hw:]).reshape(-1, 1, h, w, ch)
        stamped = (1.0 - m) * batch[None] + m * p  # (2 pairs + 1, batch, h, w, ch)
        q = probs(stamped.reshape(-1, h, w, ch)).reshape(len(thetas), len(batch), -1)
        ce = -np.log(np.clip(q[:, :, c], 1e-12, 1.0)).mean(axis=1)
        asr = float((q[0].argmax(axis=1) == c).mean())
        l1 = float(m[0].sum())
        if asr >= THRESHOLD and l1 < best_l1:
            best_l1, best_mask, best_step = l1, m[0].reshape(h, w).copy(), step
        diff = ce[1 : 1 + cfg.pairs] - ce[1 + cfg.pairs :]
        grad = (diff[:, None] * u).sum(axis=0) / (2 * cfg.pairs * cfg.sigma)
        s = sigmoid(theta[:hw])
        grad[:hw] += lam * s * (1.0 - s)  # the |m|_1 term, exact
        mom = 0.9 * mom + 0.1 * grad
        vel = 0.999 * vel + 0.001 * grad**2
        theta = theta - cfg.lr * (mom / (1 - 0.9**step)) / (np.sqrt(vel / (1 - 0.999**step)) + 1e-8)
        if lam == 0.0:
            if asr >= THRESHOLD:
                lam = cfg.lam0
            continue
        up, down = (up + 1, 0) if asr >= THRESHOLD else (0, down + 1)
        if up >= PATIENCE:
            lam, up = lam * 1.5, 0
        elif down >= PATIENCE:
            lam, down = lam / 1.5**1.5, 0
    final = float(sigmoid(theta[:hw]).sum())
    reached = best_mask is not None
    mask = best_mask if reached else sigmoid(theta[:hw]).reshape(h, w)
    return {
        "class": c,
        "l1": best_l1 if reached else final,
        "reached": reached,
        "best_step": best_step,
        "final_l1": final,
        "final_asr": asr,
        "lam": lam,
        "top": [int(i) for i in np.argsort(-mask.ravel())[:6]],
    }


def scan_model(d: Any, cfg: argparse.Namespace, seed: int) -> dict[str, Any]:
    """B3D over every class of one model, on main's 200 clean images."""
    probs = v52b.Counted(v52b.probs_fn(d))
    clean = np.asarray(d.clean_images[:200], dtype=np.float64)
    labels = probs(clean).argmax(axis=1)
    n_classes = int(probs(clean[:1]).shape[1])
    rows = []
    for c in range(n_classes):
        pool = clean[labels != c]
        rng = np.random.default_rng([seed, c])
        rows.append(b3d_class(probs, c, pool, rng, cfg))
    scores = np.asarray([r["l1"] for r in rows])
    idx = anomaly(scores)
    for r, a in zip(rows, idx, strict=True):
        r["index"] = float(a)
    named = [r["class"] for r in rows if r["index"] > cfg.index]
    return {"named": named, "rows": rows, "queries": probs.queries}


def models(args: argparse.Namespace) -> list[tuple[str, int | None, Any]]:
    clean_seeds = list(range(args.clean_from, args.clean_from + args.clean_models))
    built = bench.build_models(
        args.side, args.seeds, clean_seeds, False, ["checker"], args.cache, args.arch
    )
    out = []
    per_seed = (len(built) - len(clean_seeds)) // max(len(args.seeds), 1)
    for k, (group, d, trig) in enumerate(built):
        if trig is None:
            name = f"clean {clean_seeds[k - per_seed * len(args.seeds)]}"
        else:
            name = f"{group} {list(trig.box)} s{args.seeds[k // per_seed]} -> {trig.target}"
        out.append((name, None if trig is None else int(trig.target), d))
    return out


def run(args: argparse.Namespace) -> list[dict[str, Any]]:
    mains: dict[str, Any] = {}
    for path in args.main or []:
        mains.update({r["name"]: r for r in json.loads(path.read_text())})
    out = []
    t0 = time.time()
    for k, (name, target, d) in enumerate(models(args)):
        if args.only and name not in args.only:
            continue
        t = time.process_time()
        res = scan_model(d, args, k)
        m = mains.get(name)
        res.update(
            {
                "name": name,
                "target": target,
                "main": None if m is None else list(m["suspects"]),
                "main_queries": None if m is None else int(m["scan_queries"]),
                "cpu": time.process_time() - t,
            }
        )
        out.append(res)
        print(line(res, time.time() - t0), flush=True)
    return out


def line(r: dict[str, Any], secs: float) -> str:
    rows = " ".join(
        f"{x['class']}:{x['l1']:.1f}{'' if x['reached'] else '!'}({x['index']:+.1f})"
        for x in r["rows"]
    )
    return (
        f"  {r['name']}: main {r['main']} b3d {r['named']}; queries b3d {r['queries']:,} "
        f"main {r['main_queries'] or 0:,}; cpu {r['cpu']:.1f} s; {secs:.0f} s, load "
        f"{os.getloadavg()[0]:.1f}; l1 (index) {rows}"
    )


LINE = re.compile(
    r"^  (?P<name>.+?): main (?P<main>None|\[.*?\]) b3d (?P<named>\[.*?\]); queries b3d "
    r"(?P<q>[\d,]+) main (?P<mq>[\d,]+); cpu (?P<cpu>[\d.]+) s; .*?; l1 \(index\) (?P<rows>.*)$"
)
ROW = re.compile(r"(\d+):([\d.]+)(!?)\(([+-][\d.]+)\)")


def read(path: Path) -> list[dict[str, Any]]:
    """A dump (.json), or the lines a run printed (.out: a run stopped before its dump)."""
    if path.suffix == ".json":
        out: list[dict[str, Any]] = json.loads(path.read_text())
        return out
    res = []
    for text in path.read_text().splitlines():
        m = LINE.match(text)
        if m is None:
            continue
        name = m["name"]
        rows = [
            {"class": int(c), "l1": float(v), "reached": not bang, "index": float(i)}
            for c, v, bang, i in ROW.findall(m["rows"])
        ]
        res.append(
            {
                "name": name,
                "target": int(name.rsplit("-> ", 1)[1]) if "-> " in name else None,
                "main": ast.literal_eval(m["main"]),
                "named": ast.literal_eval(m["named"]),
                "queries": int(m["q"].replace(",", "")),
                "main_queries": int(m["mq"].replace(",", "")) or None,
                "cpu": float(m["cpu"]),
                "rows": rows,
            }
        )
    return res


def counts(results: list[dict[str, Any]], index: float | None = None) -> dict[str, Any]:
    """Targets named and clean models flagged by main, B3D and B3D where main names none."""

    def b3d(r: dict[str, Any]) -> list[int]:
        if index is None:
            return list(r["named"])
        return [x["class"] for x in r["rows"] if x["index"] > index]

    def lowest(r: dict[str, Any]) -> list[int]:
        low = min(r["rows"], key=lambda x: x["l1"])
        return [low["class"]] if index is not None and low["index"] > index else []

    tro = [r for r in results if r["target"] is not None]
    clean = [r for r in results if r["target"] is None]
    verdicts = {
        "main": lambda r: r["main"] or [],
        "b3d": b3d,
        "main, else b3d": lambda r: r["main"] or b3d(r),
        "b3d lowest": lowest,
        "main, else lowest": lambda r: r["main"] or lowest(r),
    }
    out: dict[str, Any] = {}
    for how, fn in verdicts.items():
        out[how] = (
            sum(fn(r) == [r["target"]] for r in tro),
            len(tro),
            sum(bool(fn(r)) for r in clean),
            len(clean),
        )
    out["wrong"] = [r["name"] for r in tro if b3d(r) and b3d(r) != [r["target"]]]
    out["flagged"] = [f"{r['name']} {b3d(r)}" for r in clean if b3d(r)]
    out["flagged where main names none"] = [
        f"{r['name']} {lowest(r)}" for r in clean if lowest(r) and not r["main"]
    ]
    return out


def report(results: list[dict[str, Any]], title: str) -> None:
    q = sorted(r["queries"] for r in results)
    mq = sorted(r["main_queries"] for r in results if r["main_queries"])
    print(f"{title} ({len(results)} models)")
    for index in (1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5):
        c = counts(results, index)
        parts = [f"{h} {a}/{b}, clean {f}/{n}" for h, (a, b, f, n) in list(c.items())[:5]]
        print(f"  index > {index}: " + "; ".join(parts))
        print(
            f"    b3d names more or another class than the target on {c['wrong'] or 'none'}; "
            f"clean flagged {c['flagged']}"
        )
        print(
            f"    lowest: clean flagged where main names none {c['flagged where main names none']}"
        )
    print(
        f"  queries per model: b3d {q[0]:,} / {q[len(q) // 2]:,} / {q[-1]:,}"
        + (f"; main {mq[0]:,} / {mq[len(mq) // 2]:,} / {mq[-1]:,}" if mq else "")
    )
    tro = [r for r in results if r["target"] is not None]
    top = sorted(max(x["index"] for x in r["rows"]) for r in results if r["target"] is None)
    own = sorted(r["rows"][r["target"]]["index"] for r in tro)
    lowest = sum(min(r["rows"], key=lambda x: x["l1"])["class"] == r["target"] for r in tro)
    print(f"  clean models' highest index: {' '.join(f'{v:.1f}' for v in top)}")
    print(f"  targets' index: {' '.join(f'{v:.1f}' for v in own)}")
    print(f"  target the lowest |m|_1 of its model: {lowest}/{len(tro)}")
    for r in tro:
        rank = sorted(x["l1"] for x in r["rows"]).index(r["rows"][r["target"]]["l1"])
        ti = r["rows"][r["target"]]["index"]
        print(
            f"    {r['name']}: main {r['main']} b3d {r['named']}; target l1 "
            f"{r['rows'][r['target']]['l1']:.2f} rank {rank} index {ti:+.2f}"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cache", type=Path)
    ap.add_argument("--side", type=int, default=8)
    ap.add_argument("--arch", default="mlp", choices=["mlp", "cnn"])
    ap.add_argument("--seeds", type=int, nargs="*", default=[11])
    ap.add_argument("--clean-from", type=int, default=11)
    ap.add_argument("--clean-models", type=int, default=20)
    ap.add_argument("--main", type=Path, nargs="*", help="scan52b's dumps (main's verdicts)")
    ap.add_argument("--only", nargs="*", help="model names to run (all by default)")
    ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--pairs", type=int, default=10, help="antithetic pairs per step")
    ap.add_argument("--batch", type=int, default=20, help="clean images per step")
    ap.add_argument("--sigma", type=float, default=0.5)
    ap.add_argument("--lr", type=float, default=0.1)
    ap.add_argument("--lam0", type=float, default=0.01)
    ap.add_argument("--init-logit", type=float, default=-2.0)
    ap.add_argument("--index", type=float, default=2.0)
    ap.add_argument("--dump", type=Path)
    ap.add_argument("--load", type=Path, nargs="+", help="dumps (.json) or printed runs (.out)")
    ap.add_argument("--merge", action="store_true", help="--load's files as one set")
    args = ap.parse_args()
    if args.load:
        if args.merge:
            seen: dict[str, dict[str, Any]] = {}
            for path in args.load:
                seen.update({r["name"]: r for r in read(path)})
            report(list(seen.values()), " + ".join(map(str, args.load)))
            return
        for path in args.load:
            report(read(path), str(path))
        return
    with threadpool_limits(1):  # one thread: many small calls, a shared machine
        results = run(args)
    if args.dump:
        args.dump.write_text(json.dumps(results))
    report(results, f"{args.side}x{args.side} {args.arch}")


if __name__ == "__main__":
    main()
