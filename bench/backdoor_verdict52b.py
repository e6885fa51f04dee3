"""scan52's one surviving pair of verdict signals asked on the other families (prints a table;
not a test): a class the model scan found a patch for is added where main names none when its
half-rate pixels are a strong outlier among the model's classes (``k50``, robust z >= 3, fewer
is more trigger-like) AND its patch wins its duels with every other class's patch by 0.5
(``dominance`` gap).  Both signals as ``backdoor_verdict52`` measures them (its functions), the
restarts, transfer and own-class signals not asked.

    python bench/backdoor_verdict52b.py --cache DIR --side 16 --seeds 11 13 --clean-from 11 \\
        --clean-models 40 --dump d16.json
    python bench/backdoor_verdict52b.py --cache DIR --arch cnn --side 32 --seeds 11 ...
    python bench/backdoor_verdict52b.py --c32 /work/scratch/scan51/c32 clean-0 clean-1 ...
    python bench/backdoor_verdict52b.py --load d16.json ...
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from assay.backdoor.api import check_backdoor
from assay.backdoor.modelscan import effective_cells

sys.path.insert(0, str(Path(__file__).resolve().parent))
import backdoor as bench  # bench/backdoor.py: the models and the scan's call
import backdoor_scan8 as scan8  # its scan call
import backdoor_verdict52 as v52  # the signals

K50_Z = 3.0
DUEL_GAP = 0.5


def probs_fn(d: Any) -> Any:
    """The model's class probabilities on canonical images (digits MLP or CNN)."""
    if bench.is_cnn(d):
        import torch

        import backdoor_cnn

        def cnn(x: np.ndarray) -> np.ndarray:
            t = torch.from_numpy(
                np.ascontiguousarray(backdoor_cnn.spec().to_model(x), dtype=np.float32)
            )
            with torch.no_grad():
                out: np.ndarray = torch.softmax(d.model(t), 1).numpy().astype(np.float64)
            return out

        return cnn
    return lambda x: scan8.probs_of(d, x)


class Counted:
    """Probabilities with the queries counted."""

    def __init__(self, fn: Any) -> None:
        self.fn, self.queries = fn, 0

    def __call__(self, x: np.ndarray) -> np.ndarray:
        self.queries += len(x)
        out: np.ndarray = self.fn(x)
        return out


def signals(
    probs: Counted, scan: dict[str, Any], seen: np.ndarray, held: np.ndarray
) -> list[dict[str, Any]]:
    """``k50`` and ``dominance`` of every class the scan found a patch for."""
    seen_labels = probs(seen).argmax(axis=1)
    held_labels = probs(held).argmax(axis=1)
    found = [cs for cs in scan["class_scans"] if cs["size"] is not None]
    rows = []
    for cs in found:
        c = int(cs["target"])
        box = tuple(int(v) for v in cs["box"])
        content = np.asarray(cs["content"], dtype=np.float64)
        pool = seen[np.flatnonzero(seen_labels != c)[: v52.POOL]]
        half, _ = effective_cells(c, box, content, pool, probs, keep=0.5)
        rows.append(
            {
                "class": c,
                "size": cs["size"],
                "k50": len(half),
                "dominance": v52.dominance(probs, cs, found, held, held_labels),
            }
        )
    return rows


def added(rows: list[dict[str, Any]], suspects: list[int]) -> list[int]:
    """The pair's classes where main names none (3 or more classes found)."""
    if suspects or len(rows) < 3:
        return []
    k50 = -np.asarray([r["k50"] for r in rows], dtype=np.float64)
    dom = np.asarray([r["dominance"] for r in rows], dtype=np.float64)
    z = v52.robust_z(k50)
    out = []
    for i, r in enumerate(rows):
        gap = dom[i] - np.delete(dom, i).max()
        r["z_k50"], r["gap_dominance"] = float(z[i]), float(gap)
        if z[i] >= K50_Z and gap >= DUEL_GAP:
            out.append(r["class"])
    return out


def one(
    name: str, target: int | None, scan: dict[str, Any], fn: Any, seen: Any, held: Any
) -> dict[str, Any]:
    probs = Counted(fn)
    rows = signals(probs, scan, seen, held)
    suspects = list(scan["verdict"]["suspects"])
    more = added(rows, suspects)
    return {
        "name": name,
        "target": target,
        "suspects": suspects,
        "added": more,
        "rows": rows,
        "scan_queries": scan["queries"],
        "extra_queries": probs.queries,
    }


def scanned(args: argparse.Namespace) -> Iterator[tuple[str, int | None, Any, dict[str, Any]]]:
    """Each bench model (``backdoor.build_models``: checkerboards, ``--seeds``; clean models of
    ``--clean-from`` on) with its name, target and main's model scan."""
    clean_seeds = list(range(args.clean_from, args.clean_from + args.clean_models))
    models = bench.build_models(
        args.side, args.seeds, clean_seeds, False, ["checker"], args.cache, args.arch
    )
    with tempfile.TemporaryDirectory() as tmp:
        for k, (group, d, trig) in enumerate(models):
            scan = scan8.scan_one(d, Path(tmp) / f"s{k}.db")
            if trig is None:
                name = f"clean {clean_seeds[k - 9 * len(args.seeds)]}"
            else:
                name = f"{group} {list(trig.box)} s{args.seeds[k // 9]} -> {trig.target}"
            yield name, None if trig is None else int(trig.target), d, scan


def digits(args: argparse.Namespace) -> list[dict[str, Any]]:
    """The pair measured beside main's scan (``one``) on every bench model."""
    out = []
    t0 = time.time()
    for name, target, d, scan in scanned(args):
        r = one(name, target, scan, probs_fn(d), d.clean_images[:200], d.clean_images[200:])
        out.append(r)
        print(line(r, time.time() - t0), flush=True)
    return out


def wired(args: argparse.Namespace) -> list[dict[str, Any]]:
    """The model scan as wired (commit 715fda1f: ``duels`` in ``technique._model_verdict``):
    main's suspects are the verdict's less the classes the duel route named (it runs only where
    main names none)."""
    out = []
    t0 = time.time()
    for name, target, _, scan in scanned(args):
        v = scan["verdict"]
        duels = {int(c): f for c, f in (v.get("duels") or {}).items()}
        more = sorted(c for c, f in duels.items() if f["named"])
        rows = [
            {"class": c, "k50": int(f["half_pixels"]), "dominance": f["duel"]}
            | {"z_k50": f["half_pixels_z"], "gap_dominance": f["duel_lead"]}
            for c, f in sorted(duels.items())
        ]
        r = {
            "name": name,
            "target": target,
            "suspects": [c for c in v["suspects"] if c not in more],
            "added": more,
            "rows": rows,
            "scan_queries": scan["queries"] - int(v.get("duel_queries", 0)),
            "extra_queries": int(v.get("duel_queries", 0)),
        }
        out.append(r)
        print(line(r, time.time() - t0), flush=True)
    return out


def c32(directory: Path, names: list[str]) -> list[dict[str, Any]]:
    """scan51's 32x32 colour-scene CNNs (``make_cnn.py``): the model scan on each one's 200
    clean scenes; held-out scenes drawn afresh from the same generator."""
    import torch

    import backdoor_blend as blend

    torch.set_num_threads(1)
    out = []
    t0 = time.time()
    for name in names:
        net = blend._net(torch)
        net.load_state_dict(torch.load(directory / f"{name}.pt", weights_only=True))
        net.eval()
        seed = int(name.rsplit("-", 1)[1])
        clean = np.load(directory / f"clean-{seed}.npy")

        def fn(x: np.ndarray, net: Any = net) -> np.ndarray:
            with torch.no_grad():
                t = torch.tensor(np.asarray(x, dtype=np.float32)).permute(0, 3, 1, 2)
                p: np.ndarray = torch.softmax(net(t), 1).numpy().astype(np.float64)
            return p

        with tempfile.TemporaryDirectory() as tmp:
            r = check_backdoor(
                net, images=False, clean=clean, value_range="0,1", seed=0, store=Path(tmp) / "r.db"
            )
        s = r.summary
        scan = {
            "class_scans": s["class_scans"],
            "verdict": s["verdict"],
            "queries": sum(c["queries"] for c in s["class_scans"]),
        }
        held = blend.scenes(400, 30_000 + seed)[0].astype(np.float64)
        res = one(f"c32 {name}", None, scan, fn, clean, held)
        out.append(res)
        print(line(res, time.time() - t0), flush=True)
    return out


def line(r: dict[str, Any], secs: float) -> str:
    rows = ", ".join(
        f"{x['class']}: k50 {x['k50']} z {x.get('z_k50', float('nan')):.1f} "
        f"duel {x['dominance']:.2f} gap {x.get('gap_dominance', float('nan')):.2f}"
        for x in r["rows"]
    )
    return (
        f"  {r['name']}: main {r['suspects']} pair adds {r['added']}; queries scan "
        f"{r['scan_queries']:,} + {r['extra_queries']:,}; {secs:.0f} s, load "
        f"{os.getloadavg()[0]:.1f}; [{rows}]"
    )


def report(results: list[dict[str, Any]], title: str) -> None:
    tro = [r for r in results if r["target"] is not None]
    clean = [r for r in results if r["target"] is None]
    main_named = sum(r["suspects"] == [r["target"]] for r in tro)
    pair_named = sum((r["suspects"] or r["added"]) == [r["target"]] for r in tro)
    wrong = [r["name"] for r in tro if r["added"] and r["added"] != [r["target"]]]
    main_flag = sum(bool(r["suspects"]) for r in clean)
    pair_flag = sum(bool(r["suspects"] or r["added"]) for r in clean)
    extra = [r["extra_queries"] for r in results]
    print(
        f"{title}: named main {main_named}/{len(tro)} -> with the pair {pair_named}/{len(tro)}; "
        f"clean flagged {main_flag}/{len(clean)} -> {pair_flag}/{len(clean)}; wrong class "
        f"added {wrong or 'none'}; extra queries {scan8.spread(extra) if extra else '-'}"
    )
    for r in results:
        if r["added"]:
            print(f"    added: {r['name']} -> {r['added']}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cache", type=Path)
    ap.add_argument("--side", type=int, default=16)
    ap.add_argument("--arch", default="mlp", choices=["mlp", "cnn"])
    ap.add_argument("--seeds", type=int, nargs="*", default=[11])
    ap.add_argument("--clean-from", type=int, default=11)
    ap.add_argument("--clean-models", type=int, default=20)
    ap.add_argument("--c32", nargs="+", help="DIR NAME...: scan51's 32x32 scene CNNs")
    ap.add_argument("--wired", action="store_true", help="read the wired route's verdict")
    ap.add_argument("--dump", type=Path)
    ap.add_argument("--load", type=Path, nargs="+")
    args = ap.parse_args()
    if args.load:
        for path in args.load:
            report(json.loads(path.read_text()), str(path))
        return
    if args.c32:
        results = c32(Path(args.c32[0]), args.c32[1:])
    else:
        results = wired(args) if args.wired else digits(args)
    if args.dump:
        args.dump.write_text(json.dumps(results))
    report(results, f"{args.side}x{args.side} {args.arch}" if not args.c32 else "c32")


if __name__ == "__main__":
    main()
