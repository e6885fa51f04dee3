"""Model adapters met by a new user with a model nobody on the team has seen.

- A served model whose error pages echo what it was sent: its bearer token (without the
  ``Bearer``), the request path with its ``api_key``.  None of the credentials may reach the
  terminal, the store's file or a report.
- TorchScript modules: one that takes images channels-last (fed channels-first), one whose
  parameters are float64, one that answers one input per call, one that fails mid-run: a
  message naming the module's own error, never assay's internal error (exit 5).
- An ONNX graph exported with a fixed batch of 32: the same findings as the same weights
  with a dynamic batch axis.
- A model that changes its batch in place (``X[:] = 0`` after answering; a text classifier
  overwriting its list): the findings of the same model that does not (its witnesses were
  zeros, and the next classifier of a text panel judged the overwritten sentences).
"""

from __future__ import annotations

import json
import threading
import time
import warnings
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pytest

from assay.cli.app import main
from assay.core.store import RunStore

ADULT = ["--dataset", "adult", "--protected", "sex", "--seed", "1"]
SEX = 8  # the column of sex in the built-in Adult encoding


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exc:
        main(args)
    out = capsys.readouterr()
    return int(exc.value.code or 0), out.out + out.err


def _fairness(
    model: str, store: Path, queries: int, capsys: pytest.CaptureFixture[str], *extra: str
) -> tuple[int, str]:
    """``assay fairness MODEL`` on the built-in Adult data, protected sex."""
    args = ["fairness", model, *ADULT, "--max-queries", str(queries), "--store", str(store)]
    return _run([*args, *extra], capsys)


def _rule(rows: list[list[float]]) -> list[list[float]]:
    """A small model that discriminates on sex: probabilities of two classes."""
    out = []
    for r in rows:
        p = 1.0 if (r[0] + 7 * r[SEX]) % 5 > 2 else 0.0
        out.append([1.0 - p, p])
    return out


def _sentiment(sentences: list[str]) -> list[str]:
    return ["NEGATIVE" if " not " in f" {s} " else "POSITIVE" for s in sentences]


# -- a served model echoing credentials ---------------------------------------------------
class _EchoServer:
    """Answers its first ``good`` POSTs (each after ``delay`` seconds; labels by name when
    ``names``), then fails with ``status``, echoing the token it was sent (without its scheme)
    and the path it was asked (query string included); or, with ``hang``, never answers."""

    def __init__(
        self,
        status: int,
        good: int,
        delay: float = 0.0,
        names: bool = False,
        hang: bool = False,
        text: bool = False,
    ) -> None:
        outer = self
        self.posts = 0

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # else each answer waits for a delayed ACK

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                outer.posts += 1
                time.sleep(delay)
                answer: dict[str, Any]
                if outer.posts <= good and text:  # a sentiment service: labels by name
                    status, answer = 200, {"outputs": _sentiment(body["inputs"])}
                elif outer.posts <= good:
                    outputs: list[Any] = _rule(body["inputs"])
                    if names:
                        outputs = ["yes" if p > 0.5 else "no" for _, p in outputs]
                    status, answer = 200, {"outputs": outputs}
                elif hang:
                    time.sleep(60)
                    return
                else:
                    token = self.headers.get("Authorization", "").split()[-1]
                    answer = {"error": f"token {token} refused for {self.path}"}
                    status = outer.status
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.status = status
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> _EchoServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    @property
    def port(self) -> int:
        return int(self.httpd.server_address[1])


@pytest.mark.parametrize("status", [401, 500])
def test_an_error_page_echoing_credentials_leaks_none_of_them(
    status: int,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    token, password, key = "tok3nV4lue99", "pw0rdXYZ", "QUERYSECRET99"
    # a webhook's token in the path, a signed link's in a parameter not named as a secret
    in_path, in_query = "q8Xz3kLm9Pw2Rt7Yv4Nb6Hc1", "abcd1234efgh5678XY"
    monkeypatch.setenv("HOSTILE15A_TOKEN", f"Bearer {token}")
    store = tmp_path / "runs.db"
    reports = [tmp_path / "r.html", tmp_path / "r.json", tmp_path / "r.xml"]
    with _EchoServer(status, good=4) as server:
        url = (
            f"http://alice:{password}@127.0.0.1:{server.port}/hook/{in_path}/predict"
            f"?api_key={key}&k={in_query}&v=2"
        )
        code, said = _run(
            [
                "fairness",
                url,
                *ADULT,
                "--max-queries",
                "20000",
                "--batch-size",
                "50",
                "--retries",
                "0",
                "--header-env",
                "Authorization=HOSTILE15A_TOKEN",
                "--store",
                str(store),
                "--html",
                str(reports[0]),
                "--report",
                str(reports[1]),
                "--junit",
                str(reports[2]),
            ],
            capsys,
        )
    assert code == 3, said  # the model failed: never a pass
    assert f"127.0.0.1:{server.port}/hook/***/predict" in said  # the endpoint is named
    assert "token *** refused" in said, said  # the echo is kept, its secret masked
    files = [p for p in tmp_path.iterdir() if p.is_file()]
    assert any(p.name.startswith("runs.db") for p in files)
    for secret in (token, password, key, in_path, in_query):
        assert secret not in said
        for path in files:
            assert secret.encode() not in path.read_bytes(), (secret, path.name)


def test_a_slow_healthy_endpoint_is_not_taken_for_a_hung_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--call-timeout is for a hung model: the answer's calls of hundreds of inputs are
    requests of 20, each answered in 0.1 s; the server is not hung at 1 s."""
    with _EchoServer(500, good=10**6, delay=0.1) as server:
        url = f"http://127.0.0.1:{server.port}/predict"
        code, said = _fairness(
            url, tmp_path / "runs.db", 200, capsys, "--batch-size", "20", "--call-timeout", "1"
        )
    assert code == 1, said  # it discriminates on sex: found, never "it may be hung" (3)


def test_a_hung_endpoint_is_still_ended_by_the_call_timeout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Answered requests restart --call-timeout; a request never answered does not (a guard
    of the change: main passes it too)."""
    with _EchoServer(500, good=3, hang=True) as server:
        url = f"http://127.0.0.1:{server.port}/predict"
        started = time.monotonic()
        code, said = _fairness(
            url, tmp_path / "runs.db", 20000, capsys, "--batch-size", "20", "--call-timeout", "2"
        )
        took = time.monotonic() - started
    assert code == 3 and "did not answer within 2 s" in said, said
    assert took < 30, took  # not the request's own --timeout (30 s) and its retries


def test_an_endpoint_answering_labels_by_name_is_told_how_to_test_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with _EchoServer(500, good=10**6, names=True) as server:
        url = f"http://127.0.0.1:{server.port}/predict"
        code, said = _fairness(url, tmp_path / "runs.db", 300, capsys)
    assert code == 3, said
    assert "labels by name (" in said and "e.g. --classes no" in said, said


# -- TorchScript modules ------------------------------------------------------------------
if TYPE_CHECKING:
    import torch
else:
    torch = pytest.importorskip("torch")


def _script(module: Any, path: Path) -> Path:
    with warnings.catch_warnings():  # torch 2.13 deprecates TorchScript; files still load
        warnings.simplefilter("ignore", DeprecationWarning)
        torch.jit.script(module).save(str(path))
    return path


class _Tabular(torch.nn.Module):
    """A linear classifier of Adult's 13 columns that leans on sex."""

    def __init__(self) -> None:
        super().__init__()
        self.fc = torch.nn.Linear(13, 2)
        with torch.no_grad():
            self.fc.weight.zero_()
            self.fc.bias.zero_()
            self.fc.weight[1, 0] = 0.2  # age (in bins 1..9)
            self.fc.weight[1, SEX] = 1.5
            self.fc.bias[1] = -1.2

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out: torch.Tensor = self.fc(x)
        return out


class _OneAtATime(_Tabular):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.shape[0] != 1:
            raise RuntimeError("this model takes one row per call")
        out: torch.Tensor = self.fc(x)
        return out


class _SmallBatches(_Tabular):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.shape[0] > 100:
            raise ValueError("batch too large for the accelerator")
        out: torch.Tensor = self.fc(x)
        return out


def _idis(store: Path) -> int:
    with RunStore(store, read_only=True) as s:
        (run,) = s.list_runs()
        return sum(c["found"] for c in s.witness_counts(run.id).values())


def test_torchscript_dtype_and_batch_forms_find_what_the_plain_module_finds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plain = _script(_Tabular(), tmp_path / "plain.pt")
    double = _script(_Tabular().double(), tmp_path / "double.pt")
    single = _script(_OneAtATime(), tmp_path / "single.pt")
    found = {}
    for path in (plain, double, single):
        store = tmp_path / f"{path.stem}.db"
        code, said = _fairness(str(path), store, 1500, capsys)
        assert code == 1, said  # it leans on sex: found, never an internal error (5)
        found[path.stem] = _idis(store)
    assert found["plain"] > 0
    assert found["single"] == found["plain"], found  # one call per row, the same answers
    assert found["double"] == found["plain"], found


def test_a_torchscript_failure_names_the_modules_own_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    model = _script(_SmallBatches(), tmp_path / "small.pt")
    code, said = _fairness(str(model), tmp_path / "runs.db", 3000, capsys)
    assert code == 3, said
    assert "ValueError: batch too large for the accelerator" in said, said
    assert "TorchScript interpreter" not in said


class _ChannelsLast(torch.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 4, 3, padding=1)
        self.fc = torch.nn.Linear(4 * 8 * 8, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.permute(0, 3, 1, 2)
        out: torch.Tensor = self.fc(torch.relu(self.conv(x)).flatten(1))
        return out


def _backdoor_args(model: Path, folder: Path, shape: tuple[int, ...]) -> list[str]:
    """``assay backdoor MODEL`` on 2 random images of ``shape``, with 40 clean ones."""
    images = np.random.default_rng(0).random((42, *shape)).astype(np.float32)
    np.save(folder / "clean.npy", images[:40])
    np.save(folder / "scan.npy", images[40:])
    return [
        "backdoor",
        str(model),
        "--images",
        str(folder / "scan.npy"),
        "--clean",
        str(folder / "clean.npy"),
        "--max-trigger",
        "3",
        "--seed",
        "0",
        "--store",
        str(folder / "runs.db"),
    ]


def test_a_channels_last_torch_model_says_how_to_feed_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    torch.manual_seed(0)
    model = _script(_ChannelsLast(), tmp_path / "nhwc.pt")
    common = _backdoor_args(model, tmp_path, (8, 8, 3))
    code, said = _run(common, capsys)
    assert code == 3, said  # the model failed on its first call: not assay's bug (5)
    assert "--layout" in said and "expected input" in said, said
    assert "internal error" not in said
    code, said = _run([*common, "--layout", "nhwc"], capsys)
    assert code in (0, 1), said


# -- ONNX with a fixed batch axis ---------------------------------------------------------
def _linear_onnx(path: Path, batch: int | str) -> Path:
    onnx = pytest.importorskip("onnx")
    from onnx import TensorProto, helper, numpy_helper

    weights = np.zeros((13, 2), dtype=np.float32)
    weights[0, 1], weights[SEX, 1] = 0.2, 1.5
    bias = np.array([0.0, -1.2], dtype=np.float32)
    graph = helper.make_graph(
        [
            helper.make_node("MatMul", ["x", "W"], ["z"]),
            helper.make_node("Add", ["z", "b"], ["l"]),
            helper.make_node("Softmax", ["l"], ["probabilities"], axis=1),
        ],
        "linear",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [batch, 13])],
        [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, [batch, 2])],
        [numpy_helper.from_array(weights, "W"), numpy_helper.from_array(bias, "b")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, str(path))
    return path


@pytest.fixture
def onnx_models(tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    pytest.importorskip("onnxruntime")
    yield _linear_onnx(tmp_path / "dynamic.onnx", "N"), _linear_onnx(tmp_path / "b32.onnx", 32)


def test_an_onnx_graph_with_a_fixed_batch_of_32_finds_what_a_dynamic_one_finds(
    onnx_models: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    found = {}
    for path in onnx_models:
        store = tmp_path / f"{path.stem}.db"
        code, said = _fairness(str(path), store, 1500, capsys)
        assert code == 1, said  # a batch of 20 or 500 is not a model failure (was exit 3)
        found[path.stem] = _idis(store)
    assert found["dynamic"] > 0 and found["b32"] == found["dynamic"], found


# -- models that change their batch in place ----------------------------------------------
MUTATING = """\
import numpy as np

def plain(x):
    return ((x[:, 0] + 5 * x[:, 8]) % 3 > 1).astype(int)

def wiping(x):
    out = plain(x)
    x[:] = 0  # a careless in-place step, after answering
    return out

def negation(batch):
    return [1 if "not" in s.split() else 0 for s in batch]

def overwriting(batch):
    out = negation(batch)
    for i in range(len(batch)):
        batch[i] = "x"
    return out

def no_word(batch):
    return [1 if "no" in s.split() or "never" in s.split() else 0 for s in batch]

_COIN = np.random.default_rng(4)  # seeded: another answer each call, the same each run


def coin(batch):
    return _COIN.integers(0, 2, size=len(batch))

negation.classes_ = overwriting.classes_ = no_word.classes_ = ["negative", "positive"]
coin.classes_ = ["negative", "positive"]
"""


def _stored_inputs(store: Path) -> np.ndarray:
    with RunStore(store, read_only=True) as s:
        (run,) = s.list_runs()
        rows = [b.inputs.reshape(len(b), -1) for b in s.iter_batches(run.id)]
    return np.concatenate(rows)


def _text_against_no_word(
    name: str, folder: Path, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, dict[str, Any]]:
    """``assay text`` of ``models.py:NAME`` against ``no_word``: exit code, output, summary."""
    report = folder / f"{name}.json"
    code, said = _run(
        [
            "text",
            f"{folder / 'models.py'}:{name}",
            f"{folder / 'models.py'}:no_word",
            "--grammar",
            "builtin:reviews",
            "--max-queries",
            "600",
            "--seed",
            "1",
            "--store",
            str(folder / f"{name}.db"),
            "--report",
            str(report),
        ],
        capsys,
    )
    summary = json.loads(report.read_text())["run"]["summary"] if report.exists() else {}
    return code, said, summary


def test_a_model_that_changes_its_batch_in_place_changes_no_finding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "models.py").write_text(MUTATING)
    stored = {}
    for name in ("plain", "wiping"):
        store = tmp_path / f"{name}.db"
        code, said = _fairness(f"{tmp_path / 'models.py'}:{name}", store, 2000, capsys)
        assert code == 1, said
        stored[name] = _stored_inputs(store)
    assert len(stored["plain"]) > 0
    assert np.array_equal(stored["wiping"], stored["plain"])  # not rows of zeros


def test_a_text_classifier_that_overwrites_its_batch_leaves_the_other_its_sentences(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "models.py").write_text(MUTATING)
    said_by = {}
    for name in ("negation", "overwriting"):
        code, said, summary = _text_against_no_word(name, tmp_path, capsys)
        assert code == 1, said
        said_by[name] = summary["headline"].split(";")[0]
    assert said_by["overwriting"] == said_by["negation"], said_by


# -- a model naming its classes, on a built-in dataset ------------------------------------
def _answer_names(names: list[str]) -> Any:
    def model(x: np.ndarray) -> np.ndarray:
        return np.where((x[:, 0] + 5 * x[:, 8]) % 3 > 1, names[1], names[0])

    model.classes_ = names  # type: ignore[attr-defined]
    return model


def test_a_model_naming_its_classes_is_tested_on_a_built_in_dataset() -> None:
    from assay.api import setup_fairness
    from assay.datasets import load_dataset

    target = np.asarray(load_dataset("adult").target)
    # the dataset's own label names: its labels are read by name
    same = setup_fairness(_answer_names(["<=50K", ">50K"]), dataset="adult", protected="sex")
    assert same.test.labels is not None and np.array_equal(same.test.labels, target)
    assert same.labels_left_out is None
    # other names: tested all the same (was a usage error on a --label never given), without
    # the group metrics, said so
    other = setup_fairness(_answer_names(["no", "yes"]), dataset="adult", protected="sex")
    assert other.test.labels is None
    assert other.labels_left_out is not None and "no, yes" in other.labels_left_out


# -- forms a first model often has ----------------------------------------------------------
class _ConvHead(torch.nn.Module):
    """Class scores as (n, 10, 1, 1): a convolution head without its flatten."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = torch.nn.Conv2d(1, 10, 8)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out: torch.Tensor = self.conv(x)
        return out


class _OneLogit(torch.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc = torch.nn.Linear(13, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out: torch.Tensor = self.fc(x)
        return out


def test_torch_heads_of_other_shapes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    torch.manual_seed(0)
    conv = _script(_ConvHead(), tmp_path / "conv.pt")
    code, said = _run(_backdoor_args(conv, tmp_path, (8, 8)), capsys)
    # (n, 10, 1, 1) are ten class scores (was a usage error before any run): the scan runs
    # (an untrained model may leave too few clean images of other classes: exit 2, said so)
    assert "not class scores" not in said and "run backdoor-" in said, said
    assert code in (0, 1) or "NOTHING WAS TESTED" in said, said
    one = _script(_OneLogit(), tmp_path / "one.pt")
    code, said = _fairness(str(one), tmp_path / "o.db", 300, capsys)
    assert code == 2, said
    # (a tabular module's one number is a score, as a function's, since left48f: refused
    # outside [0, 1] naming --cutoff, 0 for a logit, which decides it; an image module's
    # one number is still told to answer [0, z])
    assert "one number per input" in said and "for a logit, 0" in said, said


def test_a_function_written_for_a_dataframe_is_told_it_gets_an_array(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """(left16b: such a function is now given DataFrames when it answers one, and said so;
    one that fails on both forms is told what it was given: test_frame_callable.py)"""
    (tmp_path / "frame.py").write_text(
        "def by_name(df):\n    return ((df['age'] + 5 * df['sex']) % 3 > 1).astype(int)\n"
    )
    code, said = _fairness(f"{tmp_path / 'frame.py'}:by_name", tmp_path / "runs.db", 300, capsys)
    assert code == 1, said
    assert "it is given DataFrames" in said, said


@pytest.mark.parametrize("first", ["negation", "coin"])
def test_a_text_classifier_that_answers_at_random_is_said_not_deterministic(
    first: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "models.py").write_text(MUTATING)
    code, said, summary = _text_against_no_word(first, tmp_path, capsys)
    # (a coin's findings, none confirmed within the budget, exit 2 since llm45t: they may be
    # its noise, "NOT EVERYTHING WAS TESTED")
    assert code == (2 if first == "coin" else 1), said
    check = summary["determinism"]
    assert check["sampled"] > 0
    if first == "coin":  # its "errors" may not reproduce: said in the headline
        assert check["changed"] > 0 and "not deterministic" in summary["headline"], said
        assert "not deterministic" in said
    else:
        assert check["changed"] == 0 and "not deterministic" not in said


SERVED_TEXT = """\
def mirror(batch):
    return ["NEGATIVE" if " not " in f" {s} " else "POSITIVE" for s in batch]

def lower(batch):
    words = [f" {s} " for s in batch]
    return ["negative" if " not " in w or " never " in w else "positive" for w in words]
"""


@pytest.mark.parametrize("other", ["mirror", "lower"])
def test_a_served_text_classifier_answering_labels_by_name_is_tested(
    other: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A sentiment service answering "POSITIVE"/"NEGATIVE" (the usual REST form) is read by
    name, as a function answering names is (was: exit 3, "not numbers"); against the same
    rule locally nothing is found, against one that also reads "never" something is."""
    (tmp_path / "local.py").write_text(SERVED_TEXT)
    report = tmp_path / "r.json"
    with _EchoServer(500, good=10**6, text=True) as server:
        code, said = _run(
            [
                "text",
                f"http://127.0.0.1:{server.port}/predict",
                f"{tmp_path / 'local.py'}:{other}",
                "--grammar",
                "builtin:reviews",
                "--max-queries",
                "600",
                "--seed",
                "1",
                "--store",
                str(tmp_path / "runs.db"),
                "--report",
                str(report),
            ],
            capsys,
        )
    summary = json.loads(report.read_text())["run"]["summary"]
    assert summary["serving"]["requests"] > 0  # counted as the endpoint's requests
    if other == "mirror":
        assert code == 0 and summary["headline"].startswith("no disagreement"), said
    else:
        assert code == 1, said
