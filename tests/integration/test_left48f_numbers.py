"""Models that answer numbers (left48f): several numbers from a model declaring no classes
read as logits only where they can be (a rate in % beside a term in years, read so, passed a
planted bias, exit 0: a function's, a torch module's, a served model's); a served model of
whole euros refused at loading as a function is (one request more); a label column of the
application's outcomes beside ``--cutoff`` refused saying why and what to give; a risk score
decided at its cutoff with ``--favourable '<=C'``."""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import assay
from assay.cli.app import app, register
from assay.core.store import RunStore

register()
runner = CliRunner()
RUN: dict[str, Any] = {"protected": "sex", "max_queries": 1500, "seed": 1}
COLUMNS = ["sex", "region", "income", "age", "debt"]


def _people(n: int = 1200) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame(
        {
            "sex": rng.choice(["F", "M"], n),
            "region": rng.choice(["N", "S", "E", "W"], n),
            "income": rng.integers(15, 120, n) * 1000,
            "age": rng.integers(19, 75, n),
            "debt": rng.integers(0, 50, n) * 500,
        }
    )


def _cut(x: pd.DataFrame) -> np.ndarray:
    """1 for F in region S (the planted bias), else 0."""
    return np.asarray((x["sex"] == "F") & (x["region"] == "S"), dtype=np.float64)


def _risk(x: pd.DataFrame) -> np.ndarray:
    return np.asarray(x["debt"] / 10_000 - x["income"] / 40_000 + 1.5, dtype=np.float64)


def _runs(store: Path) -> int:
    if not store.exists():
        return 0
    with RunStore(store) as s:
        return len(list(s.list_runs()))


def rate_and_term(x: Any) -> np.ndarray:
    """A loan's rate in % (4-12; 1.5 points more for F in S over 40) and its term in years
    (age / 2.5): which is larger changes with age, so read as logits the class varied, and
    the planted rise never moved it (exit 0 on main)."""
    x = pd.DataFrame(x)
    age = np.asarray(x["age"], dtype=np.float64)
    rate = 4 + 8 / (1 + np.exp(-_risk(x))) + 1.5 * _cut(x) * (age > 40)
    return np.column_stack([rate, age / 2.5])


def test_a_rate_and_a_term_are_refused_as_no_logits(tmp_path: Path) -> None:
    people = _people()
    data = tmp_path / "people.csv"
    people.to_csv(data, index=False)
    module = tmp_path / "loans.py"
    module.write_text(
        "import numpy as np, pandas as pd\n\n\n"
        "def loans(x):\n"
        "    x = pd.DataFrame(x)\n"
        "    age = np.asarray(x['age'], dtype=float)\n"
        "    risk = np.asarray(x['debt'] / 10000 - x['income'] / 40000 + 1.5, dtype=float)\n"
        "    cut = np.asarray((x['sex'] == 'F') & (x['region'] == 'S'), dtype=float)\n"
        "    rate = 4 + 8 / (1 + np.exp(-risk)) + 1.5 * cut * (age > 40)\n"
        "    return np.column_stack([rate, age / 2.5])\n"
    )
    store = tmp_path / "s.db"
    args = ["fairness", f"{module}:loans", "--data", str(data), "--protected", "sex"]
    args += ["--max-queries", "1500", "--seed", "1", "--store", str(store)]
    refused = runner.invoke(app, args)
    said = " ".join(refused.output.split())
    assert refused.exit_code == 2, said
    assert "every value is positive" in said and "--cutoff C" in said and "--classes N" in said
    assert _runs(store) == 0
    # the rate alone, decided where the application decides, finds the planted rise
    module.write_text(module.read_text().replace("[rate, age / 2.5]", "[rate]"))
    decided = runner.invoke(app, [*args, "--cutoff", "9"])
    assert decided.exit_code == 1, decided.output


def test_the_same_largest_column_everywhere_is_no_decision(tmp_path: Path) -> None:
    """A rate shifted below 0 beside a term: the term is the largest for every input."""

    def shifted(x: Any) -> np.ndarray:
        out = rate_and_term(x)
        return np.column_stack([out[:, 0] - 20.123, out[:, 1]])

    store = tmp_path / "s.db"
    with pytest.raises(assay.UsageError, match=r"column 2 is the largest for every one of the 64"):
        assay.check_fairness(shifted, _people(), store=store, **RUN)
    assert _runs(store) == 0


def test_a_regressors_predict_given_as_a_function_is_a_regressor(tmp_path: Path) -> None:
    """``MultiOutputRegressor(...).fit(...).predict`` given as the model: a function whose
    object is a scikit-learn regressor is refused as one (its two outputs read as logits)."""
    from sklearn.linear_model import LinearRegression
    from sklearn.multioutput import MultiOutputRegressor

    people = _people()
    numbers = people.assign(sex=(people["sex"] == "F").astype(float))[["sex", "income", "debt"]]
    outputs = np.column_stack([_risk(people), np.asarray(people["income"]) / 1000])
    fitted = MultiOutputRegressor(LinearRegression()).fit(numbers.to_numpy(), outputs)
    store = tmp_path / "s.db"
    with pytest.raises(assay.UsageError, match="MultiOutputRegressor is a regressor") as caught:
        assay.check_fairness(fitted.predict, numbers, store=store, **RUN)
    said = str(caught.value)
    assert "2 outputs per input" in said and "one output at a time" in said, said
    assert _runs(store) == 0


def _log_probabilities(cut: bool) -> Callable[[Any], np.ndarray]:
    """A classifier answering log-probabilities (every value below 0): logits, read."""

    def model(x: Any) -> np.ndarray:
        x = pd.DataFrame(x)
        z = -_risk(x) - (0.8 * _cut(x) if cut else 0.0)
        p = 1 / (1 + np.exp(-z))
        return np.log(np.column_stack([1 - p, p]))

    return model


def test_log_probabilities_are_still_read_as_logits(tmp_path: Path) -> None:
    people = _people()
    found = assay.check_fairness(_log_probabilities(True), people, store=tmp_path / "a.db", **RUN)
    assert found.n_findings > 0
    assert [w for w in found.warnings if "read as a classifier's logits" in w]
    fair = assay.check_fairness(_log_probabilities(False), people, store=tmp_path / "b.db", **RUN)
    assert fair.n_findings == 0


def _torch_modules() -> tuple[Any, Any]:
    torch = pytest.importorskip("torch")

    class Loans(torch.nn.Module):  # rate_and_term's, on numbers (sex 1 = F, region 1 = S)
        def forward(self, x: Any) -> Any:
            sex, region, income, age, debt = x.unbind(1)
            risk = debt / 10_000 - income / 40_000 + 1.5
            cut = ((sex == 1) & (region == 1) & (age > 40)).float()
            return torch.stack([4 + 8 * torch.sigmoid(risk) + 1.5 * cut, age / 2.5], 1)

    class Logits(torch.nn.Module):
        def forward(self, x: Any) -> Any:
            sex, region, income, _, debt = x.unbind(1)
            z = income / 40_000 - debt / 10_000 - 1.5 - 0.8 * ((sex == 1) & (region == 1)).float()
            return torch.stack([-z / 2, z / 2], 1)

    return Loans(), Logits()


def _torch_limit() -> Any:
    torch = pytest.importorskip("torch")

    class Limit(torch.nn.Module):  # a card limit in euros, 10 % lower for F in S: one output
        def forward(self, x: Any) -> Any:
            sex, region, income, _, debt = x.unbind(1)
            limit = 0.25 * income - 0.3 * debt + 2000
            return (limit * (1 - 0.1 * ((sex == 1) & (region == 1)).float())).unsqueeze(1)

    return Limit()


def _numbers(people: pd.DataFrame) -> pd.DataFrame:
    return people.assign(
        sex=(people["sex"] == "F").astype(float),
        region=people["region"].map({"N": 0, "S": 1, "E": 2, "W": 3}).astype(float),
    ).astype(float)


def test_a_torch_regression_module_is_not_softmaxed_silently(tmp_path: Path) -> None:
    """Its rate and term were softmaxed into class probabilities, nothing said: exit 0."""
    loans, logits = _torch_modules()
    people = _numbers(_people())
    store = tmp_path / "s.db"
    with pytest.raises(assay.UsageError, match="every value is positive"):
        assay.check_fairness(loans, people, store=store, **RUN)
    assert _runs(store) == 0
    found = assay.check_fairness(logits, people, store=tmp_path / "b.db", **RUN)
    assert found.n_findings > 0
    said = [w for w in found.warnings if "read as a classifier's logits" in w]
    assert said and "from -" in said[0], found.warnings  # (its logits, not their softmax)


def test_a_torch_module_of_one_number_is_decided_at_its_cutoff(tmp_path: Path) -> None:
    """A tabular module's one number was refused as "a logit or a probability", told to
    answer [0, z] (a regressor made a classifier), and --cutoff could not help."""
    limit = _torch_limit()
    people = _numbers(_people())
    store = tmp_path / "s.db"
    with pytest.raises(assay.UsageError, match=r"outside \[0, 1\].*--cutoff C"):
        assay.check_fairness(limit, people, store=store, **RUN)
    assert _runs(store) == 0
    decided = assay.check_fairness(limit, people, cutoff=20_000, store=store, **RUN)
    assert decided.n_findings > 0


@pytest.fixture
def serve() -> Iterator[Callable[[Callable[[pd.DataFrame], Any]], tuple[str, list[int]]]]:
    servers: list[ThreadingHTTPServer] = []

    def start(model: Callable[[pd.DataFrame], Any]) -> tuple[str, list[int]]:
        asked: list[int] = []

        class H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a: Any) -> None:
                pass

            def _send(self, body: bytes) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(body)

            def do_POST(self) -> None:
                rows = json.loads(self.rfile.read(int(self.headers["Content-Length"])))["inputs"]
                asked.append(len(rows))
                out = np.asarray(model(pd.DataFrame(rows, columns=COLUMNS))).tolist()
                self._send(json.dumps({"outputs": out}).encode())

            def do_GET(self) -> None:
                self._send(b"{}")

        httpd = ThreadingHTTPServer(("127.0.0.1", 0), H)
        httpd.daemon_threads = True
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        servers.append(httpd)
        return f"http://127.0.0.1:{httpd.server_address[1]}/predict", asked

    yield start
    for s in servers:
        s.shutdown()
        s.server_close()


def _served_args(url: str, tmp_path: Path) -> list[str]:
    data = tmp_path / "people.csv"
    _people().to_csv(data, index=False)
    store = tmp_path / "s.db"
    return ["fairness", url, "--data", str(data), "--protected", "sex", "--seed", "1",
            "--max-queries", "1500", "--store", str(store)]  # fmt: skip


def test_a_served_limit_in_whole_euros_is_refused_at_loading(serve, tmp_path: Path) -> None:
    """Not asked loading's 64 inputs, it was read as labels, and its run failed at the
    determinism check (exit 3, a failed run stored)."""

    def limit(x: pd.DataFrame) -> Any:
        return (0.25 * x["income"] - 0.3 * x["debt"] + 2000).round().astype(int)

    url, asked = serve(limit)
    args = _served_args(url, tmp_path)
    refused = runner.invoke(app, args)
    said = " ".join(refused.output.split())
    assert refused.exit_code == 2, said
    assert "more than 32 distinct whole numbers" in said and "--cutoff C" in said
    assert asked == [2, 64]  # loading's probe, then its 64 inputs: one request more
    assert _runs(tmp_path / "s.db") == 0


def test_a_served_rate_and_term_are_refused_at_loading(serve, tmp_path: Path) -> None:
    url, asked = serve(rate_and_term)
    refused = runner.invoke(app, _served_args(url, tmp_path))
    assert refused.exit_code == 2, refused.output
    assert "every value is positive" in " ".join(refused.output.split())
    assert asked == [2, 64]


def _scorecard(x: Any) -> np.ndarray:
    """300-850 points, 48 fewer for F in S."""
    x = pd.DataFrame(x)
    return np.asarray(np.clip(575 - 60 * _risk(x) - 48 * _cut(x), 300, 850), dtype=np.float64)


def test_outcome_labels_beside_a_cutoff_say_why_and_what_to_give(tmp_path: Path) -> None:
    """The application's outcomes ('repaid' yes/no) were refused as "label value 'yes' is
    not one of the model's classes: '<=600', >600", neither why nor what to give."""
    people = _people().assign(repaid=lambda f: np.where(f["income"] > 50_000, "yes", "no"))
    store = tmp_path / "s.db"
    with pytest.raises(assay.UsageError, match="which outcome is which side") as caught:
        assay.check_fairness(_scorecard, people, label="repaid", cutoff=600, store=store, **RUN)
    said = str(caught.value)
    assert "frame.pop('repaid').map({'no': '<=600', 'yes': '>600'})" in said, said
    assert _runs(store) == 0
    # what it says to give is taken, and the group metrics compare the decisions with it
    people["decided"] = people.pop("repaid").map({"no": "<=600", "yes": ">600"})
    run = dict(RUN, max_queries=20_000, label="decided", cutoff=600)
    result = assay.check_fairness(_scorecard, people, store=store, **run)
    frame = result.group_metrics()
    assert frame.favourable == ">600"


def _risk_score(x: Any) -> np.ndarray:
    """A risk score 0-100, lower is better: 12 points more for F in S."""
    x = pd.DataFrame(x)
    return np.asarray(np.clip(40 + 15 * _risk(x) + 12 * _cut(x), 0, 100), dtype=np.float64)


def test_a_risk_score_names_its_favourable_side(tmp_path: Path) -> None:
    """``>C`` is taken as favourable (the last class, said); a risk score gives '<=C'."""
    people = _people()
    taken = assay.check_fairness(_risk_score, people, cutoff=50, store=tmp_path / "a.db", **RUN)
    assert taken.n_findings > 0
    assert _favoured(taken.direction) == {"F"}  # (F gets '>50': the higher risk)
    given = assay.check_fairness(
        _risk_score, people, cutoff=50, favourable="<=50", store=tmp_path / "b.db", **RUN
    )
    assert _favoured(given.direction) == {"M"}  # (M gets '<=50')


def _favoured(direction: pd.DataFrame) -> set[str]:
    return {str(v) for v in direction.loc[direction["favoured_in"] == 1.0, "value"]}


def test_loadings_64_inputs_are_asked_under_the_call_timeout(tmp_path: Path) -> None:
    """A model hanging on more than its probe's two inputs hung loading, past
    --call-timeout (its 64 inputs were asked with no deadline)."""
    release = threading.Event()

    def hangs(x: Any) -> np.ndarray:
        if len(x) > 2:
            release.wait(60)
        z = -_risk(pd.DataFrame(x))
        return np.column_stack([-z / 2, z / 2])

    store = tmp_path / "s.db"
    try:
        with pytest.raises(assay.ModelError, match="did not answer within 2 s"):
            assay.check_fairness(hangs, _people(), call_timeout=2, store=store, **RUN)
    finally:
        release.set()
    assert _runs(store) == 0
