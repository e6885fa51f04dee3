"""hostile53c's Left: a date column the model reads, given in a data file on the command
line, was refused with a Python recipe (a lambda around the model, ``check_fairness(...)``)
that a command-line user cannot type.  A file's refusal now gives the command line's way:
the file written again with days (a ``python -c`` line), a model file ``days.py:predict``
that turns them back, and the ``assay fairness`` command; followed here, it runs."""

from __future__ import annotations

import os
import pickle
import re
import shlex
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder

_DAYS = """import pandas as pd


def days(X):
    return X.assign(applied=(X["applied"] - pd.Timestamp("2021-01-01")).dt.days)
"""


def _assay(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(cwd), *sys.path])}
    return subprocess.run(
        [sys.executable, "-m", "assay", *args], cwd=cwd, env=env, capture_output=True,
        text=True, timeout=600,
    )  # fmt: skip


def test_a_data_files_date_the_model_reads_is_refused_with_the_command_lines_way(
    tmp_path: Path,
) -> None:
    (tmp_path / "datefn.py").write_text(_DAYS)
    sys.path.insert(0, str(tmp_path))
    try:
        import datefn

        rng = np.random.default_rng(0)
        n = 300
        frame = pd.DataFrame(
            {
                "sex": rng.choice(["F", "M"], n),
                "applied": pd.Timestamp("2021-01-01")
                + pd.to_timedelta(rng.integers(0, 90, n), "D"),
            }
        )
        late = (frame["applied"] - pd.Timestamp("2021-01-01")).dt.days > 45
        frame["label"] = np.where((frame["sex"] == "M") | late, "yes", "no")
        front = ColumnTransformer([("o", OneHotEncoder(), ["sex"])], remainder="passthrough")
        model = Pipeline(
            [("d", FunctionTransformer(datefn.days)), ("ct", front), ("m", LogisticRegression())]
        ).fit(frame.drop(columns="label"), frame["label"])
        (tmp_path / "m.pkl").write_bytes(pickle.dumps(model))
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("datefn", None)
    frame.to_parquet(tmp_path / "d.parquet")
    run = ["--protected", "sex", "--label", "label", "--max-queries", "300", "--seed", "1"]
    refused = _assay(["fairness", "m.pkl", "--allow-pickle", "--data", "d.parquet", *run], tmp_path)
    said = " ".join(refused.stderr.split())
    assert refused.returncode == 2, refused.stderr
    assert "the model takes it (its feature_names_in_ declares 'applied')" in said, said
    assert "check_fairness(" not in said  # (main: the Python recipe alone)
    # the way it gives, followed: the file with days, a model file, the command
    script = re.search(r"python -c ('[^']*'|\"[^\"]*\")", said)
    assert script is not None, said
    subprocess.run([sys.executable, "-c", shlex.split(script[1])[0]], cwd=tmp_path, check=True)
    back = re.search(r"def predict\(X\): (return .*?); then assay", said)
    assert back is not None, said
    (tmp_path / "days.py").write_text(
        "import pickle\nimport pandas as pd\n"
        "model = pickle.load(open('m.pkl', 'rb'))\n\n\n"
        f"def predict(X):\n    {back[1]}\n"
    )
    command = re.search(r"then assay fairness (days\.py:predict --data \S+) --classes", said)
    assert command is not None, said
    ran = _assay(
        ["fairness", *shlex.split(command[1]), "--classes", "no,yes", *run],
        tmp_path,
    )
    assert ran.returncode == 1, ran.stdout + ran.stderr  # (found: the model reads sex)
