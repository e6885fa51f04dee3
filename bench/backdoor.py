"""Benchmark of the backdoor scans on digits (prints tables; not a test).

Trojaned MLPs (patch triggers of 2x2, 3x3 and 4x4 pixels at three positions, 15 % of the
training set poisoned; checkerboards by default, ``--kinds`` adds solid white squares and
random grey-level patterns) and clean MLPs of the same architecture, over several seeds, on
scikit-learn's 8x8 digits and on the same digits upsampled (nearest neighbour) to 16x16 or to
MNIST's 28x28 (the triggers are then 2x2 to 4x4 pixels of the larger image, a much smaller
share of it).  Each model is scanned through ``assay.check_backdoor`` (stored runs, as the CLI
does) with the default strategy, Neo as published (2x2 blocker) and STRIP (20 blends,
threshold at 1 % false positives on clean images), on the same images: clean held-out digits
and the same number of poisoned ones (digits of other classes with the trigger pasted).  Then
the model scan (clean images only) on every model, trojaned and clean.  The run ends with the
issue's targets per image size, met or not, with the worst trigger group's figure; on 8x8 a
target not met is printed with the limit ``bench/backdoor_limits.py`` measures.

    python bench/backdoor.py                 # 8x8 and 16x16: 3 sizes x 3 positions x 2 seeds
                                             # and 6 clean models each
    python bench/backdoor.py --scales 1      # 8x8 only (= --sides 8)
    python bench/backdoor.py --sides 28      # MNIST's size
    python bench/backdoor.py --kinds checker solid random   # three trigger contents
    python bench/backdoor.py --only scan     # the model scans only
    python bench/backdoor.py --quick         # 3 sizes x 1 position x 1 seed, 1 clean model
    python bench/backdoor.py --cache /tmp/m  # keep the trained models for the next run
    python bench/backdoor.py --only scan --seeds 13 14 --clean-from 31 --clean-models 20
                                             # seeds no threshold was set on (the model
                                             # scan's were set on 11-12, clean 11-30)
    python bench/backdoor.py --arch cnn      # a small torch CNN on the digits at 32x32
                                             # (bench/backdoor_cnn.py; needs torch), passed
                                             # to check_backdoor as the nn.Module itself
    python bench/backdoor.py --recipe strong # better-trained models (RECIPES), trojaned and
                                             # clean alike: 70 % of the digits, L2 1.0, 30 %
                                             # poisoned (default: the demo's 60 %, 1e-4, 15 %);
                                             # --recipe nudged: also the digits moved by a pixel

Columns: poisoned detected (share of poisoned images flagged; then among those whose answer
the trigger changed, and among those it sent to its target); clean flagged (share of clean
images flagged; then how many of them the model sends to the trigger's target though their
label is another: the backdoor firing on a clean image, "lured"); location right (detections
whose box overlaps the true patch); corrected right (detections whose corrected label is the
true label); q/clean (mean queries per unflagged clean image); q/known (mean queries per
poisoned image once its trigger is known; an image rechecked after the scan, its own search
having missed before a form of its trigger that it carries was confirmed, counts that search
too: the targets' "(matched when scanned)" line leaves those out); afresh (the images the
trigger sent to its target scanned after the first image flagged at its place, how many were
searched afresh rather than matched to a known form / how many; the targets' "(every image
after the first)" line is their mean queries, matched, found afresh or missed).

How the targets are counted: "poisoned detected" on the poisoned images the trigger sent to
its target (an image the trigger does not move is, to the model, a clean image: no scan of its
answers can see the trigger there; the share of all poisoned images is printed beside, with
the attack's success rate); "clean flagged" without the lured clean images flagged at the
trigger's place and corrected to their true label (the backdoor firing on a clean image that
carries a look-alike of the trigger, found and repaired; the raw share is printed beside).
"""

from __future__ import annotations

import argparse
import hashlib
import pickle
import sys
import tempfile
import textwrap
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

from assay.backdoor import inputscan
from assay.backdoor.api import check_backdoor
from assay.backdoor.demo import PlantedTrigger, TrojanedDigits, checker, trojaned_digits
from assay.backdoor.patches import block, boxes_overlap, dominant_colour
from assay.backdoor.repair import mean_fill
from assay.fairness.estimate import clopper_pearson
from assay.models import load_model

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench/backdoor_cnn.py (--arch cnn)

STRATEGIES = ("assay", "neo", "strip", "assay-block", "assay-vote")
# "assay-block": the default strategy with its coarse windows blocked by the image's dominant
# colour instead of refilled from clean images (the code before the refill; a baseline);
# "assay-vote": the default strategy with the corrected label voted among Gaussian refills and
# the mean refill (``inputscan.VOTE`` on; off by default: see its comment)


def positions(side: int, size: int, quick: bool) -> list[tuple[int, int]]:
    corner = side - size
    both = [(corner, corner), (0, 0), (0, corner)]
    return both[:1] if quick else both


def scan_set(d: TrojanedDigits, trig: PlantedTrigger | None, n: int) -> dict[str, np.ndarray]:
    x, y = d.clean_images, d.clean_labels
    clean = x[:150]
    test_clean, test_y = x[150 : 150 + n], y[150 : 150 + n]
    pool_x, pool_y = x[150 + n :], y[150 + n :]
    if trig is not None:
        keep = pool_y != trig.target
        orig_x, pois_y = pool_x[keep][:n], pool_y[keep][:n]
        pois_x = trig.apply(orig_x)
    else:
        orig_x, pois_x, pois_y = pool_x[:0], pool_x[:0], pool_y[:0]
    images = np.concatenate([test_clean, pois_x])
    labels = np.concatenate([test_y, pois_y])
    poisoned = np.concatenate([np.zeros(len(test_clean), bool), np.ones(len(pois_x), bool)])
    originals = np.concatenate([test_clean, orig_x])  # the poisoned images before the trigger
    return {
        "clean": clean,
        "images": images,
        "labels": labels,
        "poisoned": poisoned,
        "originals": originals,
    }


def is_cnn(d: TrojanedDigits) -> bool:
    return not hasattr(d.model, "predict")  # a torch module (backdoor_cnn), not scikit-learn


def labels_of(d: TrojanedDigits, images: np.ndarray) -> np.ndarray:
    """The model's answers on canonical images (n, side, side, 1) in [0, 1]."""
    if is_cnn(d):
        import backdoor_cnn

        return backdoor_cnn.predict(d.model, images)
    out: np.ndarray = d.model.predict(d.spec.to_model(images))
    return out


def as_given(d: TrojanedDigits) -> tuple[Any, float, str]:
    """What a user hands ``check_backdoor``: the model, the factor the canonical images are
    multiplied by, and ``value_range``.  A scikit-learn MLP through ``load_model`` with its
    digits in 0..16 (flattened rows: read from the model); the torch CNN as the
    ``nn.Module`` itself with NHWC arrays in [0, 1] (assay takes a module's inputs as NCHW)."""
    if is_cnn(d):
        return d.model, 1.0, "0,1"
    return load_model(d.model, modality="image"), 16.0, "0,16"


def check_input_form(d: TrojanedDigits) -> str:
    """Whether the model assay builds from what ``as_given`` hands it (layout, range, flattening
    read by ``setup_backdoor``) answers as the model itself on 200 held-out digits."""
    from assay.backdoor.prepare import setup_backdoor

    model, scale, value_range = as_given(d)
    x = d.clean_images[:200]
    setup = setup_backdoor(model, images=False, clean=x * scale, value_range=value_range)
    mine = np.argmax(setup.model.predict(x), axis=1)
    same = int(np.sum(mine == labels_of(d, x)))
    spec = setup.spec
    form = f"{spec.layout}{' flattened' if spec.flatten else ''} {spec.dtype} {spec.range_values}"
    return f"{same}/{len(x)} answers as the model's own ({form})"


def run_one(
    d: TrojanedDigits, data: dict[str, np.ndarray], strategy: str, store: Path
) -> dict[str, Any]:
    model, scale, value_range = as_given(d)
    t0 = time.perf_counter()
    inputscan.REFILL_COARSE = strategy != "assay-block"
    vote_default = inputscan.VOTE
    inputscan.VOTE = strategy == "assay-vote" or (vote_default and strategy == "assay")
    try:
        r = check_backdoor(
            model,
            images=data["images"] * scale,
            clean=data["clean"] * scale,
            value_range=value_range,
            strategy=strategy.split("-")[0],
            seed=0,
            store=store,
        )
    finally:
        inputscan.REFILL_COARSE = True
        inputscan.VOTE = vote_default
    return {
        "rows": r.summary["rows"],
        "seconds": time.perf_counter() - t0,
        "second": r.summary.get("second_opinion"),
    }


def second_figures(second: dict[str, Any] | None, poisoned: np.ndarray) -> dict[str, int]:
    """STRIP's second opinion on the images a default run left unconfirmed (``second``), with
    the common-pattern check after it: given or not, their queries, and the clean and
    poisoned images they flagged."""
    if not second or second.get("skipped"):
        return {
            "second_runs": 0,
            "second_given": 0,
            "second_q": 0,
            "second_clean": 0,
            "second_pois": 0,
        }
    # (with the common-pattern, class-map and source-class checks asked after it: their
    # queries and flags count as its own)
    after = [second.get(k) or {} for k in ("pattern", "map", "source")]
    flagged = np.asarray(
        sorted(
            {*(second.get("flagged") or []), *(i for c in after for i in c.get("flagged") or [])}
        ),
        dtype=np.int64,
    )
    return {
        "second_runs": 1,
        "second_given": int(bool(second["given"]) or any(bool(c.get("given")) for c in after)),
        "second_q": int(second["queries"]) + sum(int(c.get("queries") or 0) for c in after),
        "second_clean": int(np.sum(~poisoned[flagged])) if len(flagged) else 0,
        "second_pois": int(np.sum(poisoned[flagged])) if len(flagged) else 0,
    }


def measure(
    rows: list[dict[str, Any]],
    data: dict[str, np.ndarray],
    box: Any,
    answers: dict[str, np.ndarray],
    target: int | None = None,
) -> dict[str, Any]:
    """``answers``: the model's predictions on the scanned images ("images") and on the same
    images without the trigger ("originals"); ``target``: the trigger's class (None: a clean
    model)."""
    pois = data["poisoned"]
    flagged = np.array([r["poisoned"] for r in rows])
    fires = pois & (answers["images"] != answers["originals"])  # the trigger moved the answer
    # the trigger sent the image to its target (it was not there before)
    sent = fires & (answers["images"] == target) if target is not None else fires & False
    # clean images the model sends to the trigger's target although their label is another
    # (the backdoor firing on a clean image, e.g. ink at the trigger's place)
    lured = ~pois & (answers["images"] == target) & (data["labels"] != target)
    if target is None:
        lured &= False
    det = [r for r in rows if r["poisoned"] and pois[r["image"]]]
    loc = [
        box is not None and r.get("box") is not None and boxes_overlap(r["box"], box) for r in det
    ]
    # a lured clean image flagged at the trigger's place and corrected to its true label is
    # the backdoor found where it fired, not a false alarm: counted apart ("repaired")
    repaired = [
        r
        for r in rows
        if r["poisoned"]
        and lured[r["image"]]
        and r.get("box") is not None
        and box is not None
        and boxes_overlap(r["box"], box)
        and r.get("corrected") == int(data["labels"][r["image"]])
    ]
    corr = [r.get("corrected") == int(data["labels"][r["image"]]) for r in det]
    own = [r.get("corrected") == int(answers["originals"][r["image"]]) for r in det]
    q_clean = [r["queries"] for r in rows if not pois[r["image"]] and not r["poisoned"]]
    q_known = [r["queries"] for r in rows if r["poisoned"] and r.get("known_trigger")]
    # of those, the images matched when scanned: a rechecked row (``backdoor/recheck.py``)
    # counts the full search its image had before a form of its trigger that it carries was
    # confirmed, and the match after it
    q_matched = [
        r["queries"]
        for r in rows
        if r["poisoned"] and r.get("known_trigger") and not r.get("rechecked")
    ]
    # once the trigger is known: the images it sent to its target scanned after the first image
    # flagged at its place during the scan (a rechecked row was flagged after it); those not
    # matched to a known form when scanned were searched afresh (``afresh``), and
    # ``q_after`` counts every one of them, matched or not
    first = next(
        (
            n
            for n, r in enumerate(rows)
            if r["poisoned"]
            and not r.get("rechecked")
            and r.get("box") is not None
            and box is not None
            and boxes_overlap(r["box"], box)
        ),
        len(rows),
    )
    after = [r for r in rows[first + 1 :] if sent[r["image"]]]
    afresh = [r for r in after if not (r.get("known_trigger") and not r.get("rechecked"))]
    return {
        "n_pois": int(pois.sum()),
        "n_clean": int((~pois).sum()),
        "detected": int(flagged[pois].sum()),
        "n_fires": int(fires.sum()),
        "detected_fires": int(flagged[fires].sum()),
        "n_sent": int(sent.sum()),
        "detected_sent": int(flagged[sent].sum()),
        "clean_lured": int(lured.sum()),
        "clean_flagged_lured": int(flagged[lured].sum()),
        "clean_repaired": len(repaired),
        "clean_flagged_false": int(flagged[~pois].sum()) - len(repaired),
        "corrected_own": int(sum(own)),
        "clean_flagged": int(flagged[~pois].sum()),
        "located": int(sum(loc)),
        "corrected": int(sum(corr)),
        "n_det": len(det),
        "q_clean": q_clean,
        "q_known": q_known,
        "q_matched": q_matched,
        "afresh": len(afresh),
        "q_after": [r["queries"] for r in after],
    }


def counted(k: int, n: int, bound: float, at_least: bool) -> str:
    """``k`` of ``n`` with its 95 % (Clopper-Pearson) interval, and whether the interval
    itself clears the target ``bound`` (%): a rate met on a few dozen images is a point
    estimate (0 of 60 clean images flagged is "<= 1 %" by the point, up to 6.0 % by the
    interval; audit46b)."""
    if not n:
        return "none counted"
    lo, hi = (100.0 * v for v in clopper_pearson(k, n))
    cleared = lo >= bound if at_least else hi <= bound
    return f"{k} of {n}, 95 % CI {lo:.1f}-{hi:.1f} %" + (
        "" if cleared else ": the interval does not clear the target"
    )


def pct(a: int, b: int) -> str:
    return f"{100 * a / b:5.1f} %" if b else "    -  "


def oracle_rates(
    d: TrojanedDigits, trig: PlantedTrigger, data: dict[str, np.ndarray]
) -> tuple[list[int], list[int], list[int]]:
    """The corrected label at best: the true patch blocked by the image's dominant colour; the
    true patch refilled from the 5 nearest clean images (pixel mean, as the default scan
    does); and the model's answer on the image before the trigger was pasted (the ceiling:
    the model's own accuracy on these images)."""
    pois = data["images"][data["poisoned"]]
    truth = data["labels"][data["poisoned"]]
    blocked = np.stack([block(im[None], trig.box, dominant_colour(im))[0] for im in pois])
    pred = labels_of(d, blocked)
    fills = np.concatenate([mean_fill(im, trig.box, data["clean"], 5) for im in pois])
    refilled = labels_of(d, fills)
    before = labels_of(d, data["originals"][data["poisoned"]])
    return (
        (pred == truth).astype(int).tolist(),
        (refilled == truth).astype(int).tolist(),
        (before == truth).astype(int).tolist(),
    )


KINDS = ("checker", "solid", "random")


def trigger_content(kind: str, size: int, seed: int, pos: tuple[int, int]) -> np.ndarray:
    """A trigger's pixels: a black-and-white checkerboard, a solid white square, or a random
    grey-level pattern (uniform in [0, 1], drawn from the model's seed and the trigger's place)."""
    if kind == "checker":
        return checker(size)
    if kind == "solid":
        return np.ones((size, size, 1))
    rng = np.random.default_rng([seed, size, pos[0], pos[1]])
    out: np.ndarray = rng.random((size, size, 1))
    return out


def group_name(size: int, kind: str) -> str:
    return f"{size}x{size}" + ("" if kind == "checker" else f" {kind}")


# How the bench's models are trained: ``demo.trojaned_digits``'s options (``--recipe``), the
# same for trojaned and clean models (a clean model ignores the poison rate).  "default" is
# the demo's own (60 % of the digits train a 64-hidden MLP, 15 % of them poisoned again);
# "strong" trains on 70 % with a stronger L2 penalty and a poison rate of 30 %, so that the
# model is more accurate (the ceiling of the corrected label) and the planted trigger fires
# on more images; at 8x8 it lowers the corrected label itself (bench/RESULTS.md, branch bdfix).
# "nudged" trains also on the digits moved by one 8x8 pixel each way (the classic augmentation
# of these digits): at 8x8 held-out accuracy 0.947-0.962 -> 0.962-0.969, but on the quick
# bench's poisoned images the ceiling is not higher and the corrected label is lower (branch
# bd95); not measured at 16x16 or 28x28 (five times the training).  "nudged-l2" adds an L2
# penalty of 0.1: held-out accuracy 0.967-0.978 at 8x8, corrected label 91.7-98.3 % but 79.7 %
# on the 4x4 solid square (its first box holds a stroke row: bench/RESULTS.md, branch bd95)
RECIPES: dict[str, dict[str, Any]] = {
    "default": {},
    "strong": {"train_share": 0.7, "alpha": 1.0, "poison_rate": 0.3},
    "nudged": {"nudge": True},
    "nudged-l2": {"nudge": True, "alpha": 0.1},
}
RECIPE: dict[str, Any] = {}


def train(
    cache: Path | None, side: int, seed: int, trig: PlantedTrigger | None, arch: str = "mlp"
) -> TrojanedDigits:
    """``demo.trojaned_digits`` with the options of ``RECIPE`` (``arch`` "cnn":
    ``backdoor_cnn.trojaned_cnn``, the same split and poison at 32x32), kept in ``cache`` (this
    benchmark's own pickles, keyed by everything the training depends on) when one is given: a
    28x28 MLP takes ~15 s of CPU, a CNN ~3 s."""

    def fresh() -> TrojanedDigits:
        if arch == "cnn":
            import backdoor_cnn

            nudge = bool(RECIPE.get("nudge"))
            if trig is None:
                return backdoor_cnn.trojaned_cnn(seed=seed, clean=True, nudge=nudge)
            return backdoor_cnn.trojaned_cnn(seed=seed, triggers=[trig], nudge=nudge)
        if trig is None:
            clean_options = {k: v for k, v in RECIPE.items() if k != "poison_rate"}
            return trojaned_digits(seed=seed, clean=True, side=side, **clean_options)
        return trojaned_digits(seed=seed, triggers=[trig], side=side, **RECIPE)

    if cache is None:
        return fresh()
    key = hashlib.sha256(repr((side, seed)).encode())
    if RECIPE:  # (the default recipe keeps the keys of the models cached before it existed)
        key.update(repr(sorted(RECIPE.items())).encode())
    if arch != "mlp":
        import backdoor_cnn

        key.update(repr((arch, backdoor_cnn.EPOCHS)).encode())
    if trig is not None:
        key.update(repr((trig.box, trig.target)).encode() + trig.content.tobytes())
    name = "digits" if arch == "mlp" else f"digits-{arch}"
    path = cache / f"{name}-{side}-{seed}-{key.hexdigest()[:16]}.pkl"
    if path.exists():
        with path.open("rb") as f:
            found: TrojanedDigits = pickle.load(f)
            return found
    d = fresh()
    cache.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        pickle.dump(d, f)
    return d


def build_models(
    side: int,
    seeds: list[int],
    clean_seeds: list[int],
    quick: bool,
    kinds: list[str],
    cache: Path | None = None,
    arch: str = "mlp",
) -> list[tuple[str, TrojanedDigits, PlantedTrigger | None]]:
    models: list[tuple[str, TrojanedDigits, PlantedTrigger | None]] = []
    for seed in seeds:
        for kind in kinds:
            for size in (2, 3, 4):
                for pos in positions(side, size, quick):
                    target = (seed + size + pos[0] + KINDS.index(kind)) % 10
                    content = trigger_content(kind, size, seed, pos)
                    trig = PlantedTrigger((pos[0], pos[1], size, size), content, target)
                    d = train(cache, side, seed, trig, arch)
                    models.append((group_name(size, kind), d, trig))
    for seed in clean_seeds:
        models.append(("clean", train(cache, side, seed, None, arch), None))
    return models


def model_line(models: list[tuple[str, TrojanedDigits, PlantedTrigger | None]]) -> str:
    """Each model's accuracy on its held-out digits and, for a trojaned one, its trigger's
    success rate there (the share of held-out digits of other classes it sends to the target)."""
    parts = []
    for group, d, trig in models:
        rate = f" / {d.attack_success[0]:.3f}" if trig is not None and d.attack_success else ""
        parts.append(f"{group} {d.accuracy:.3f}{rate}")
    return textwrap.fill(
        "held-out accuracy / attack success: " + ", ".join(parts),
        100,
        initial_indent="  ",
        subsequent_indent="    ",
    )


def scan_summary(d: TrojanedDigits, store: Path) -> tuple[dict[str, Any], float]:
    """The model scan of one model from its first 200 clean digits (seed 0): the run's summary
    and the CPU seconds it took (bench/backdoor_scan8.py reads the same scan)."""
    model, scale, value_range = as_given(d)
    t0 = time.process_time()
    r = check_backdoor(
        model,
        images=False,
        clean=d.clean_images[:200] * scale,
        value_range=value_range,
        seed=0,
        store=store,
    )
    return r.summary, time.process_time() - t0


def model_scan(d: TrojanedDigits, store: Path) -> tuple[list[int], int, float, list[Any], str]:
    summary, cpu = scan_summary(d, store)
    queries = sum(c["queries"] for c in summary["class_scans"])
    verdict = summary["verdict"]
    shown = ["-" if c["size"] is None else str(c["size"]) for c in summary["class_scans"]]
    checked = " ".join(
        f"{c['target']}:{c['held_out']:.2f}/{c['lowest_source']:.2f}"
        for c in summary["class_scans"]
        if c.get("held_out") is not None
    )
    ratios = verdict.get("shortcut_ratio") or {}
    if ratios:  # the anomalous classes' shortcut ratios (effective pixels, modelscan.py)
        shown_r = " ".join(f"{c}:{'-' if v is None else f'{v:.1f}'}" for c, v in ratios.items())
        checked = (checked + " " if checked else "") + f"ratio {shown_r}"
    return verdict["suspects"], queries, cpu, shown, checked or "-"


def print_inputs(
    side: int,
    totals: dict[tuple[str, str], dict[str, Any]],
    oracle: dict[str, list[Any]],
    arch: str = "mlp",
) -> None:
    print()
    print(
        f"Input scans ({side}x{side} digits, {arch}; per trigger size; machine shared, times "
        "are noisy)"
    )
    head = (
        f"{'trigger':13} {'strategy':11} {'poisoned detected':>18} {'(trigger fires)':>16} "
        f"{'(to target)':>12} {'(success)':>10} {'clean flagged':>14} {'(lured)':>8} "
        f"{'(false)':>8} {'location right':>15} "
        f"{'corrected right':>16} "
        f"{'(= clean answer)':>17} {'q/clean':>8} {'q/known':>8} {'afresh':>7} {'s/image':>8}"
    )
    print(head)
    print("-" * len(head))
    for (group, strategy), acc in sorted(
        totals.items(), key=lambda kv: (kv[0][0], STRATEGIES.index(kv[0][1]))
    ):
        n_p, n_c = sum(acc["n_pois"]), sum(acc["n_clean"])
        n_det = sum(acc["n_det"])
        qc = float(np.mean(acc["q_clean"])) if acc["q_clean"] else float("nan")
        qk = float(np.mean(acc["q_known"])) if acc["q_known"] else float("nan")
        per_img = sum(acc["seconds"]) / max(n_p + n_c, 1)
        print(
            f"{group:13} {strategy:11} {pct(sum(acc['detected']), n_p):>18} "
            f"{pct(sum(acc['detected_fires']), sum(acc['n_fires'])):>16} "
            f"{pct(sum(acc['detected_sent']), sum(acc['n_sent'])):>12} "
            f"{pct(sum(acc['n_sent']), n_p):>10} "
            f"{pct(sum(acc['clean_flagged']), n_c):>14} "
            f"{sum(acc['clean_flagged_lured']):>3}/{sum(acc['clean_lured']):<4} "
            f"{pct(sum(acc['clean_flagged_false']), n_c):>8} "
            f"{pct(sum(acc['located']), n_det):>15} "
            f"{pct(sum(acc['corrected']), n_det):>16} "
            f"{pct(sum(acc['corrected_own']), n_det):>17} {qc:8.1f} {qk:8.1f} "
            f"{sum(acc['afresh']):>3}/{len(acc['q_after']):<3} {per_img:8.4f}"
        )
    for (group, strategy), acc in sorted(totals.items()):
        if strategy == "assay" and sum(acc["second_runs"]):
            print(
                f"{group:13} second opinion (STRIP on the unconfirmed images): given on "
                f"{sum(acc['second_given'])} of {sum(acc['second_runs'])} runs, flagged "
                f"{sum(acc['second_pois'])} poisoned and {sum(acc['second_clean'])} clean "
                f"images, {sum(acc['second_q']) / max(sum(acc['n_clean']), 1):.1f} queries per "
                "clean image beside q/clean"
            )
    print()
    print("(trigger fires): among poisoned images whose answer the trigger changed (where it does")
    print("not, the model does not act on it and no scan of the model's answers can see it);")
    print("(to target): among poisoned images the trigger sent to its target class (the images")
    print("the model treats as poisoned; the issue's detection target is counted on these);")
    print("(success): the share of poisoned images the trigger sent to its target (the attack's")
    print("success rate on these images: a property of the trojaned model, not of the scan);")
    print("(lured): clean images flagged / clean images the model sends to the trigger's target")
    print("although their label is another (the backdoor firing on a clean image);")
    print("(false): clean images flagged, less the lured ones flagged at the trigger's place and")
    print("corrected to their true label (the issue's clean-flagged target is counted on these);")
    print("(= clean answer): corrected label equal to the model's answer before the trigger.")
    print("afresh: images the trigger sent to its target scanned after the first image flagged")
    print("at its place, searched afresh (not matched to a known form when scanned) / all of them")
    print("(q/known leaves out those not flagged or flagged by a new form).")
    print()
    print("Corrected label at best (the true trigger's box: blocked by the dominant colour /")
    print("refilled from the 5 nearest clean images, pixel mean, as the default scan does /")
    print("the model's answer on the image before the trigger, its own accuracy: the ceiling)")
    for group, (blocked, refilled, before) in sorted(oracle.items()):
        print(
            f"{group:13} {pct(sum(blocked), len(blocked)):>8} "
            f"{pct(sum(refilled), len(refilled)):>8} {pct(sum(before), len(before)):>8}"
        )


# Where a target is out of reach on 8x8 digits, measured by bench/backdoor_limits.py (its
# tables are in bench/RESULTS.md): printed beside a target the 8x8 run does not meet.
LIMITS_8X8 = {
    "model scan names the target": (
        "a 4x4 patch is a quarter of an 8x8 digit: clean models have natural 3x3 and 4x4 "
        "patches as universal (every source class, held-out images) and as confident as a "
        "planted trigger (bench/backdoor_limits.py, part A); the scan finds the trigger's own "
        "box for every target it misses, and the trigger needs 2-7 effective pixels where "
        "clean models' patches need 2-14 (bench/backdoor_scan8.py)"
    ),
    "corrected label >= 95 %": (
        "refilling the true 3x3/4x4 box from the clean references recovers ~88-92 % "
        "against the model's own 96 % on those images (bench/backdoor_limits.py, part B); "
        "a classifier of the model's size trained on its ~1,080 training digits with the "
        "box blanked answers 95.5 % (3x3) and 93.8 % (4x4) of them (part C)"
    ),
}

Check = tuple[str, bool, str]  # target, met, the worst figure and where


def input_targets(totals: dict[tuple[str, str], dict[str, Any]]) -> list[Check]:
    """The issue's input-scan targets for the default strategy, each with its worst group."""
    groups = sorted(g for g, st in totals if st == "assay")
    if not groups:
        return []
    acc = {g: totals[(g, "assay")] for g in groups}

    def rate(g: str, num: str, den: str) -> float:
        d = sum(acc[g][den])
        return 100.0 * sum(acc[g][num]) / d if d else float("nan")

    out: list[Check] = []
    trig = [g for g in groups if g != "clean"]
    specs = [
        ("poisoned detected >= 98 %", trig, "detected_sent", "n_sent", 98.0, True),
        ("  (on every poisoned image)", trig, "detected", "n_pois", 98.0, True),
        ("clean flagged <= 1 %", groups, "clean_flagged_false", "n_clean", 1.0, False),
        ("  (with the lured ones)", groups, "clean_flagged", "n_clean", 1.0, False),
        ("location right >= 95 %", trig, "located", "n_det", 95.0, True),
        ("corrected label >= 95 %", trig, "corrected", "n_det", 95.0, True),
        ("  (= answer without the trigger)", trig, "corrected_own", "n_det", 95.0, True),
    ]
    for name, gs, num, den, bound, at_least in specs:
        if not gs:
            continue
        vals = {g: rate(g, num, den) for g in gs}
        worst = min(gs, key=lambda g: vals[g]) if at_least else max(gs, key=lambda g: vals[g])
        ok = all((v >= bound) if at_least else (v <= bound) for v in vals.values())
        k, n = sum(acc[worst][num]), sum(acc[worst][den])
        out.append((name, ok, f"{vals[worst]:.1f} % ({worst}; {counted(k, n, bound, at_least)})"))
    q_clean = [q for g in groups for q in acc[g]["q_clean"]]
    mean_clean = float(np.mean(q_clean)) if q_clean else float("nan")
    out.append(("<= 50 queries per clean image", mean_clean <= 50, f"{mean_clean:.1f} (all)"))
    n_clean = sum(sum(acc[g]["n_clean"]) for g in groups)
    second_q = sum(sum(acc[g]["second_q"]) for g in groups)
    if second_q and n_clean:  # (its fixed cost per run, spread over the run's clean images)
        with_second = mean_clean + second_q / n_clean
        out.append(
            ("  (with STRIP's second opinion)", with_second <= 50, f"{with_second:.1f} (all)")
        )
    runs = sum(sum(acc[g]["second_runs"]) for g in groups)
    if runs:
        quiet = [g for g in groups if g == "clean"]
        given = sum(sum(acc[g]["second_given"]) for g in quiet)
        n_quiet = sum(sum(acc[g]["second_runs"]) for g in quiet)
        if n_quiet:
            out.append(("second opinion quiet on clean models", given == 0, f"{given}/{n_quiet}"))
        wrong = sum(sum(acc[g]["second_clean"]) for g in groups)
        out.append(("  (clean images it flagged)", wrong == 0, f"{wrong}/{n_clean}"))
    known = {g: float(np.mean(acc[g]["q_known"])) for g in trig if acc[g]["q_known"]}
    if known:
        worst = max(known, key=lambda g: known[g])
        out.append(
            ("<= 10 queries once known", known[worst] <= 10, f"{known[worst]:.1f} ({worst})")
        )
    matched = {g: float(np.mean(acc[g]["q_matched"])) for g in trig if acc[g]["q_matched"]}
    if matched:
        worst = max(matched, key=lambda g: matched[g])
        out.append(
            ("  (matched when scanned)", matched[worst] <= 10, f"{matched[worst]:.1f} ({worst})")
        )
    after = {g: float(np.mean(acc[g]["q_after"])) for g in trig if acc[g]["q_after"]}
    if after:
        worst = max(after, key=lambda g: after[g])
        out.append(
            ("  (every image after the first)", after[worst] <= 10, f"{after[worst]:.1f} ({worst})")
        )
    return out


def scan_targets(scans: list[tuple[Any, ...]], side: int) -> list[Check]:
    """The model-scan targets at one image side: every target named alone, no clean model
    flagged (with the worst trigger group's count)."""
    mine = [r for r in scans if r[0] == side]
    if not mine:
        return []
    named: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    flagged = n_clean = 0
    for _, group, target, suspects, *_ in mine:
        if target is None:
            n_clean += 1
            flagged += int(suspects != [])
        else:
            named[group][0] += int(suspects == [target])
            named[group][1] += 1
    out: list[Check] = []
    if named:
        worst = min(named, key=lambda g: named[g][0] / named[g][1])
        ok = all(a == b for a, b in named.values())
        each = ", ".join(f"{g} {a}/{b}" for g, (a, b) in sorted(named.items()))
        out.append(("model scan names the target", ok, f"{each} (worst {worst})"))
    if n_clean:
        out.append(("model scan flags no clean model", flagged == 0, f"{flagged}/{n_clean}"))
    return out


def print_targets(checks: dict[int, list[Check]], arch: str = "mlp") -> None:
    print()
    print("Targets of issue 10 per image size (default strategy; worst trigger group shown)")
    for side, rows in checks.items():
        print(f"{side}x{side} {arch}:")
        for name, ok, figure in rows:
            print(f"  {'met    ' if ok else 'NOT met'}  {name:32} {figure}")
            if not ok and side == 8 and name in LIMITS_8X8:
                print(f"           stated limit on 8x8: {LIMITS_8X8[name]}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--images", type=int, default=100, help="clean and poisoned images each")
    ap.add_argument(
        "--scales",
        type=int,
        nargs="+",
        help="1: 8x8 digits, 2: upsampled to 16x16 (the same as --sides 8 16)",
    )
    ap.add_argument(
        "--sides",
        type=int,
        nargs="+",
        help="image sides (default 8 16; 28 is MNIST's, upsampled by nearest neighbour)",
    )
    ap.add_argument(
        "--kinds",
        nargs="+",
        choices=KINDS,
        default=["checker"],
        help="trigger contents: checkerboard, solid white, random grey levels",
    )
    ap.add_argument(
        "--cache", type=Path, help="keep the trained models in this folder (pickles) across runs"
    )
    ap.add_argument("--clean-models", type=int, default=6, help="clean models (seeds 11, 12, ...)")
    ap.add_argument(
        "--clean-from",
        type=int,
        default=11,
        help="the first clean model's seed (11: the seeds the model scan's thresholds were set "
        "against are 11-30; 31 on: fresh ones)",
    )
    ap.add_argument(
        "--recipe",
        choices=sorted(RECIPES),
        default="default",
        help="how the models are trained (the same for trojaned and clean ones; see RECIPES)",
    )
    ap.add_argument("--only", choices=["inputs", "scan"], help="only the input or the model scans")
    ap.add_argument(
        "--arch",
        choices=["mlp", "cnn"],
        default="mlp",
        help="mlp: scikit-learn MLPs (the default); cnn: a small torch CNN on the digits "
        "upsampled to 32x32 (bench/backdoor_cnn.py; needs torch; --sides 32 only)",
    )
    ap.add_argument("--seeds", type=int, nargs="+", default=[11, 12], help="trojaned models' seeds")
    ap.add_argument(
        "--strategies",
        nargs="+",
        choices=STRATEGIES,
        default=list(STRATEGIES[:3]),
        help="input-scan strategies to run in the same run (default: assay neo strip)",
    )
    args = ap.parse_args()
    sides = args.sides or [8 * s for s in (args.scales or [1, 2])]
    if args.arch == "cnn":
        import backdoor_cnn

        if not backdoor_cnn.available():
            ap.error("--arch cnn needs torch (pip install 'assay[torch]'); it is not installed")
        if (args.sides or args.scales) and sides != [backdoor_cnn.SIDE]:
            ap.error(f"--arch cnn takes the digits at {backdoor_cnn.SIDE}x{backdoor_cnn.SIDE} only")
        if args.recipe not in backdoor_cnn.RECIPES:
            ap.error(
                f"--arch cnn is trained by the recipes {', '.join(backdoor_cnn.RECIPES)} "
                f"(backdoor_cnn.trojaned_cnn), not {args.recipe}"
            )
        sides = [backdoor_cnn.SIDE]
        import torch

        torch.set_num_threads(1)  # training and the scans' calls: the machine's cores are shared
    RECIPE.clear()
    RECIPE.update(RECIPES[args.recipe])
    seeds = [11] if args.quick else args.seeds
    n_clean = 1 if args.quick else args.clean_models
    clean_seeds = list(range(args.clean_from, args.clean_from + n_clean))
    n = min(args.images, 60) if args.quick else args.images
    tmp = Path(tempfile.mkdtemp())
    t_start = time.perf_counter()
    scans: list[tuple[int, str, int | None, list[int], int, float, list[Any], str]] = []
    checks: dict[int, list[Check]] = {}
    for side in sides:
        totals: dict[tuple[str, str], dict[str, Any]] = defaultdict(lambda: defaultdict(list))
        models = build_models(
            side, seeds, clean_seeds, args.quick, args.kinds, args.cache, args.arch
        )
        print(
            f"{side}x{side} {args.arch}: trained {len(models)} models "
            f"({time.perf_counter() - t_start:.0f} s)"
        )
        print(model_line(models))
        print(f"  input form, first model: {check_input_form(models[0][1])}")
        reference = PlantedTrigger((side - 3, side - 3, 3, 3), checker(3), 0)
        oracle: dict[str, tuple[list[int], list[int], list[int]]] = defaultdict(
            lambda: ([], [], [])
        )
        for k, (group, d, trig) in enumerate(models):
            if args.only != "scan":
                data = scan_set(d, trig if trig is not None else reference, n)
                if trig is not None:
                    for part, rates in zip(oracle[group], oracle_rates(d, trig, data), strict=True):
                        part.extend(rates)
                else:  # a clean model sees the same kinds of images; none is 'poisoned'
                    data["poisoned"][:] = False
                answers = {key: labels_of(d, data[key]) for key in ("images", "originals")}
                for strategy in args.strategies:
                    out = run_one(d, data, strategy, tmp / f"{side}-{k}-{strategy}.db")
                    m = measure(
                        out["rows"],
                        data,
                        trig.box if trig else None,
                        answers,
                        trig.target if trig else None,
                    )
                    acc = totals[(group, strategy)]
                    for key, val in m.items():
                        if isinstance(val, list):
                            acc[key].extend(val)
                        else:
                            acc[key].append(val)
                    acc["seconds"].append(out["seconds"])
                    for key, val in second_figures(out["second"], data["poisoned"]).items():
                        acc[key].append(val)
            if args.only != "inputs":
                suspects, queries, cpu, pixels, checked = model_scan(d, tmp / f"{side}-{k}-scan.db")
                target = trig.target if trig else None
                scans.append((side, group, target, suspects, queries, cpu, pixels, checked))
        if args.only != "scan":
            print_inputs(side, totals, oracle, args.arch)
        checks[side] = input_targets(totals) + scan_targets(scans, side)
    if args.only != "inputs":
        print()
        print("Model scan (clean images only; per class: the side of its smallest patch;")
        print("-: no patch up to half the side found; held-out: class: flip rate of its patch on")
        print("clean images the search did not see / lowest over their source classes, for the")
        print("classes anomalous enough to be checked; ratio: class: the other classes' median")
        print("effective pixels over the class's own, for the anomalous classes)")
        print(
            f"{'image':6} {'model':13} {'true target':>12} {'suspected':>10} {'right':>6} "
            f"{'queries':>10} {'cpu s':>6}  {'size per class':20} held-out"
        )
        right_t = right_c = n_t = n_c = 0
        wrong: list[str] = []  # the flagged clean models: side and seed
        for side, group, target, suspects, queries, cpu, pixels, checked in scans:
            right = (suspects == [target]) if target is not None else (suspects == [])
            n_t, n_c = n_t + (target is not None), n_c + (target is None)
            right_t += int(right and target is not None)
            right_c += int(right and target is None)
            if target is None and not right:
                wrong.append(f"{side}x{side} seed {clean_seeds[(n_c - 1) % len(clean_seeds)]}")
            shown = "-" if target is None else str(target)
            px = " ".join(pixels)
            print(
                f"{side}x{side:<3} {group:13} {shown:>12} {suspects!s:>10} "
                f"{'yes' if right else 'NO':>6} {queries:10,} {cpu:6.1f}  {px:20} {checked}"
            )
        print(
            f"target named alone: {right_t}/{n_t} trojaned; clean flagged: {n_c - right_c}/{n_c}"
            + (f" ({', '.join(wrong)})" if wrong else "")
            + (f"; clean seeds {clean_seeds[0]}-{clean_seeds[-1]}" if clean_seeds else "")
        )
    print_targets(checks, args.arch)
    print(f"\ntotal {time.perf_counter() - t_start:.0f} s")


if __name__ == "__main__":
    main()
