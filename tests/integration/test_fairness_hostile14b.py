"""A hostile review of the fairness technique as a data scientist with their own pipeline and
data meets it (fourteenth session, hostile14b): extra columns in the data, continuous
protected attributes, label metrics on a constant label, a run backgrounded by a shell."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("sklearn")

from ci22_in_process import assay_here
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

import assay
from assay.errors import ModelError, UsageError

SRC = str(Path(assay.__file__).parents[1])
ENV = {**os.environ, "PYTHONPATH": SRC}
FEATURES = ["age", "sex", "race", "hours"]


def people(n: int = 400, seed: int = 0) -> pd.DataFrame:
    """Rows as they come from a warehouse: an id, the features, a timestamp, the label."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "customer_id": np.arange(n) + 10_000,
            "age": rng.integers(18, 80, n),
            "sex": rng.choice(["Female", "Male"], n),
            "race": rng.choice(["White", "Black", "Other"], n),
            "hours": rng.integers(10, 70, n),
            "signup": pd.date_range("2020-01-01", periods=n, freq="h").astype(str),
        }
    )
    score = 0.05 * (frame["hours"] - 40) + 1.5 * (frame["sex"] == "Male")
    frame["income"] = np.where(score + rng.normal(0, 0.5, n) > 0.5, ">50K", "<=50K")
    return frame


def pipeline(frame: pd.DataFrame) -> Pipeline:
    encode = ColumnTransformer(
        [
            ("cat", OneHotEncoder(handle_unknown="ignore"), ["sex", "race"]),
            ("num", StandardScaler(), ["age", "hours"]),
        ]
    )
    model = Pipeline([("pre", encode), ("clf", LogisticRegression(max_iter=500))])
    return model.fit(frame[FEATURES], frame["income"])


# -- 1. data with columns the model does not take ---------------------------------------------
def test_columns_a_declaring_model_does_not_take_are_set_aside_and_said(tmp_path: Path) -> None:
    frame = people()
    result = assay.check_fairness(
        pipeline(frame),
        data=frame,
        protected="sex",
        label="income",
        max_queries=2_000,
        seed=0,
        store=tmp_path / "runs.db",
    )
    said = " ".join(result.notes)
    assert "customer_id" in said and "signup" in said, said
    assert result.n_findings > 0  # the model was tested (it discriminates on sex)


def test_drop_sets_columns_aside_for_a_model_that_names_none(tmp_path: Path) -> None:
    frame = people()
    fitted = pipeline(frame)

    def predict(x: np.ndarray) -> np.ndarray:
        return np.asarray(fitted.predict_proba(pd.DataFrame(x, columns=FEATURES)))

    predict.classes_ = [">50K", "<=50K"][::-1]  # type: ignore[attr-defined]
    store = tmp_path / "runs.db"
    # the model names none of its columns: nothing is set aside without being asked
    with pytest.raises(UsageError, match=r"--drop signup"):
        assay.check_fairness(predict, data=frame, protected="sex", label="income", store=store)
    result = assay.check_fairness(
        predict,
        data=frame,
        protected="sex",
        label="income",
        drop=["customer_id", "signup"],
        max_queries=2_000,
        seed=0,
        store=store,
    )
    assert result.n_findings > 0
    with pytest.raises(UsageError, match=r"'sex' is the protected attribute"):
        assay.check_fairness(predict, data=frame, protected="sex", drop="sex", store=store)
    with pytest.raises(UsageError, match=r"'zip' is not a column"):
        assay.check_fairness(predict, data=frame, protected="sex", drop="zip", store=store)


def test_the_cli_sets_aside_with_drop_and_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import skops.io as sio

    frame = people()
    sio.dump(pipeline(frame), tmp_path / "model.skops")
    frame.to_csv(tmp_path / "people.csv", index=False)
    common = ["--data", "people.csv", "--protected", "sex", "--max-queries", "2000"]
    auto = assay_here(capsys, "fairness", "model.skops", *common, "--label", "income", cwd=tmp_path)
    assert auto.returncode == 1, auto.stderr  # tested, and found
    assert "set aside the data's column(s) customer_id, signup" in auto.stderr, auto.stderr
    # a column the model does take is never set aside on its own
    narrow = people()[["age", "sex", "hours", "race", "income"]]
    narrow.to_csv(tmp_path / "narrow.csv", index=False)
    missing = assay_here(
        capsys, "fairness", "model.skops", *common[2:], "--data", "narrow.csv", "--drop", "race",
        "--label", "income", cwd=tmp_path,
    )  # fmt: skip
    assert missing.returncode == 2, missing.stderr
    assert "race" in missing.stderr and "Traceback" not in missing.stderr


# -- 4. a run a shell started in the background (`assay fairness ... &`) ------------------------
SLOW = """
import time
import numpy as np
def predict(x):
    time.sleep(0.2)
    x = np.asarray(x, dtype=float)
    return ((x[:, 0] > 60) & (x[:, 2] == 1)).astype(int)
predict.classes_ = [0, 1]
"""


def test_a_backgrounded_run_ignores_sigint_in_its_search_too_and_stops_on_sigterm(
    tmp_path: Path,
) -> None:
    """A shell starts `cmd &` with SIGINT ignored (a Ctrl-C meant for the foreground job);
    the search put its own handler in place of that, so the run stopped there, and only
    there (loading and the answer ignored it)."""
    rng = np.random.default_rng(0)
    rows = ["age,hours,sex"] + [
        f"{rng.integers(18, 80)},{rng.integers(10, 60)},{rng.integers(0, 2)}" for _ in range(200)
    ]
    (tmp_path / "people.csv").write_text("\n".join(rows) + "\n")
    (tmp_path / "slow.py").write_text(SLOW)
    proc = subprocess.Popen(
        [sys.executable, "-m", "assay", "fairness", "slow.py:predict", "--data", "people.csv",
         "--protected", "sex", "--seed", "1", "--max-queries", "2000000", "--store", "s.db"],
        cwd=tmp_path, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )  # fmt: skip
    assert proc.stderr is not None
    seen = ""
    while "search:" not in seen:
        line = proc.stderr.readline()
        assert line, seen
        seen += line
    proc.send_signal(signal.SIGINT)
    time.sleep(3)
    assert proc.poll() is None, "a SIGINT the shell told the run to ignore stopped it"
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, seen + err
    assert "assay resume" in err


# -- 3. a label column that holds one class ----------------------------------------------------
def test_retraining_on_a_constant_label_is_refused_before_the_run(tmp_path: Path) -> None:
    """It crashed after the search (exit 5, 'internal error') when the refit refused the rows."""
    frame = people()
    model = pipeline(frame)
    frame["income"] = "<=50K"
    store = tmp_path / "runs.db"
    with pytest.raises(UsageError, match=r"label column 'income'.*one class only \('<=50K'\)"):
        assay.check_fairness(
            model, data=frame, protected="sex", label="income", retrain=True, store=store
        )
    assert not store.exists() or not assay.core.store.RunStore(store).list_runs()


def test_a_refit_that_raises_is_the_models_failure_not_assays(tmp_path: Path) -> None:
    from sklearn.base import BaseEstimator, ClassifierMixin

    class Picky(ClassifierMixin, BaseEstimator):
        """Fitted by its author on their 400 rows; refuses any other rows (a wrapper that
        checks its training set)."""

        def fit(self, X: pd.DataFrame, y: np.ndarray) -> Picky:
            if len(X) != 400:
                raise RuntimeError("trained on the warehouse's rows only")
            self.classes_ = np.unique(y)
            self.feature_names_in_ = np.asarray(X.columns, dtype=object)
            self.n_features_in_ = X.shape[1]
            return self

        def predict(self, X: pd.DataFrame) -> np.ndarray:
            return np.where(np.asarray(X["sex"]) == "Male", ">50K", "<=50K")

    frame = people()
    picky = Picky().fit(frame[FEATURES], frame["income"])
    with pytest.raises(ModelError, match=r"refitting a clone .* RuntimeError"):
        assay.check_fairness(
            picky, data=frame, protected="sex", label="income", retrain=True,
            max_queries=3_000, seed=0, store=tmp_path / "runs.db",
        )  # fmt: skip


# -- 2. a numeric protected attribute: bins ----------------------------------------------------
def test_a_fractional_age_is_refused_with_the_bins_to_give(tmp_path: Path) -> None:
    frame = people()
    frame["age"] = frame["age"] + 0.25
    with pytest.raises(UsageError, match=r"--protected age:bins=\d"):
        assay.check_fairness(pipeline(frame), data=frame[[*FEATURES, "income"]],
                             protected="age", label="income", store=tmp_path / "r.db")  # fmt: skip


def test_age_by_bins_end_to_end_in_the_users_terms(tmp_path: Path) -> None:
    """The model favours the over-60s: a fractional age tested by bins finds it, names the
    bins in the data's terms, and gives the model each bin's median (a number, as fitted)."""
    frame = people()
    frame["age"] = frame["age"] + 0.5
    seen: list[float] = []

    def predict(x: np.ndarray) -> np.ndarray:
        ages = np.asarray(x[:, 0], dtype=float)
        seen.extend(ages[:50].tolist())
        return (ages >= 60).astype(int)

    predict.classes_ = ["<=50K", ">50K"]  # type: ignore[attr-defined]
    result = assay.check_fairness(
        predict,
        data=frame[FEATURES],
        protected="sex,age:bins=25,40,60",
        max_queries=3_000,
        seed=0,
        store=tmp_path / "runs.db",
    )
    verdict = result.verdict.set_index("attribute")
    assert verdict.loc["age", "share_uniform"] > 0.5  # every input outside 60+ flips
    assert verdict.loc["sex", "share_uniform"] == 0
    direction = result.direction
    favoured = direction[direction["attribute"] == "age"].sort_values("favoured_in")
    assert favoured.iloc[-1]["value"] == ">= 60"
    assert set(np.round(seen, 2)) <= set(np.round(frame["age"], 2)) | {
        float(np.median(frame["age"][(frame["age"] >= lo) & (frame["age"] < hi)]))
        for lo, hi in ((0, 25), (25, 40), (40, 60), (60, 999))
    }
    assert any("by bins (< 25 as" in w for w in result.notes), result.notes
    # a resume reads the bins again from the stored invocation
    from assay.core.store import RunStore

    stored = RunStore(tmp_path / "runs.db").get_run(result.run_id).config["invocation"]
    assert stored["protected"] == ["sex", "age:bins=25,40,60"]


def test_bins_that_cannot_work_are_refused_naming_why(tmp_path: Path) -> None:
    from assay.fairness.bins import parse_protected

    assert parse_protected("sex,age:bins=25,40,60,race")[0] == ("sex", "age", "race")
    assert parse_protected(["age:bins=25,40", "sex"])[1]["age"].edges == (25.0, 40.0)
    for spec, message in (
        ("age:bins=40,25", "not increasing"),
        ("age:bins=", "finite numbers"),
        ("age:bin=25", "NAME:bins="),
        ("age:bins=25,40,90", "no row of"),
        ("sex:bins=1", "not a column of numbers"),
    ):
        with pytest.raises(UsageError, match=message):
            assay.check_fairness(
                pipeline(people()), data=people()[FEATURES], protected=spec,
                store=tmp_path / "r.db",
            )  # fmt: skip


# -- 5. data as it comes from a spreadsheet --------------------------------------------------
def test_protected_values_that_differ_only_in_spaces_are_said(tmp_path: Path) -> None:
    """'Male ' from an export next to 'Male': the model reads an unknown category, and the
    flips between them were reported as discrimination on sex without a word."""
    frame = people()
    model = pipeline(frame)
    frame.loc[::3, "sex"] = frame.loc[::3, "sex"] + " "
    result = assay.check_fairness(
        model, data=frame[FEATURES], protected="sex", max_queries=2_000, seed=0,
        store=tmp_path / "r.db",
    )  # fmt: skip
    said = " ".join(result.warnings)
    assert "'Male' / 'Male '" in said and "spaces or case" in said, said
    clean = assay.check_fairness(
        model, data=people()[FEATURES], protected="sex", max_queries=2_000, seed=0,
        store=tmp_path / "r.db",
    )  # fmt: skip
    assert not any("spaces or case" in w for w in clean.warnings)


def test_a_header_with_stray_spaces_is_named_with_its_quotes(tmp_path: Path) -> None:
    frame = people()
    model = pipeline(frame)
    spaced = frame[FEATURES].rename(columns={"hours": "hours "})
    with pytest.raises(UsageError, match=r"'hours ' \(the model's 'hours'\)") as err:
        assay.check_fairness(model, data=spaced, protected="sex", store=tmp_path / "r.db")
    assert "--drop hours" not in str(err.value)  # never set aside a column the model takes


# -- a CSV of codes, a wide encoding, an answer --max-time did not leave room for -------------
def test_digit_codes_a_pipeline_was_fitted_on_as_text_are_read_as_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """zip codes fitted as text ('02134') read from a CSV as numbers: every call failed in
    the encoder (exit 3) or saw only unknown categories."""
    import skops.io as sio
    from sklearn.tree import DecisionTreeClassifier

    rng = np.random.default_rng(0)
    n = 600
    frame = pd.DataFrame(
        {
            "zip": rng.choice(["02134", "10001", "94110", "60601"], n),
            "sex": rng.choice(["F", "M"], n),
            "hours": rng.integers(10, 70, n),
        }
    )
    y = np.where((frame["hours"] > 40) & (frame["sex"] == "M"), "yes", "no")
    encode = ColumnTransformer(
        [("cat", OneHotEncoder(handle_unknown="error"), ["zip", "sex"])], remainder="passthrough"
    )
    model = Pipeline([("pre", encode), ("m", DecisionTreeClassifier(random_state=0))]).fit(frame, y)
    sio.dump(model, tmp_path / "m.skops")
    frame.to_csv(tmp_path / "rows.csv", index=False)
    done = assay_here(
        capsys, "fairness", "m.skops", "--trust", "sklearn.tree._tree.Tree", "--data", "rows.csv",
        "--protected", "sex", "--max-queries", "3000", "--store", "s.db", cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr  # tested, and found
    assert "read the data's column(s) zip as text" in done.stderr
    assert "02134" in (tmp_path / "rows.csv").read_text()  # digits, as a CSV holds them


def test_the_exact_data_share_stops_at_its_deadline() -> None:
    from assay.fairness.exact import analysis

    class Wide:
        columns = tuple(range(10))

        def predict_encoded(self, rows: np.ndarray) -> np.ndarray:
            return (rows[:, 0] > 0).astype(int)

    from assay.fairness.schema import Feature, Schema

    schema = Schema(
        features=(Feature("a", "integer", low=0, high=50), Feature("b", "integer", low=0, high=3)),
        protected=("a",),
    )
    data = np.zeros((100, 2))
    late = analysis._enumerate_rows(schema, Wide(), 0, data, time.monotonic() - 1)  # type: ignore[arg-type]
    assert late is None
    share = analysis._enumerate_rows(schema, Wide(), 0, data, time.monotonic() + 60)  # type: ignore[arg-type]
    assert share == 1.0


FLAT = """
import time
import numpy as np
def predict(x):
    time.sleep(0.001 * len(x))  # a model whose every row costs: 20,000 rows take 20 s
    x = np.asarray(x, dtype=float)
    return (x[:, 0] > 60).astype(int)
predict.classes_ = [0, 1]
"""


def test_an_answer_max_time_left_out_is_not_a_pass(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With --max-time the answer comes first, in a tenth of it; when it does not fit, no
    share is measured, and a run that found nothing exited 0 (and a --fail-on rule on the
    share, judged by nothing, passed)."""
    rng = np.random.default_rng(0)
    rows = ["age,hours,sex"] + [
        f"{rng.integers(18, 80)},{rng.integers(10, 60)},{rng.integers(0, 2)}" for _ in range(200)
    ]
    (tmp_path / "people.csv").write_text("\n".join(rows) + "\n")
    (tmp_path / "flat.py").write_text(FLAT)
    for rule in ("0", "share>0.01"):
        done = assay_here(
            capsys, "fairness", "flat.py:predict", "--data", "people.csv", "--protected", "sex",
            "--max-time", "3", "--store", "s.db", "--fail-on", rule, cwd=tmp_path,
        )  # fmt: skip
        assert done.returncode == 2, done.stdout + done.stderr
        assert "not everything was tested" in done.stderr


def test_a_protected_column_the_model_does_not_take_is_never_set_aside(tmp_path: Path) -> None:
    frame = people()
    frame["religion"] = np.where(np.arange(len(frame)) % 2, "x", "y")
    with pytest.raises(UsageError, match=r"does not take the protected attribute 'religion'"):
        assay.check_fairness(
            pipeline(frame), data=frame, protected="religion", label="income",
            store=tmp_path / "r.db",
        )  # fmt: skip


def test_the_html_report_says_how_the_data_was_read(tmp_path: Path) -> None:
    """The notes (columns set aside, bins) were printed and kept among the warnings, which
    the HTML report does not show: a reader of the report did not learn them."""
    from assay.core.store import RunStore
    from assay.report import build_document, render_html

    frame = people()
    result = assay.check_fairness(
        pipeline(frame), data=frame, protected="sex,age:bins=30,50", label="income",
        max_queries=2_000, seed=0, store=tmp_path / "runs.db",
    )  # fmt: skip
    page = render_html(build_document(RunStore(tmp_path / "runs.db"), result.run_id))
    assert "How the data and the model were read" in page
    import re

    said = re.search(r"How the data and the model were read</h2>(.*?)</p>", page, re.S)
    assert said, page[:2000]
    assert "customer_id, signup" in said.group(1) and " as " in said.group(1), said.group(1)


def test_retraining_with_a_binned_attribute_is_refused_before_the_run(tmp_path: Path) -> None:
    """The refit would learn age from the bins' three medians (the rows hold them)."""
    frame = people()
    with pytest.raises(UsageError, match=r"'age' is tested by bins"):
        assay.check_fairness(
            pipeline(frame), data=frame[[*FEATURES, "income"]], protected="age:bins=30,50",
            label="income", retrain=True, store=tmp_path / "r.db",
        )  # fmt: skip


def test_protected_values_the_models_encoder_never_saw_are_no_pass(tmp_path: Path) -> None:
    """'female'/'male' in the data, 'Female'/'Male' in the fitted encoder (handle_unknown=
    'ignore'): the model read every variant alike, and a model that favours men by 40 points
    exited 0 with 'none found'."""
    frame = people()
    model = pipeline(frame)
    lower = frame[FEATURES].assign(sex=frame["sex"].str.lower())
    with pytest.raises(UsageError, match=r"fitted on sex as 'Female', 'Male'.*'female'"):
        assay.check_fairness(model, data=lower, protected="sex", store=tmp_path / "r.db")
    # one value unknown of three: tested, and said
    odd = frame[FEATURES].copy()
    odd.loc[::4, "race"] = "Martian"
    result = assay.check_fairness(
        model, data=odd, protected="race", max_queries=2_000, seed=0, store=tmp_path / "r.db"
    )
    assert any("(race: 'Martian')" in w for w in result.warnings), result.warnings


def test_numeric_categories_match_by_value_not_text(tmp_path: Path) -> None:
    """An encoder fitted on 0.0/1.0, data holding 0/1: the same values, never refused."""
    rng = np.random.default_rng(0)
    d = pd.DataFrame(
        {"sex": rng.integers(0, 2, 400).astype(float), "hours": rng.integers(10, 60, 400)}
    )
    y = np.where(d["sex"] + (d["hours"] > 40) > 1, "yes", "no")
    encode = ColumnTransformer(
        [("o", OneHotEncoder(handle_unknown="ignore"), ["sex"])], remainder="passthrough"
    )
    model = Pipeline([("c", encode), ("m", LogisticRegression())]).fit(d, y)
    result = assay.check_fairness(
        model, data=d.assign(sex=d["sex"].astype(int)), protected="sex", max_queries=2_000,
        seed=0, store=tmp_path / "r.db",
    )  # fmt: skip
    assert result.n_findings > 0 and not result.warnings
