"""Where the backdoor scans stop on 8x8 digits, measured (prints tables; not a test).

Two questions the main benchmark (``bench/backdoor.py``) cannot answer by itself:

A. Can a planted trigger of a given size be told apart, from clean images only, from the
   patches a *clean* model already answers?  For every class of every model a patch search
   stronger than the model scan's (every position with white, black and random contents; then
   best-improvement climbing, a pixel flip or a one-pixel move per step, from the 5 best
   positions, scored by the hit rate plus the clipped mean log-odds of the class on 12
   screening images) looks for one square patch per size; the patch found is then measured on
   60 held-out clean images of other classes: its flip rate, its lowest flip rate over the
   source classes (a trigger sends every class), and the median log-odds of the class.  The
   table sets the target's figures beside those of the strongest other class of the same
   model at the same size, and the strongest class of each clean model.
B. How good can the corrected label of a poisoned image be when its trigger's box is known
   exactly?  The true box is refilled from the clean reference images (``repair``): the pixel
   mean of the 3, 5 or 9 nearest contents, the majority of the 9 nearest single contents, and
   the fill of the class whose references are nearest and which the model then answers;
   beside the model's own accuracy on the images before the trigger (the ceiling).
C. How much of the label the pixels outside the box hold at all: an MLP of the model's own
   size and options, trained on the model's own training digits (about 1,080, labelled: far
   more than the 150 references a scan has) with the box blanked, answers the same poisoned
   images' originals with the box blanked.  No refill of the box from references, however
   chosen, is expected to beat a classifier trained for the hidden box on seven times the data.

    python bench/backdoor_limits.py                      # 4x4 triggers, seed 11, 2 clean models
    python bench/backdoor_limits.py --sizes 3 4 --seeds 11 12 --clean-models 4
"""

from __future__ import annotations

import argparse
import time
import warnings
from typing import Any

import numpy as np

from assay.backdoor.demo import PlantedTrigger, checker, trojaned_digits
from assay.backdoor.patches import paste
from assay.backdoor.repair import mean_fill, nearest_contents, vote

Patch = tuple[tuple[int, int], np.ndarray]


def log_odds(p: np.ndarray, c: int) -> np.ndarray:
    """log p_c - log max_{k != c} p_k along the last axis."""
    q = np.clip(p, 1e-12, 1.0)
    rest = q.copy()
    rest[..., c] = 0.0
    out: np.ndarray = np.log(q[..., c]) - np.log(rest.max(axis=-1))
    return out


def search(
    target: int, screen: np.ndarray, scores: Any, rng: np.random.Generator, s: int
) -> tuple[Patch, int]:
    """The best square patch of side ``s`` for ``target`` on ``screen``; queries used."""
    _, height, width, ch = screen.shape
    cands: list[Patch] = []
    for t in range(height - s + 1):
        for left in range(width - s + 1):
            cands.append(((t, left), np.ones((s, s, ch))))
            cands.append(((t, left), np.zeros((s, s, ch))))
            for _ in range(2):
                cands.append(((t, left), rng.integers(0, 2, (s, s, ch)).astype(np.float64)))

    def score(cs: list[Patch]) -> np.ndarray:
        batch = np.concatenate([paste(screen, c, (t, left, s, s)) for (t, left), c in cs])
        p = scores(batch).reshape(len(cs), len(screen), -1)
        hit = (p.argmax(axis=2) == target).mean(axis=1)
        out: np.ndarray = hit + np.clip(log_odds(p, target), -20.0, 5.0).mean(axis=1) / 25.0
        return out

    queries = len(cands) * len(screen)
    values = score(cands)
    starts: list[int] = []
    seen: set[tuple[int, int]] = set()
    for j in np.argsort(-values, kind="stable"):
        if cands[int(j)][0] not in seen:
            seen.add(cands[int(j)][0])
            starts.append(int(j))
        if len(starts) == 5:
            break
    best: tuple[float, Patch] | None = None
    for j in starts:
        (t, left), content = cands[j]
        current = float(values[j])
        for _ in range(10):
            kids: list[Patch] = []
            for idx in np.ndindex(content.shape):
                c2 = content.copy()
                c2[idx] = 1.0 - c2[idx]
                kids.append(((t, left), c2))
            for dt, dl in ((-1, 0), (1, 0), (0, -1), (0, 1)):
                if 0 <= t + dt <= height - s and 0 <= left + dl <= width - s:
                    kids.append(((t + dt, left + dl), content))
            kid_values = score(kids)
            queries += len(kids) * len(screen)
            k = int(np.argmax(kid_values))
            if kid_values[k] <= current + 1e-9:
                break
            (t, left), content = kids[k]
            current = float(kid_values[k])
        if best is None or current > best[0]:
            best = (current, ((t, left), content))
    assert best is not None
    return best[1], queries


def class_figures(d: Any, sizes: list[int], seed: int) -> tuple[dict[tuple[int, int], Any], int]:
    """(class, size) -> (flip rate, lowest per-source flip rate, median log-odds, box)."""
    x = d.clean_images[:200]

    def scores(b: np.ndarray) -> np.ndarray:
        out: np.ndarray = d.model.predict_proba(d.spec.to_model(b))
        return out

    pred = scores(x).argmax(axis=1)
    rng = np.random.default_rng(seed)
    figures: dict[tuple[int, int], Any] = {}
    queries = 0
    for c in range(10):
        perm = rng.permutation(np.flatnonzero(pred != c))
        screen, held = x[perm[:12]], perm[12:72]
        for s in sizes:
            ((t, left), content), q = search(c, screen, scores, rng, s)
            queries += q
            p = scores(paste(x[held], content, (t, left, s, s)))
            hit = p.argmax(axis=1) == c
            src = pred[held]
            low = min(float(hit[src == k].mean()) for k in np.unique(src))
            figures[(c, s)] = (
                float(hit.mean()),
                low,
                float(np.median(log_odds(p, c))),
                (t, left),
            )
    return figures, queries


def refill_ceiling(d: Any, trig: PlantedTrigger, seed: int) -> dict[str, list[int]]:
    """Parts B and C: per refill scheme, 1/0 per poisoned image (answer == true label)."""
    x, y = d.clean_images, d.clean_labels
    refs = x[:150]
    keep = y[250:] != trig.target
    orig, truth = x[250:][keep][:100], y[250:][keep][:100]
    pois = trig.apply(orig)

    def lab(b: np.ndarray) -> np.ndarray:
        out: np.ndarray = d.model.predict(d.spec.to_model(b))
        return out

    ref_labels = lab(refs)
    out: dict[str, list[int]] = {k: [] for k in ("mean3", "mean5", "mean9", "vote9", "class")}
    out["before"] = (lab(orig) == truth).astype(int).tolist()
    out["masked-trained"] = (masked_trained(d, trig.box, seed, orig) == truth).astype(int).tolist()
    box = trig.box
    for im, true in zip(pois, truth, strict=True):
        means = np.concatenate([mean_fill(im, box, refs, k) for k in (3, 5, 9)])
        singles = nearest_contents(im, box, refs, 9, 1)
        answers = lab(np.concatenate([means, *(paste(im[None], c, box) for c in singles)]))
        for name, a in zip(("mean3", "mean5", "mean9"), answers[:3], strict=True):
            out[name].append(int(a == true))
        rest = answers[3:][answers[3:] != trig.target]
        out["vote9"].append(int(len(rest) > 0 and vote(rest) == true))
        out["class"].append(int(_class_fill(im, box, refs, ref_labels, trig.target, lab) == true))
    return out


def masked_trained(d: Any, box: Any, seed: int, images: np.ndarray) -> np.ndarray:
    """Part C: the answers on ``images`` (8x8) with ``box`` blanked of an MLP with the
    options of ``demo.trojaned_digits`` (64 hidden units, its seed) trained on every digit
    that is not one of the model's held-out ones (its training digits, without the poison)
    with the same box blanked."""
    from sklearn.datasets import load_digits
    from sklearn.neural_network import MLPClassifier

    digits = load_digits()
    x_all = (digits.images / 16.0)[..., None]
    held = {im.tobytes() for im in d.clean_images}
    train = np.array([im.tobytes() not in held for im in x_all])
    t, left, h, w = box

    def blank(b: np.ndarray) -> np.ndarray:
        out = b.copy()
        out[:, t : t + h, left : left + w, :] = 0.0
        return out.reshape(len(out), -1) * 16.0

    net = MLPClassifier(hidden_layer_sizes=(64,), max_iter=400, random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        net.fit(blank(x_all[train]), digits.target[train])
    answers: np.ndarray = net.predict(blank(images))
    return answers


def _class_fill(
    im: np.ndarray, box: Any, refs: np.ndarray, ref_labels: np.ndarray, target: int, lab: Any
) -> int:
    """The first class (among the 10 nearest references' classes, nearest first) whose own 3
    nearest references' mean fill the model answers as that class."""
    t, left, h, w = box
    outside = np.ones(im.shape[:2], dtype=bool)
    outside[t : t + h, left : left + w] = False
    dist = (((refs - im[None])[:, outside, :]) ** 2).reshape(len(refs), -1).sum(axis=1)
    order = np.argsort(dist, kind="stable")
    classes = list(dict.fromkeys(int(ref_labels[j]) for j in order[:10] if ref_labels[j] != target))
    if not classes:
        return target
    fills = []
    for c in classes:
        nearest = [j for j in order if ref_labels[j] == c][:3]
        fills.append(paste(im[None], refs[nearest, t : t + h, left : left + w].mean(axis=0), box))
    answers = lab(np.concatenate(fills))
    agree = [c for c, a in zip(classes, answers, strict=True) if int(a) == c]
    return agree[0] if agree else classes[0]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[4], help="trigger sides")
    ap.add_argument("--seeds", type=int, nargs="+", default=[11], help="trojaned models' seeds")
    ap.add_argument("--clean-models", type=int, default=2, help="clean models (seeds 11, 12, ...)")
    args = ap.parse_args()
    t0 = time.process_time()
    side = 8
    scan_sizes = sorted({2, 3, 4, *args.sizes})
    print("A. Patches found per class (held-out: flip rate / lowest per source class / log-odds)")
    print(f"{'model':22} {'size':>4} {'target':>18} {'strongest other class':>28} {'queries':>9}")
    fmt = lambda f: f"{f[0]:.2f}/{f[1]:.2f}/{f[2]:5.1f}"  # noqa: E731
    refills: dict[str, list[int]] = {}
    for seed in args.seeds:
        for size in args.sizes:
            corner = side - size
            for pos in ((corner, corner), (0, 0), (0, corner)):
                target = (seed + size + pos[0]) % 10
                trig = PlantedTrigger((pos[0], pos[1], size, size), checker(size), target)
                d = trojaned_digits(seed=seed, triggers=[trig])
                figures, queries = class_figures(d, scan_sizes, seed)
                name = f"{size}x{size} at {pos} s{seed}"
                for s in scan_sizes:
                    other = max(
                        (c for c in range(10) if c != target), key=lambda c: figures[(c, s)]
                    )
                    print(
                        f"{name:22} {s:>4} {fmt(figures[(target, s)]):>18} "
                        f"{'class ' + str(other) + ' ' + fmt(figures[(other, s)]):>28} "
                        f"{queries:>9,}"
                    )
                for k, v in refill_ceiling(d, trig, seed).items():
                    refills.setdefault(f"{size}x{size} {k}", []).extend(v)
    for seed in range(11, 11 + args.clean_models):
        d = trojaned_digits(seed=seed, clean=True)
        figures, queries = class_figures(d, scan_sizes, seed)
        for s in scan_sizes:
            top = max(range(10), key=lambda c: figures[(c, s)])
            print(
                f"{'clean s' + str(seed):22} {s:>4} {'-':>18} "
                f"{'class ' + str(top) + ' ' + fmt(figures[(top, s)]):>28} {queries:>9,}"
            )
    print()
    print("B. Corrected label with the true trigger box refilled (share equal to the true label);")
    print("   C. masked-trained: a classifier trained with the box blanked, the pixels' own limit")
    for key, v in refills.items():
        print(f"{key:20} {100 * sum(v) / max(len(v), 1):5.1f} %  ({len(v)} images)")
    print(f"\nCPU {time.process_time() - t0:.0f} s")


if __name__ == "__main__":
    main()
