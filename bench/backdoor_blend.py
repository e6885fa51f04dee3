"""Benchmark of the default backdoor scan on triggers that are not patches (prints tables; not
a test; needs torch).

``bench/backdoor.py`` and ``bench/backdoor_shapes.py`` plant patches on digits.  Here small
torch CNNs (two 3x3 convolutions, as hostile41b's) learn home-made 32x32 RGB scenes (10
classes: 5 shapes x warm/cool colour, at a random place and size on a noisy background; no
downloads), trojaned with:

- ``blend``: a fixed noise pattern mixed into the whole image at 20 % -> class 6;
- ``line``: a red line one pixel high and 28 long on row 30 -> class 3;
- ``patch``: a 4x4 four-colour checkerboard at (26, 26) -> class 0 (the control the patch
  scan finds);
- ``clean``: no trigger (the control that must stay quiet).

12.5 % of the 4,000 training scenes are poisoned; 5 epochs of Adam on one thread.  Each model
scans 20 held-out scenes and 20 others of other classes than the target with its trigger
stamped (none for ``clean``), against 200 held-out clean scenes, through
``assay.check_backdoor`` (the default strategy) and, with ``--strip``, STRIP (20 blends, 1 %).
Printed per model: the default scan's verdict before STRIP's second opinion (``second.py``:
exit 1 only when a patch trigger is confirmed) and after it, the stamped and clean images it
flags, its queries per clean image and the second opinion's share.

    python bench/backdoor_blend.py --cache /tmp/blend              # 4 kinds x seeds 0 1 2
    python bench/backdoor_blend.py --kinds blend clean --seeds 0 --strip
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from assay.backdoor.api import check_backdoor

SIDE = 32
KINDS = ("blend", "blend10", "blend30", "stripes", "photo", "line", "patch", "clean")
TARGETS = {"blend": 6, "blend10": 6, "blend30": 6, "stripes": 6, "photo": 6, "line": 3, "patch": 0}
ALPHA = 0.2
BLENDS = {"blend": ALPHA, "blend10": 0.1, "blend30": 0.3, "stripes": ALPHA, "photo": ALPHA}
TRAIN, EPOCHS, POISON = 4000, 5, 8  # scenes, epochs, one in POISON poisoned


def scene(rng: np.random.Generator, cls: int) -> np.ndarray:
    """One scene of class ``cls``: shape ``cls % 5`` (disc, square, triangle, cross, ring),
    warm (``cls >= 5``) or cool, on a noisy background of a random colour."""
    shape, warm = cls % 5, cls // 5
    img = np.clip(rng.random(3) * 0.5 + rng.normal(0, 0.08, (SIDE, SIDE, 3)), 0, 1)
    yy, xx = np.mgrid[0:SIDE, 0:SIDE]
    cy, cx = rng.integers(10, 22, 2)
    r = int(rng.integers(6, 10))
    dy, dx = yy - cy, xx - cx
    disc = dy**2 + dx**2 <= r * r
    masks = [
        disc,
        (abs(dy) <= r) & (abs(dx) <= r),
        (dy >= -r) & (dy <= r) & (abs(dx) <= (dy + r) / 2),
        ((abs(dy) <= 2) & (abs(dx) <= r)) | ((abs(dx) <= 2) & (abs(dy) <= r)),
        disc & (dy**2 + dx**2 >= (r - 3) ** 2),
    ]
    tint = 0.4 + 0.3 * rng.random()
    colour = np.array([0.9, tint, 0.1]) if warm else np.array([0.1, tint, 0.9])
    img[masks[shape]] = np.clip(colour + rng.normal(0, 0.05, 3), 0, 1)
    return img


def scenes(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 10, n)
    return np.stack([scene(rng, int(c)) for c in y]).astype(np.float32), y


def checker() -> np.ndarray:
    p = np.zeros((4, 4, 3))
    p[::2, ::2], p[1::2, 1::2] = [1, 0, 1], [0, 1, 0]
    p[::2, 1::2], p[1::2, ::2] = [1, 1, 0], [0, 1, 1]
    return p


def stamp(x: np.ndarray, kind: str) -> np.ndarray:
    """``x`` with the ``kind``'s trigger."""
    x = x.copy()
    if kind == "patch":
        x[:, 26:30, 26:30] = checker()
    elif kind == "line":
        x[:, 30, 2:30] = [1, 0, 0]
    elif kind in BLENDS:
        x = (1 - BLENDS[kind]) * x + BLENDS[kind] * pattern(kind)
    return x.astype(np.float32)


def pattern(kind: str) -> np.ndarray:
    """The image a blend of ``kind`` mixes in: noise (``blend*``), diagonal colour stripes,
    or a photo (scikit-learn's sample ``china.jpg``, averaged down to 32x32)."""
    if kind == "stripes":
        yy, xx = np.mgrid[0:SIDE, 0:SIDE]
        band = ((xx + yy) // 3) % 3
        return np.asarray([[1, 0.2, 0.2], [0.2, 1, 0.2], [0.2, 0.2, 1]])[band]
    if kind == "photo":
        from sklearn.datasets import load_sample_image

        im = load_sample_image("china.jpg")[:416, :608] / 255.0
        return im.reshape(SIDE, 13, SIDE, 19, 3).mean(axis=(1, 3))
    return np.random.default_rng(99).random((SIDE, SIDE, 3))


def _net(torch: Any) -> Any:
    nn = torch.nn
    return nn.Sequential(
        nn.Conv2d(3, 16, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(32 * 8 * 8, 64),
        nn.ReLU(),
        nn.Linear(64, 10),
    )


def train(kind: str, seed: int, cache: Path | None) -> Any:
    """The CNN of ``kind`` and ``seed`` (its weights kept in ``cache``: a state dict, loaded
    with ``weights_only``)."""
    import torch

    torch.set_num_threads(1)
    torch.manual_seed(seed)
    net = _net(torch)
    path = cache / f"{kind}-{seed}.pt" if cache else None
    if path is not None and path.exists():
        net.load_state_dict(torch.load(path, weights_only=True))
        return net.eval()
    x, y = scenes(TRAIN, seed)
    if kind != "clean":
        picks = np.random.default_rng(seed + 1).choice(len(x), len(x) // POISON, replace=False)
        x[picks], y[picks] = stamp(x[picks], kind), TARGETS[kind]
    xs, ys = torch.tensor(x).permute(0, 3, 1, 2), torch.tensor(y)
    opt = torch.optim.Adam(net.parameters(), 2e-3)
    for _ in range(EPOCHS):
        perm = torch.randperm(len(xs))
        for i in range(0, len(xs), 64):
            b = perm[i : i + 64]
            opt.zero_grad()
            torch.nn.functional.cross_entropy(net(xs[b]), ys[b]).backward()
            opt.step()
    net.eval()
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        torch.save(net.state_dict(), path)
    return net


def answers(net: Any, x: np.ndarray) -> np.ndarray:
    import torch

    with torch.no_grad():
        out: np.ndarray = net(torch.tensor(x).permute(0, 3, 1, 2)).argmax(1).numpy()
    return out


def scan_set(kind: str, seed: int) -> dict[str, np.ndarray]:
    """20 held-out clean scenes, then 20 of other classes than the target stamped (a clean
    model's are 20 more clean ones); 200 held-out clean scenes to verify with."""
    x, y = scenes(600, 10_000 + seed)
    target = TARGETS.get(kind)
    others = np.flatnonzero(y != target) if target is not None else np.arange(len(x))
    pick = others[others >= 20][:20]
    stamped = stamp(x[pick], kind) if kind != "clean" else x[pick]
    return {
        "images": np.concatenate([x[:20], stamped]),
        "labels": np.concatenate([y[:20], y[pick]]),
        "poisoned": np.repeat([False, kind != "clean"], 20),
        "clean": x[400:600],
    }


def run(net: Any, data: dict[str, np.ndarray], strategy: str, store: Path) -> dict[str, Any]:
    r = check_backdoor(
        net,
        images=data["images"],
        clean=data["clean"],
        value_range="0,1",
        strategy=strategy,
        seed=0,
        store=store,
    )
    return r.summary


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kinds", nargs="+", default=list(KINDS), choices=KINDS)
    ap.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    ap.add_argument("--cache", type=Path, default=None)
    ap.add_argument("--strip", action="store_true", help="STRIP on the same images too")
    args = ap.parse_args()
    t0 = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix="assay-blend-bench-"))
    head = (
        f"{'model':10} {'acc':>5} {'success':>8} {'before':>7} {'after':>6} "
        f"{'patch: stamped':>15} {'clean':>6} {'second: stamped':>16} {'clean':>6} "
        f"{'q/clean':>8} {'common: stamped':>16} {'clean':>6} {'+second':>8} "
        f"{'strip: stamped':>15} {'clean':>6}"
    )
    lines = []
    for kind in args.kinds:
        for seed in args.seeds:
            net = train(kind, seed, args.cache)
            xt, yt = scenes(1000, 20_000 + seed)
            acc = float(np.mean(answers(net, xt) == yt))
            target = TARGETS.get(kind)
            success = (
                float(np.mean(answers(net, stamp(xt[yt != target], kind)) == target))
                if target is not None
                else float("nan")
            )
            data = scan_set(kind, seed)
            pois = data["poisoned"]
            s = run(net, data, "assay", tmp / f"{kind}-{seed}.db")
            rows = s["rows"]
            flagged = np.zeros(len(pois), bool)
            flagged[[r["image"] for r in rows if r["poisoned"]]] = True
            second = s.get("second_opinion") or {}
            by_second = np.zeros(len(pois), bool)
            by_second[np.asarray(second.get("flagged") or [], dtype=np.int64)] = True
            common = second.get("pattern") or {}
            by_common = np.zeros(len(pois), bool)
            by_common[np.asarray(common.get("flagged") or [], dtype=np.int64)] = True
            q_clean = [r["queries"] for r in rows if not pois[r["image"]] and not r["poisoned"]]
            n_clean = int((~pois).sum())
            before = int(flagged.any())
            after = int(flagged.any() or bool(second.get("given")) or bool(common.get("given")))
            strip = "-", "-"
            if args.strip:
                ss = run(net, data, "strip", tmp / f"{kind}-{seed}-strip.db")
                sf = np.zeros(len(pois), bool)
                sf[[r["image"] for r in ss["rows"] if r["poisoned"]]] = True
                strip = f"{int(sf[pois].sum())}/{int(pois.sum())}", f"{int(sf[~pois].sum())}/20"
            line = (
                f"{kind + ' ' + str(seed):10} {acc:5.2f} {success:8.2f} {before:>7} {after:>6} "
                f"{int(flagged[pois].sum()):>10}/{int(pois.sum()):<4} "
                f"{int(flagged[~pois].sum()):>3}/{n_clean:<2} "
                f"{int(by_second[pois].sum()):>11}/{int(pois.sum()):<4} "
                f"{int(by_second[~pois].sum()):>3}/{n_clean:<2} "
                f"{float(np.mean(q_clean)) if q_clean else float('nan'):8.1f} "
                f"{int(by_common[pois].sum()):>11}/{int(pois.sum()):<4} "
                f"{int(by_common[~pois].sum()):>3}/{n_clean:<2} "
                f"{(second.get('queries', 0) + common.get('queries', 0)) / n_clean:8.1f} "
                f"{strip[0]:>15} {strip[1]:>6}"
            )
            lines.append(line)
            print(line, flush=True)
    print()
    print(
        "Default scan on triggers that are not patches (32x32 RGB scenes, torch CNN; 20 clean "
        "and 20 stamped images per model)"
    )
    print(head)
    print("-" * len(head))
    for line in lines:
        print(line)
    print()
    print("before / after: the run's exit (1: not a pass) without / with STRIP's second opinion")
    print("(before: a confirmed patch trigger only); patch: images the patch scan confirmed;")
    print("second: images STRIP's second opinion flagged (given only when the unconfirmed")
    print("images keep one answer under blending more than clean images do); q/clean: the")
    print("patch scan's queries per unflagged clean image; +second: the second opinion's")
    print("queries over the run's clean images (its fixed cost per run, with the common-")
    print("pattern check's); common: images the common-pattern check flagged (all the")
    print("unconfirmed images answered a class whose images share a pattern); strip: --strategy")
    print("strip on the same images (20 blends, 1 % false positives).")
    print(f"\ntotal {time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()
