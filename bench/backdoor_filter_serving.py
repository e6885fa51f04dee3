"""The run-time filter in a serving loop (prints a table; not a test): latency per image of
the filter around a model against the model alone, measured in the same run, interleaved.

A trojaned digits MLP (``trojaned_digits(seed=1)``: 3x3 checker at (5, 5) -> 7, scikit-learn,
flattened rows in 0..16) behind ``assay.models.load_model``; its filter written with the
planted trigger and 200 clean digits (``save_filter``, as ``--export-filter`` writes it) and
read back with ``load_filter``.  Per batch size (1 and 512) and input kind (held-out clean
digits; the same digits poisoned, every one a carrier), ``--rounds`` interleaved rounds of the
model alone and the filter over the same inputs: CPU seconds per image (``process_time``,
steadier than wall time on a shared machine) and wall seconds per image, medians.  Then what
it answers: held-out clean digits flagged and changed, and ``--threads`` threads calling the
filter at once answer as one thread does.

    python bench/backdoor_filter_serving.py              # 1 and 512, 5 rounds, 4 threads
    python bench/backdoor_filter_serving.py --rounds 9 --sizes 1 64 512
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from assay.backdoor.demo import trojaned_digits
from assay.backdoor.filter import load_filter, save_filter
from assay.backdoor.patches import Trigger
from assay.models import load_model


def per_image(
    call: Callable[[np.ndarray], object], x: np.ndarray, size: int
) -> tuple[float, float]:
    """CPU and wall seconds per image of ``call`` over ``x`` in batches of ``size``."""
    cpu, wall = time.process_time(), time.perf_counter()
    for i in range(0, len(x), size):
        call(x[i : i + size])
    return (time.process_time() - cpu) / len(x), (time.perf_counter() - wall) / len(x)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1, 512])
    ap.add_argument("--threads", type=int, default=4)
    args = ap.parse_args()
    d = trojaned_digits(seed=1)
    model = load_model(d.model, modality="image")
    planted = d.triggers[0]
    trig = Trigger(
        box=planted.box, content=planted.content, target=planted.target, flip_rate=1.0, source=0
    )
    clean, held = d.clean_images[:200], d.clean_images[200:]
    with tempfile.TemporaryDirectory() as tmp:
        path = save_filter(Path(tmp) / "f.json", d.spec, [trig], model=model, references=clean)
        filt = load_filter(path, model)
    rows = {"clean": d.spec.to_model(held), "poisoned": d.spec.to_model(planted.apply(held))}
    print(f"{len(held)} held-out digits; medians of {args.rounds} interleaved rounds")
    print(
        f"{'batch':>5} {'inputs':>8} {'model cpu us':>12} {'filter cpu us':>13} "
        f"{'x':>5} {'model wall us':>13} {'filter wall us':>14} {'x':>5}"
    )
    for size in args.sizes:
        for kind, x in rows.items():
            runs: dict[str, list[tuple[float, float]]] = {"model": [], "filter": []}
            for _ in range(args.rounds):
                runs["model"].append(per_image(model.predict, x, size))
                runs["filter"].append(per_image(filt.predict, x, size))
            m = np.median(np.asarray(runs["model"]), axis=0) * 1e6
            f = np.median(np.asarray(runs["filter"]), axis=0) * 1e6
            print(
                f"{size:>5} {kind:>8} {m[0]:>12.1f} {f[0]:>13.1f} {f[0] / m[0]:>5.1f} "
                f"{m[1]:>13.1f} {f[1]:>14.1f} {f[1] / m[1]:>5.1f}"
            )
    x = rows["clean"]
    alone = np.asarray(model.predict(x))
    answers, flags = filt.predict_flagged(x)
    changed = int(np.sum(answers.argmax(axis=1) != alone.argmax(axis=1)))
    print(f"held-out clean: {int(flags.sum())} of {len(x)} flagged, {changed} answers changed")
    both = np.concatenate([rows["clean"], rows["poisoned"]])
    batches = [both[i : i + 7] for i in range(0, len(both), 7)]
    one = [filt.predict_flagged(b) for b in batches]
    with ThreadPoolExecutor(args.threads) as pool:
        many = list(pool.map(filt.predict_flagged, batches))
    odd = sum(
        not (np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1]))
        for a, b in zip(one, many, strict=True)
    )
    print(
        f"{args.threads} threads, {len(batches)} batches of 7: {odd} answered otherwise "
        "than on one thread"
    )


if __name__ == "__main__":
    main()
