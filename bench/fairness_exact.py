"""Benchmark of the exact fairness analysis on Adult (prints a table; not a test).

Models trained on the built-in Adult data (the 13-integer encoding) with fixed random states:

- ``DecisionTreeClassifier(random_state=0)``: exact share and region, sex and race (target < 5 s);
- ``RandomForestClassifier(n_estimators=50, max_depth=8)`` and
  ``GradientBoostingClassifier(n_estimators=100, max_depth=3)``: exact, or bounds within 0.1
  percentage points, within 60 s (the time and the bound width are printed); when the branch
  and bound leaves boxes undecided, the 95 % interval from sampling them is printed as well,
  with its width (statistical, not certain);
- regions learned from an unbiased uniform sample of the tree, and exact regions learned from
  every discriminatory box of its exact analysis (target < 10 s; both timed).

Baseline, measured in the same run: the sampling estimate of the same share to a 95 %
half-width of 0.1 percentage points (``estimate_share``), so the exact figure can be compared
with what sampling gives in the same time.

    python bench/fairness_exact.py              # 60 s budget per ensemble and attribute
    python bench/fairness_exact.py --quick      # 10 s budget
    python bench/fairness_exact.py --models forest-50x8   # the forest's rows only
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from sklearn.ensemble import GradientBoostingClassifier, RandomForestClassifier
from sklearn.tree import DecisionTreeClassifier

from assay.core.rng import generator
from assay.datasets import load_dataset
from assay.fairness.encoded import EncodedModel
from assay.fairness.estimate import estimate_share
from assay.fairness.exact import analyse, compose_read
from assay.fairness.exact.rules import box_set, exact_rules
from assay.fairness.regions import rule_text
from assay.fairness.verdict import answer
from assay.models import load_model
from assay.models.trees import read_trees


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--budget", type=float, default=None)
    parser.add_argument(
        "--models",
        nargs="+",
        choices=["tree", "forest-50x8", "boosting-100x3"],
        default=None,
        help="only these rows (the regions, of the tree, only with it)",
    )
    args = parser.parse_args()
    budget = args.budget or (10.0 if args.quick else 60.0)
    ds = load_dataset("adult")
    x, y = ds.X, np.asarray(ds.target).astype(int)
    models = {
        "tree": DecisionTreeClassifier(random_state=0),
        "forest-50x8": RandomForestClassifier(n_estimators=50, max_depth=8, random_state=0),
        "boosting-100x3": GradientBoostingClassifier(n_estimators=100, max_depth=3, random_state=0),
    }
    models = {k: v for k, v in models.items() if args.models is None or k in args.models}
    print(f"exact analysis, Adult ({len(x):,} rows), time budget {budget:g} s per ensemble run")
    header = (
        f"{'model':<16}{'attr':<6}{'status':<9}{'certain bounds':>26}{'width pp':>10}"
        f"{'95 % interval (bounded)':>28}{'width pp':>10}"
        f"{'data share':>10}{'boxes':>8}{'time s':>8}{'cpu s':>7}{'sampling s':>11}"
    )
    print(header)
    print("-" * len(header))
    for name, est in models.items():
        est.fit(x, y)
        model = load_model(est)
        arrays = read_trees(model)
        assert not isinstance(arrays, str), arrays
        for attribute in ("sex", "race"):
            schema = ds.schema.with_protected([attribute])
            trees = compose_read(schema, arrays)
            assert not isinstance(trees, str), trees
            t0 = time.monotonic()
            c0 = time.process_time()
            result = analyse(
                schema,
                trees,
                attribute,
                data=x,
                time_budget=budget if name != "tree" else 600.0,
                tolerance=0.0 if name == "tree" else 0.001,
            )
            seconds = time.monotonic() - t0
            cpu = time.process_time() - c0
            t1 = time.monotonic()
            est_share = estimate_share(
                schema, EncodedModel(schema, model), generator(0), precision=0.001
            )
            sampling = time.monotonic() - t1
            lo, hi = result.uniform
            data = result.data or (float("nan"), float("nan"))
            est = result.estimate
            stat = (
                f"{100 * est['low']:>11.4f} – {100 * est['high']:>8.4f} %"
                f"{100 * (est['high'] - est['low']):>10.4f}"
                if est is not None
                else f"{'(exact)':>28}{'':>10}"
            )
            print(
                f"{name:<16}{attribute:<6}{result.status:<9}"
                f"{100 * lo:>12.4f} – {100 * hi:>8.4f} %{100 * (hi - lo):>10.4f}"
                f"{stat}{100 * data[0]:>9.3f}%{result.n_boxes:>8,}"
                f"{seconds:>8.2f}{cpu:>7.2f}{sampling:>11.2f}"
                f"   (sampling the model: {100 * est_share.share:.3f} %, "
                f"{100 * est_share.low:.3f} – {100 * est_share.high:.3f})"
            )
    print(
        "\nbounded: the certain bounds come from boxes the branch and bound settled; the 95 % "
        "interval inside them\nfrom uniform samples of the boxes left undecided, classed by "
        "the trees (a statistical interval, not a bound)."
    )
    if "tree" not in models:
        return
    # regions on the tree, from an unbiased sample (as a run without the exact analysis does)
    tree = models["tree"]
    schema = ds.schema.with_protected(["sex", "race"])
    model = EncodedModel(schema, load_model(tree))
    t0 = time.monotonic()
    got = answer(schema, model, generator(0), data=x, samples=20_000, class_names=("<=50K", ">50K"))
    seconds = time.monotonic() - t0
    print(
        f"\nregions (tree, sex and race, 20,000 uniform + 20,000 data rows each, incl. "
        f"queries): {seconds:.2f} s in all"
    )
    for r in got["regions"]:
        inside = "n/a" if r["share_inside"] is None else f"{100 * r['share_inside']:.1f} %"
        print(
            f"  {r['attribute']} #{r['rank']} {'confirmed' if r['confirmed'] else 'unconfirmed'}"
            f", inside {inside}, space {100 * r['weight_space']:.3f} %: {r['rule'][:140]}"
        )
    # exact regions on the tree: rules learned from every discriminatory box (target < 10 s)
    print("\nexact regions (tree; rules from every discriminatory box, exact figures):")
    arrays = read_trees(load_model(tree))
    assert not isinstance(arrays, str), arrays
    for attribute in ("sex", "race"):
        schema = ds.schema.with_protected([attribute])
        trees = compose_read(schema, arrays)
        assert not isinstance(trees, str), trees
        t0 = time.monotonic()
        result = analyse(schema, trees, attribute, data=x, time_budget=600.0)
        t1 = time.monotonic()
        assert result.every_box is not None and result.atoms is not None
        boxes = box_set(schema, result.atoms, result.every_box, skip=schema.index(attribute))
        rules = exact_rules(boxes, schema)
        t2 = time.monotonic()
        print(
            f"  {attribute}: {result.n_boxes:,} boxes; analysis {t1 - t0:.2f} s, rules "
            f"{t2 - t1:.2f} s, together {t2 - t0:.2f} s (target < 10 s)"
        )
        for rank, r in enumerate(rules, 1):
            print(
                f"    #{rank} inside {100 * r.share_inside:.2f} %, of the IDIs "
                f"{100 * r.recall:.1f} %, space {100 * r.volume:.3f} %: "
                f"{rule_text(schema, r.rule)[:140]}"
            )
    print("\nFigures are wall time on a shared machine; rerun for stable numbers.")


if __name__ == "__main__":
    main()
