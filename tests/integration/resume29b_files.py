"""What the resume29b tests share: a small table (x, z in 0-99 and sex) and the script that
runs the command line with one function replaced by a kill -9 of its own process."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import skops.io
from sklearn.tree import DecisionTreeClassifier

# the named function (module:name, argv[1]) kills its own process (SIGKILL: no handler runs)
KILLED = """
import importlib, os, signal, sys
module, name = sys.argv[1].rsplit(":", 1)
setattr(importlib.import_module(module), name, lambda *a, **k: os.kill(os.getpid(), signal.SIGKILL))
from assay.cli.app import main
main(sys.argv[2:])
"""


def write_people(folder: Path) -> None:
    """``folder/people.csv``: 200 rows of x, z (0-99, both ends present) and sex (0/1)."""
    rng = np.random.default_rng(0)
    rows = np.column_stack([rng.integers(0, 100, (200, 2)), rng.integers(0, 2, 200)])
    rows[:2, :2] = [[0, 0], [99, 99]]
    (folder / "people.csv").write_text(
        "x,z,sex\n" + "\n".join(",".join(map(str, r)) for r in rows) + "\n"
    )


def write_tree(folder: Path) -> None:
    """``folder/d.csv`` (x in 0-99, sex, the label y) and ``folder/m.skops``: a tree that
    favours sex == 1, refittable (--retrain) on its labelled rows."""
    rng = np.random.default_rng(0)
    x, sex = rng.integers(0, 100, 600), rng.integers(0, 2, 600)
    y = np.where(sex == 1, x >= 50, x >= 90).astype(int)
    pd.DataFrame({"x": x, "sex": sex, "y": y}).to_csv(folder / "d.csv", index=False)
    tree = DecisionTreeClassifier(random_state=0).fit(np.column_stack([x, sex]), y)
    skops.io.dump(tree, folder / "m.skops")
