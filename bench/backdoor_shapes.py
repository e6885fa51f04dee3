"""Benchmark of the backdoor scans on triggers ``bench/backdoor.py`` does not plant (prints
tables; not a test).

``bench/backdoor.py`` plants squares (2x2-4x4; checker, solid, random) at the image's corners.
A real model's trigger may sit anywhere and have any form, so this bench plants, with the same
training recipe, digits and model cache:

- positions away from the corners: a 3x3 checkerboard at the centre (over the strokes), at
  the middle of the left edge and of the top edge;
- shapes that are not squares (white; pasted on their pixels only, the rest of their box
  keeps the image): a 1x4 and a 4x1 line, an L and a plus in a 3x3 box, two 2x2 dots two
  pixels apart, at the bottom-right corner (the bench's own place: the shape alone changes),
  and a plus at the centre;
- dark triggers (0-valued pixels: on the digits' black background they only matter over
  strokes): a 3x3 black square and a black plus at the centre;
- two targets in one model: a 3x3 checkerboard at the bottom-right corner and a 3x3 solid
  white square at the top-left one, to two classes (poisoned images of each, in one scan).

Each model is scanned as ``bench/backdoor.py`` does (the default strategy, Neo and STRIP on the
same images; then the model scan on clean images), and each case is printed against issue 10's
targets.  Location right: the detection's box overlaps the trigger's bounding box.

    python bench/backdoor_shapes.py --cache /tmp/shapes          # 8x8 and 16x16, seeds 11 12
    python bench/backdoor_shapes.py --sides 8 --cases centre plus-centre --seeds 11
"""

from __future__ import annotations

import argparse
import hashlib
import pickle
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

import backdoor as bench
from assay.backdoor.demo import PlantedTrigger, TrojanedDigits, checker, trojaned_digits


@dataclass(frozen=True)
class MaskedTrigger(PlantedTrigger):
    """A trigger pasted on its pixels only: ``content`` is NaN where the image is kept."""

    def apply(self, images: np.ndarray) -> np.ndarray:
        t, left, h, w = self.box
        out = images.copy()
        keep = np.isnan(self.content)
        region = out[:, t : t + h, left : left + w, :]
        out[:, t : t + h, left : left + w, :] = np.where(keep, region, self.content)
        return out


def shape(rows: list[str], value: float = 1.0) -> np.ndarray:
    """A mask drawn as text ('#': the trigger's pixel, '.': the image's own) as content."""
    out = np.array([[value if c == "#" else np.nan for c in r] for r in rows])
    return out[..., None]


LINE_H = shape(["####"])
LINE_V = shape(["#", "#", "#", "#"])
ELL = shape(["#..", "#..", "###"])
PLUS = shape([".#.", "###", ".#."])
DOTS = shape(["##..##", "##..##"])
DARK_PLUS = shape([".#.", "###", ".#."], 0.0)

Planted = list[tuple[tuple[int, int], np.ndarray]]  # (top, left), content, per trigger


def _centre(side: int, h: int, w: int) -> tuple[int, int]:
    return (side - h) // 2, (side - w) // 2


def _corner(side: int, h: int, w: int) -> tuple[int, int]:
    return side - h, side - w


# case -> (side -> [(place, content)]): one trigger a model, two for "two-targets"
CASES: dict[str, Callable[[int], Planted]] = {
    "centre": lambda s: [(_centre(s, 3, 3), checker(3))],
    "mid-left": lambda s: [((s // 2 - 1, 0), checker(3))],
    "mid-top": lambda s: [((0, s // 2 - 1), checker(3))],
    "line-1x4": lambda s: [(_corner(s, 1, 4), LINE_H)],
    "line-4x1": lambda s: [(_corner(s, 4, 1), LINE_V)],
    "ell": lambda s: [(_corner(s, 3, 3), ELL)],
    "plus": lambda s: [(_corner(s, 3, 3), PLUS)],
    "two-dots": lambda s: [(_corner(s, 2, 6), DOTS)],
    "plus-centre": lambda s: [(_centre(s, 3, 3), PLUS)],
    "dark-centre": lambda s: [(_centre(s, 3, 3), np.zeros((3, 3, 1)))],
    "dark-plus": lambda s: [(_centre(s, 3, 3), DARK_PLUS)],
    "two-targets": lambda s: [(_corner(s, 3, 3), checker(3)), ((0, 0), np.ones((3, 3, 1)))],
}


def planted(case: str, side: int, seed: int) -> list[PlantedTrigger]:
    out: list[PlantedTrigger] = []
    for k, ((top, left), content) in enumerate(CASES[case](side)):
        box = (top, left, content.shape[0], content.shape[1])
        target = (seed + 3 * k + len(case)) % 10
        if k and target == out[0].target:
            target = (target + 1) % 10
        kind = MaskedTrigger if np.isnan(content).any() else PlantedTrigger
        out.append(kind(box, content, target))
    return out


def train(cache: Path | None, side: int, seed: int, trigs: list[PlantedTrigger]) -> TrojanedDigits:
    """``demo.trojaned_digits`` with every trigger planted (the bench's default recipe), kept
    in ``cache`` (this bench's own pickles) when one is given; one trigger is trained exactly
    as ``bench/backdoor.py`` trains it (its cached models are shared)."""
    if len(trigs) == 1 and type(trigs[0]) is PlantedTrigger:
        return bench.train(cache, side, seed, trigs[0])
    if cache is None:
        return trojaned_digits(seed=seed, triggers=trigs, side=side)
    key = hashlib.sha256(repr((side, seed, "shapes")).encode())
    for t in trigs:
        key.update(repr((t.box, t.target)).encode() + t.content.tobytes())
    path = cache / f"digits-shapes-{side}-{seed}-{key.hexdigest()[:16]}.pkl"
    if path.exists():
        with path.open("rb") as f:
            found: TrojanedDigits = pickle.load(f)
            return found
    d = trojaned_digits(seed=seed, triggers=trigs, side=side)
    cache.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        pickle.dump(d, f)
    return d


def scan_set(d: TrojanedDigits, trigs: list[PlantedTrigger], n: int) -> dict[str, np.ndarray]:
    """``bench.scan_set``'s images with ``n`` poisoned ones per trigger; ``which``: the index
    of the trigger an image carries (-1: clean)."""
    parts = [bench.scan_set(d, t, n) for t in trigs]
    first = parts[0]
    clean = ~first["poisoned"]
    out = {key: first[key] for key in ("clean",)}
    for key in ("images", "labels", "originals"):
        out[key] = np.concatenate([first[key][clean]] + [p[key][p["poisoned"]] for p in parts])
    which = [np.full(int(clean.sum()), -1)] + [
        np.full(int(p["poisoned"].sum()), k) for k, p in enumerate(parts)
    ]
    out["which"] = np.concatenate(which)
    out["poisoned"] = out["which"] >= 0
    return out


def measure_each(
    rows: list[dict[str, Any]],
    data: dict[str, np.ndarray],
    answers: dict[str, np.ndarray],
    trigs: list[PlantedTrigger],
) -> list[dict[str, Any]]:
    """``bench.measure`` per trigger, on the clean images and that trigger's poisoned ones
    (the rows renumbered); the clean images' figures are counted once (the first trigger's)."""
    out = []
    for k, t in enumerate(trigs):
        keep = np.flatnonzero((data["which"] == -1) | (data["which"] == k))
        renum = {int(i): j for j, i in enumerate(keep)}
        mine = [dict(r, image=renum[r["image"]]) for r in rows if r["image"] in renum]
        sub = {key: data[key][keep] for key in ("images", "labels", "poisoned", "originals")}
        sub["clean"] = data["clean"]
        ans = {key: v[keep] for key, v in answers.items()}
        m = bench.measure(mine, sub, t.box, ans, t.target)
        if k:
            for key in ("n_clean", "clean_flagged", "clean_flagged_false", "clean_lured"):
                m[key] = 0
            m["clean_flagged_lured"], m["q_clean"] = 0, []
        out.append(m)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sides", type=int, nargs="+", default=[8, 16])
    ap.add_argument("--cases", nargs="+", choices=sorted(CASES), default=list(CASES))
    ap.add_argument("--seeds", type=int, nargs="+", default=[11, 12])
    ap.add_argument("--images", type=int, default=100, help="clean and poisoned images each")
    ap.add_argument("--cache", type=Path, help="keep the trained models here (pickles)")
    ap.add_argument(
        "--strategies", nargs="+", choices=bench.STRATEGIES, default=list(bench.STRATEGIES[:3])
    )
    ap.add_argument("--only", choices=["inputs", "scan"])
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp())
    t0 = time.perf_counter()
    print("command: python bench/backdoor_shapes.py " + " ".join(sys.argv[1:]))
    for side in args.sides:
        totals: dict[tuple[str, str], dict[str, Any]] = defaultdict(lambda: defaultdict(list))
        scans: list[tuple[Any, ...]] = []
        for case in args.cases:
            for seed in args.seeds:
                trigs = planted(case, side, seed)
                d = train(args.cache, side, seed, trigs)
                names = [case if len(trigs) == 1 else f"{case}#{k}" for k in range(len(trigs))]
                rates = " ".join(f"{r:.2f}" for r in d.attack_success)
                print(
                    f"{side}x{side} {case} seed {seed}: accuracy {d.accuracy:.3f}, attack "
                    f"success {rates}, targets {[t.target for t in trigs]} "
                    f"({time.perf_counter() - t0:.0f} s)",
                    flush=True,
                )
                if args.only != "scan":
                    data = scan_set(d, trigs, args.images)
                    answers = {k: bench.labels_of(d, data[k]) for k in ("images", "originals")}
                    for strategy in args.strategies:
                        store = tmp / f"{side}-{case}-{seed}-{strategy}.db"
                        out = bench.run_one(d, data, strategy, store)
                        for name, m in zip(
                            names, measure_each(out["rows"], data, answers, trigs), strict=True
                        ):
                            acc = totals[(name, strategy)]
                            for key, val in m.items():
                                acc[key].extend(val if isinstance(val, list) else [val])
                            acc["seconds"].append(out["seconds"] / len(trigs))
                        acc = totals[(names[0], strategy)]
                        poisoned = np.asarray(data["poisoned"], dtype=bool)
                        for key, val in bench.second_figures(out["second"], poisoned).items():
                            acc[key].append(val)
                if args.only != "inputs":
                    suspects, queries, cpu, pixels, checked = bench.model_scan(
                        d, tmp / f"{side}-{case}-{seed}-scan.db"
                    )
                    want = sorted(t.target for t in trigs)
                    scans.append((case, seed, want, suspects, queries, cpu))
                    print(
                        f"  model scan: suspects {suspects} (want {want}) "
                        f"{'yes' if sorted(suspects) == want else 'NO'}, {queries:,} queries, "
                        f"{cpu:.0f} s cpu; sizes {' '.join(pixels)}; {checked}",
                        flush=True,
                    )
        if args.only != "scan":
            bench.print_inputs(side, totals, {})
            print(f"\nTargets per case ({side}x{side}, default strategy):")
            for name in sorted({g for g, _ in totals}):
                one = {k: v for k, v in totals.items() if k[0] == name}
                for tname, ok, fig in bench.input_targets(one):
                    if fig.startswith("nan"):  # (a second trigger's: its clean images are #0's)
                        continue
                    print(f"  {name:14} {'met    ' if ok else 'NOT met'}  {tname:32} {fig}")
        if scans:
            named = sum(sorted(s[3]) == s[2] for s in scans)
            print(f"\nModel scan {side}x{side}: every target named alone {named}/{len(scans)}")
            for case, seed, want, suspects, queries, _cpu in scans:
                right = "yes" if sorted(suspects) == want else "NO"
                print(f"  {case:14} seed {seed}: {suspects} want {want} {right} ({queries:,} q)")
    print(f"\ntotal {time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    import backdoor_shapes  # the triggers pickled by their module's name, not __main__'s

    backdoor_shapes.main()
