"""``--classes no,yes`` (``classes=[...]``): the label names of a model that answers them by
name and names none (an endpoint answering ``"yes"``/``"no"``, an ONNX graph whose label
output is strings) declared by the user, for fairness and backdoor.  Before, both were
refused with a way round (a Python function with ``classes_``).  A label outside the
declared ones is a model failure naming it and the model (exit 3); a model naming its own
classes keeps them (declared names must agree); ``--classes N`` is still a count."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assay.cli.app import main
from assay.core.store import RunStore
from assay.errors import UsageError
from assay.models import load_model
from assay.models.classes import declared_count_or_names, parse_classes

SEX = 8  # the column of sex in the built-in Adult encoding
ADULT = ["--dataset", "adult", "--protected", "sex", "--seed", "1"]


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exc:
        main(args)
    out = capsys.readouterr()
    return int(exc.value.code or 0), out.out + out.err


class _NamesServer:
    """Answers every input with a label by name: ``label(row)``."""

    def __init__(self, label: Callable[[Any], str]) -> None:
        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                data = json.dumps({"outputs": [label(x) for x in body["inputs"]]}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/predict"

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _by_sex(row: list[float]) -> str:
    return "yes" if row[SEX] > 0.5 else "no"  # discriminates on sex alone


def _sometimes_maybe(row: list[float]) -> str:
    return "maybe" if int(sum(row)) % 7 == 0 else _by_sex(row)


# -- parsing -------------------------------------------------------------------------------
def test_classes_are_a_count_or_names() -> None:
    assert parse_classes("10") == 10
    assert parse_classes("no,yes") == ("no", "yes")
    assert parse_classes(" <=50K , >50K ") == ("<=50K", ">50K")
    assert declared_count_or_names(["cat", "dog", "cow"]) == (3, ("cat", "dog", "cow"))
    assert declared_count_or_names(4) == (4, None)
    assert declared_count_or_names(None) == (None, None)
    for bad, said in [
        ("yes", "one name"),
        ("1", "at least 2"),
        ("no,,yes", "empty"),
        ("no,yes,no", "named twice"),
    ]:
        with pytest.raises(UsageError, match=said) as err:
            parse_classes(bad)
        assert err.value.argument == "--classes"
    with pytest.raises(UsageError, match="list of class names"):
        declared_count_or_names(3.5)


# -- an endpoint answering labels by name --------------------------------------------------
def test_a_tabular_endpoint_answering_names_is_tested_with_declared_classes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "runs.db"
    with _NamesServer(_by_sex) as url:
        base = ["fairness", url, *ADULT, "--max-queries", "600", "--store", str(store)]
        code, said = _run(base, capsys)
        assert code == 3 and "e.g. --classes yes" in said, said  # the way to declare them
        code, said = _run([*base, "--classes", "no,yes"], capsys)
        assert code == 1, said
        assert "discriminatory inputs found for sex" in said, said
        assert "'yes'" in said, said  # the headline names the class by its name
        assert "--classes no,yes" in said  # in the command that reproduces the run
        (record,) = RunStore(store).list_runs()
        assert record.config["invocation"]["classes"] == ["no", "yes"]
        assert record.model["capabilities"]["class_names"] == ["no", "yes"]


def test_a_label_outside_the_declared_classes_is_a_user_error_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with _NamesServer(_sometimes_maybe) as url:
        args = ["fairness", url, *ADULT, "--max-queries", "3000", "--store", str(tmp_path / "r.db")]
        code, said = _run([*args, "--classes", "no,yes"], capsys)
    assert code == 2, said  # (the list lacks it: a user error since left50b, 3 before)
    assert "answered 'maybe'" in said and url in said and "--classes" in said, said


def test_declared_classes_from_the_api_and_a_model_naming_its_own(tmp_path: Path) -> None:
    from sklearn.tree import DecisionTreeClassifier

    with _NamesServer(_by_sex) as url:
        probe = np.zeros((2, 13))
        model = load_model(url, probe=probe, classes=["no", "yes"])
        assert model.capabilities.class_names == ("no", "yes")
        assert model.predict(np.eye(13)[[0, SEX]]).tolist() == [0, 1]
    tree = DecisionTreeClassifier().fit(np.eye(3), ["a", "b", "c"])
    assert load_model(tree, classes=["a", "b", "c"]).capabilities.class_names == ("a", "b", "c")
    with pytest.raises(UsageError, match=r"names its own classes \('a', 'b', 'c'\)"):
        load_model(tree, classes=["c", "b", "a"])


# -- an ONNX graph whose label output is strings -------------------------------------------
def _string_label_graph(path: Path, width: int, column: int, names: list[str]) -> Path:
    """argmax(X @ W) indexing a constant list of names: the label output is strings and the
    graph names no classes (no classlabels attribute).  Class 1 when X[:, column] > 0.5."""
    onnx = pytest.importorskip("onnx")
    pytest.importorskip("onnxruntime")
    from onnx import TensorProto, helper, numpy_helper

    weights = np.zeros((width, len(names)), dtype=np.float32)
    weights[column, 1] = 1.0
    bias = np.zeros(len(names), dtype=np.float32)
    bias[0] = 0.5
    graph = helper.make_graph(
        [
            helper.make_node("MatMul", ["X", "W"], ["Z0"]),
            helper.make_node("Add", ["Z0", "B"], ["Z"]),
            helper.make_node("ArgMax", ["Z"], ["I"], axis=1, keepdims=0),
            helper.make_node("Gather", ["N", "I"], ["label"], axis=0),
        ],
        "g",
        [helper.make_tensor_value_info("X", TensorProto.FLOAT, ["n", width])],
        [helper.make_tensor_value_info("label", TensorProto.STRING, ["n"])],
        [
            numpy_helper.from_array(weights, "W"),
            numpy_helper.from_array(bias, "B"),
            helper.make_tensor("N", TensorProto.STRING, [len(names)], [n.encode() for n in names]),
        ],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, str(path))
    return path


def test_an_onnx_graph_answering_names_is_tested_with_declared_classes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    graph = _string_label_graph(tmp_path / "names.onnx", 13, SEX, ["<=50K", ">50K"])
    store = ["--store", str(tmp_path / "runs.db")]
    base = ["fairness", str(graph), *ADULT, "--max-queries", "600", *store]
    code, said = _run(base, capsys)
    assert code == 2 and "--classes" in said, said
    code, said = _run([*base, "--classes", "<=50K,>50K"], capsys)
    assert code == 1 and "discriminatory inputs found for sex" in said, said
    # declared in another order: class 0 is then '>50K'; the graph's answers are read so
    code, said = _run([*base, "--classes", ">50K,<=50K"], capsys)
    assert code == 1, said
    # a declared set without one of its labels
    code, said = _run([*base, "--classes", "<=50K,high"], capsys)
    assert code == 2 and "answered label '>50K'" in said and "names.onnx" in said, said


# -- backdoor: an image endpoint answering names -------------------------------------------
def _digits(tmp_path: Path) -> tuple[Path, Path]:
    from sklearn.datasets import load_digits

    x = load_digits().images.astype(np.float32) / 16.0
    np.save(tmp_path / "clean.npy", x[:60])
    scan = x[60:90].copy()
    scan[::2, 6:8, 6:8] = 1.0  # a white corner on every other image
    np.save(tmp_path / "scan.npy", scan)
    return tmp_path / "clean.npy", tmp_path / "scan.npy"


def _corner(image: Any) -> str:
    a = np.asarray(image, dtype=float).reshape(8, 8)
    if a[6:8, 6:8].mean() > 0.95:
        return "seven"  # the trojan: a white corner means 'seven'
    return ["zero", "one", "seven"][int(a[:, :4].mean() * 3 + a[0, 0]) % 3]


def test_a_backdoor_scan_of_an_endpoint_answering_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clean, scan = _digits(tmp_path)
    store = ["--store", str(tmp_path / "runs.db")]
    with _NamesServer(_corner) as url:
        base = ["backdoor", url, "--images", str(scan), "--clean", str(clean), *store]
        base += ["--input-shape", "8,8", "--seed", "0", "--max-trigger", "2"]
        code, said = _run(base, capsys)
        assert code == 3 and "--classes" in said, said
        code, said = _run([*base, "--classes", "zero,one,seven"], capsys)
        assert code in (0, 1), said
        assert "seven" in said, said  # the trigger's class by its name
        code, said = _run([*base, "--classes", "3"], capsys)  # a count cannot read names
        assert code == 3, said
        code, said = _run([*base, "--classes", "zero,one"], capsys)
        assert code == 2 and "answered 'seven'" in said, said  # (the list's: left50b)
