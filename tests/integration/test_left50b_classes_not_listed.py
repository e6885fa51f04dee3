"""A model answering a class that the user's ``--classes`` does not list is a user error
(exit 2) naming the class answered and the list given, in the caller's terms (left50b;
hostile50's Left 3): it was "the model failed" (exit 3), "... not one of the classes declared
in --classes (classes=) ['no', 'yes']", both forms at once, though the mistake is the list's."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import assay
from assay.errors import UsageError

MODEL = """
import os

import numpy as np
import pandas as pd

calls = []


def model(x):
    calls.append(1)
    t = x if isinstance(x, pd.DataFrame) else pd.DataFrame(x, columns=["x", "z", "sex"])
    biased = (t["x"].astype(float) > 40) & (t["sex"].astype(float) == 1)
    out = np.where(biased, "yes", "no").astype(object)
    if len(calls) > int(os.environ.get("MAYBE_AFTER", "1000000")):
        out[0] = "maybe"
    return out
"""


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("classes")
    (d / "nm.py").write_text(MODEL)
    rng = np.random.default_rng(0)
    rows = np.column_stack([rng.integers(0, 100, (300, 2)), rng.integers(0, 2, 300)])
    pd.DataFrame(rows, columns=["x", "z", "sex"]).to_csv(d / "people.csv", index=False)
    return d


def _run(work: Path, tmp_path: Path, after: int | None) -> tuple[int, str]:
    env = dict(os.environ)
    if after is not None:
        env["MAYBE_AFTER"] = str(after)
    done = subprocess.run(
        [sys.executable, "-m", "assay", "fairness", "nm.py:model", "--data", "people.csv",
         "--protected", "sex", "--classes", "no,yes", "--max-queries", "3000", "--seed", "1",
         "--store", str(tmp_path / "r.db")],
        capture_output=True, text=True, env=env, timeout=300, cwd=work,
    )  # fmt: skip
    return done.returncode, done.stdout + done.stderr


def test_a_class_the_list_lacks_is_a_user_error_naming_both(work: Path, tmp_path: Path) -> None:
    rc, out = _run(work, tmp_path, after=40)
    assert rc == 2, out  # (main: 3, "the model failed")
    assert "answered 'maybe' for input 0, which --classes does not list" in out, out
    assert "(it gives 'no', 'yes')" in out and "(classes=)" not in out, out
    assert "the model failed" not in out and "Traceback" not in out, out
    assert "fix the problem in a new run" in out, out  # (a resume keeps --classes)
    assert "findings stored" in out, out
    clean_rc, clean = _run(work, tmp_path, after=None)  # (the same model, every class listed)
    assert clean_rc == 1, clean


def test_from_python_it_names_the_keyword(work: Path, tmp_path: Path) -> None:
    sys.path.insert(0, str(work))
    try:
        import nm  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(work))
    os.environ["MAYBE_AFTER"] = "40"
    try:
        with pytest.raises(UsageError) as raised:
            assay.check_fairness(
                nm.model, data=pd.read_csv(work / "people.csv"), protected="sex",
                classes=["no", "yes"], max_queries=3000, seed=1, store=tmp_path / "a.db",
            )  # fmt: skip
    finally:
        del os.environ["MAYBE_AFTER"]
    said = str(raised.value)
    assert "which classes does not list (it gives 'no', 'yes')" in said, said
    assert "--classes" not in said and "(classes=)" not in said, said
