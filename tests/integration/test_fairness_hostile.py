"""A hostile new user's pass over ``assay fairness`` (issue 8): defects that made a run read
as a pass when nothing was tested, or lost the user's own form."""

from __future__ import annotations

import json
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from assay.cli.app import main
from assay.core.redact import redact_text, redact_url

pytestmark = pytest.mark.slow


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(list(args))
    out = capsys.readouterr()
    code = exc.value.code
    return (code if isinstance(code, int) else 1), out.out, out.err


def _data(tmp_path: Path) -> Path:
    rng = np.random.default_rng(0)
    n = 300
    frame = pd.DataFrame(
        {
            "age": rng.integers(18, 80, n),
            "sex": rng.choice(["Male", "Female"], n),
            "hours": rng.integers(10, 60, n),
        }
    )
    frame["income"] = np.where((frame.hours > 40) & (frame.sex == "Male"), ">50K", "<=50K")
    path = tmp_path / "d.csv"
    frame.to_csv(path, index=False)
    return path


def _models(tmp_path: Path) -> Path:
    path = tmp_path / "models.py"
    path.write_text(
        textwrap.dedent(
            """
            import numpy as np

            def const(X):
                return np.zeros(len(X), dtype=int)

            def biased(X):
                X = np.asarray(X, dtype=object)
                return ((X[:, 2].astype(float) > 40) & (X[:, 1] == "Male")).astype(int)

            const.classes_ = ["<=50K", ">50K"]
            biased.classes_ = ["<=50K", ">50K"]
            """
        )
    )
    return path


def _run(tmp_path: Path, capsys: pytest.CaptureFixture[str], function: str) -> tuple[int, str, str]:
    data, models = _data(tmp_path), _models(tmp_path)
    return _cli(
        capsys,
        "fairness",
        f"{models}:{function}",
        "--data",
        str(data),
        "--protected",
        "sex",
        "--label",
        "income",
        "--max-queries",
        "3000",
        "--seed",
        "1",
        "--store",
        str(tmp_path / "runs.db"),
        "--junit",
        str(tmp_path / "junit.xml"),
        "--report",
        str(tmp_path / "report.json"),
    )


def test_a_model_that_answers_a_constant_has_not_passed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A model that gives every input the same answer cannot be found discriminatory (a
    wrapper fed the wrong form often does): exit 2 and an errored JUnit case, never 0."""
    code, out, err = _run(tmp_path, capsys, "const")
    assert code == 2, (out, err)
    assert "nothing was tested" in err and "same answer" in err
    suite = ET.parse(tmp_path / "junit.xml").getroot()
    assert suite.get("errors") == "1" and suite.get("failures") == "0"
    doc = json.loads((tmp_path / "report.json").read_text())
    assert doc["headline"].startswith("NOTHING WAS TESTED")


def test_a_model_whose_answers_vary_is_judged_as_before(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(tmp_path, capsys, "biased")
    assert code == 1, (out, err)
    assert "nothing was tested" not in err


def test_redacting_a_redacted_url_keeps_it_readable() -> None:
    """The serving adapter masks a whole query (``?***``); redacting the message again must
    not turn it into ``?%2A%2A%2A=``."""
    for url in ("http://h:9/predict?***", "http://h/p?api_key=***&x=***", "http://u:***@h/p"):
        assert redact_url(url) == url
    text = "the endpoint http://h:9/predict?*** is unavailable"
    assert redact_text(text) == text
    assert "SECRET" not in redact_url("http://h/p?api_key=SECRET&x=1")


def test_string_labels_for_a_model_without_class_names_say_how_to_name_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """'<=50K' labels and a callable answering 0/1 without ``classes_``: the error names the
    values and the way to declare the classes, and no run is created."""
    data = _data(tmp_path)
    models = tmp_path / "plain.py"
    models.write_text("import numpy as np\ndef f(X):\n    return np.zeros(len(X), dtype=int)\n")
    code, out, err = _cli(
        capsys,
        "fairness",
        f"{models}:f",
        "--data",
        str(data),
        "--protected",
        "sex",
        "--label",
        "income",
        "--store",
        str(tmp_path / "runs.db"),
    )
    assert code == 2, (out, err)
    assert "'<=50K'" in err and "classes_" in err and "--label" in err


def test_max_time_and_the_wall_clock_count_loading_the_model(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The CLI loaded the model before the run's clock started: a model that takes 2 s to
    load ran 2 s past --max-time, and its rates were per second of the rest.  Loading is part
    of the run; the progress lines use the same clock as the summary."""
    data = _data(tmp_path)
    model = tmp_path / "slow.py"
    model.write_text(
        "import time\nimport numpy as np\ntime.sleep(2.0)\n\n"
        "def f(X):\n    X = np.asarray(X, dtype=object)\n"
        "    return ((X[:, 2].astype(float) > 40) & (X[:, 1] == 'Male')).astype(int)\n"
    )
    code, out, err = _cli(
        capsys,
        "fairness",
        f"{model}:f",
        "--data",
        str(data),
        "--protected",
        "sex",
        "--max-time",
        "4",
        "--seed",
        "1",
        "--store",
        str(tmp_path / "runs.db"),
        "--json",
    )
    assert code == 1, (out, err)
    seconds = json.loads(out)["summary"]["metrics"]["wall-clock seconds"]
    assert 2.0 <= seconds <= 4.0 * 1.1, seconds
    done = [line for line in err.splitlines() if line.strip().startswith("done:")]
    assert done and int(done[-1].rsplit(",", 1)[1].split()[0]) >= 2, err


def test_the_api_says_a_constant_pipeline_tested_nothing(tmp_path: Path) -> None:
    """A DataFrame, named columns, string categories and labels, a pipeline that always
    answers the majority class: ``result`` must not read as a clean pass."""
    from sklearn.compose import ColumnTransformer
    from sklearn.dummy import DummyClassifier
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder

    import assay

    frame = pd.read_csv(_data(tmp_path))
    x, y = frame.drop(columns="income"), frame["income"]
    encode = ColumnTransformer([("oh", OneHotEncoder(), ["sex"])], remainder="passthrough")
    pipe = Pipeline([("ct", encode), ("m", DummyClassifier())]).fit(x, y)
    result = assay.check_fairness(
        pipe,
        data=frame,
        protected=["sex"],
        label="income",
        max_queries=2000,
        seed=1,
        store=tmp_path / "runs.db",
    )
    assert result.untested and "same answer" in result.untested
    assert result.headline.startswith("NOTHING WAS TESTED")
    assert "NOTHING WAS TESTED" in repr(result)


def test_a_served_model_that_dies_mid_run_is_a_model_failure_not_a_budget_stop(
    tmp_path: Path,
) -> None:
    """The server stops once the search starts: with --max-time, the retries spent the time
    left below the error-rate window, and the run ended 'budget_exhausted' with no finding
    (exit 0 on a fair model).  It must end as a model failure."""
    import http.server
    import threading

    import assay
    from assay.core.store import RunStore
    from assay.errors import ModelUnavailable

    class Fair(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            out = [int(float(r[0]) > 3) for r in body["inputs"]]  # age // 10 > 3: fair
            data = json.dumps({"outputs": out}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Fair)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/predict"
    stopped: list[bool] = []

    def on_progress(p: dict[str, object]) -> None:
        if not stopped and p.get("phase") == "search":
            server.shutdown()
            server.server_close()
            stopped.append(True)

    store = tmp_path / "runs.db"
    with pytest.raises(ModelUnavailable, match="stopped answering"):
        assay.check_fairness(
            url,
            dataset="adult",
            protected=["sex"],
            max_time=10,
            seed=1,
            store=store,
            serving={"retries": 1},
            on_progress=on_progress,
        )
    assert stopped
    with RunStore(store, read_only=True) as s:
        (run,) = s.list_runs()
    assert run.status not in ("completed", "budget_exhausted"), run.status


def test_more_units_than_queries_is_refused_before_a_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A unit left without a query failed the run later, blaming --max-queries (exit 2 after
    a run was created)."""
    data, models = _data(tmp_path), _models(tmp_path)
    store = tmp_path / "runs.db"
    code, _, err = _cli(
        capsys,
        "fairness",
        f"{models}:biased",
        "--data",
        str(data),
        "--protected",
        "sex",
        "--label",
        "income",
        "--max-queries",
        "5",
        "--units",
        "8",
        "--store",
        str(store),
    )
    assert code == 2 and "--units" in err, err
    assert not store.exists()


def test_a_run_given_relative_paths_resumes_from_another_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The model file and data were stored as given ('models.py:biased', 'd.csv'): from any
    other directory, ``assay resume`` could not find them."""
    from assay.core.store import RunStore
    from assay.fairness.api import check_fairness
    from assay.fairness.loading import setup_from_record

    work = tmp_path / "work"
    work.mkdir()
    _data(work), _models(work)
    monkeypatch.chdir(work)
    store = RunStore(tmp_path / "runs.db")
    result = check_fairness(
        "models.py:biased",
        data="d.csv",
        protected="sex",
        label="income",
        max_queries=300,
        seed=1,
        store=store,
    )
    record = store.get_run(result.run_id)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    again = setup_from_record(record)
    assert again.test.schema.protected == ("sex",)
    assert Path(record.config["invocation"]["data"]).is_absolute()


def test_the_answers_samples_are_said_beside_a_tiny_query_budget(tmp_path: Path) -> None:
    """'--max-queries 1' read 'no discriminatory input found for sex in 0 queries' while the
    answer had asked the model about 1,000 sampled inputs: the headline says so now."""
    from assay import check_fairness
    from assay.core.store import RunStore

    r = check_fairness(
        "builtin:logistic",  # sampled as the MLP is (exact=False); trained in 1 s, not 11
        dataset="adult",
        protected="sex",
        max_queries=1,
        seed=1,
        exact=False,
        store=RunStore(tmp_path / "runs.db"),
    )
    sampled = int(r.summary["answer_tested"])
    assert sampled >= 500, r.summary
    asked = r.summary["model_queries"]  # each sampled input asked with both values of sex
    assert asked["answer"] == 2 * sampled, asked
    assert f"{asked['answer']:,} by the answer" in r.headline, r.headline
    assert f"in all, the model was asked {asked['total']:,} queries" in r.headline


def test_a_model_that_names_no_columns_is_said_to_be_fed_by_position(tmp_path: Path) -> None:
    """A callable (or a matrix-fitted model) names none of its columns: the data's reach it in
    their order, which nothing confirms; the run said nothing of it.  A model fitted on the
    named columns is fed by name and gets no such note."""
    from sklearn.tree import DecisionTreeClassifier

    from assay import check_fairness
    from assay.core.store import RunStore

    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "age": rng.integers(18, 80, 300),
            "sex": rng.integers(0, 2, 300),
            "hours": rng.integers(10, 60, 300),
        }
    )

    def by_age(x: np.ndarray) -> np.ndarray:
        return (np.asarray(x, dtype=float)[:, 0] > 40).astype(int)

    by_age.classes_ = [0, 1]  # type: ignore[attr-defined]
    store = RunStore(tmp_path / "runs.db")
    r = check_fairness(by_age, data=frame, protected="sex", max_queries=500, seed=1, store=store)
    assert any("names none of its columns" in w and "(age, sex, hours)" in w for w in r.warnings)
    named = DecisionTreeClassifier(random_state=0).fit(frame, frame["age"] > 40)
    r = check_fairness(named, data=frame, protected="sex", max_queries=500, seed=1, store=store)
    assert not any("names none of its columns" in w for w in r.warnings), r.warnings
