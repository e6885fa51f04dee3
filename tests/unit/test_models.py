"""Model adapters: each loader on real scikit-learn models, file safety, broken models."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier

from assay.core.model import Capabilities
from assay.errors import ModelError, UsageError
from assay.models import SKOPS_TRUSTED, CheckedModel, describe, from_callable, load_model

N_TRAIN, N_TEST = 240, 60


# -- data and models -----------------------------------------------------------------------
def _numeric(rng: np.random.Generator, n: int) -> np.ndarray:
    # two decimals: float32 (ONNX) and float64 (scikit-learn) agree on every tree split
    return np.round(rng.normal(size=(n, 4)), 2)


def _frame(rng: np.random.Generator, n: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "age": np.round(rng.uniform(18, 80, n), 1),
            "hours": rng.integers(10, 60, n),
            "job": rng.choice(["clerk", "nurse", "smith"], n),
            "city": rng.choice(["north", "south"], n),
        }
    )


class Case:
    """A fitted model, its test inputs as assay passes them, and the reference answers."""

    def __init__(self, name: str, estimator: Any, x_fit: Any, x_test: np.ndarray) -> None:
        self.name = name
        self.estimator = estimator
        self.x_test = x_test
        frame_cols = list(getattr(estimator, "feature_names_in_", []))
        self.columns = [str(c) for c in frame_cols] or None
        as_fit = (
            pd.DataFrame(x_test, columns=self.columns).infer_objects() if self.columns else x_test
        )
        self.proba = estimator.predict_proba(as_fit)
        self.labels = np.asarray(estimator.predict(as_fit)).astype(str)
        self.x_fit = x_fit


@pytest.fixture(scope="module")
def cases() -> dict[str, Case]:
    rng = np.random.default_rng(7)
    x = _numeric(rng, N_TRAIN + N_TEST)
    y_names = np.array(["low", "mid", "high"])[(x[:, 0] > 0).astype(int) + (x[:, 1] > 0.5)]
    lr = LogisticRegression(max_iter=500).fit(x[:N_TRAIN], y_names[:N_TRAIN])
    y_int = ((x[:, 0] * x[:, 2] > 0) | (x[:, 3] > 1)).astype(int)
    tree = DecisionTreeClassifier(max_depth=4, random_state=0).fit(x[:N_TRAIN], y_int[:N_TRAIN])
    df = _frame(rng, N_TRAIN + N_TEST)
    y_df = ((df["age"] > 45) & (df["job"] != "smith")) | (df["city"] == "south")
    pre = ColumnTransformer(
        [
            ("num", StandardScaler(), ["age", "hours"]),
            ("cat", OneHotEncoder(handle_unknown="ignore"), ["job", "city"]),
        ]
    )
    pipe = Pipeline([("pre", pre), ("clf", LogisticRegression())]).fit(
        df.iloc[:N_TRAIN], y_df.iloc[:N_TRAIN].astype(int)
    )
    test_rows = df.iloc[N_TRAIN:].to_numpy(dtype=object)
    return {
        "lr": Case("lr", lr, x[:N_TRAIN], x[N_TRAIN:]),
        "tree": Case("tree", tree, x[:N_TRAIN], x[N_TRAIN:]),
        "pipe": Case("pipe", pipe, df.iloc[:N_TRAIN], test_rows),
    }


@pytest.fixture(scope="module")
def files(cases: dict[str, Case], tmp_path_factory: pytest.TempPathFactory) -> Path:
    import joblib
    import skops.io as sio

    folder = tmp_path_factory.mktemp("models")
    for name, case in cases.items():
        sio.dump(case.estimator, folder / f"{name}.skops")
        joblib.dump(case.estimator, folder / f"{name}.joblib")
        (folder / f"wrap_{name}.py").write_text(
            textwrap.dedent(
                f"""
                import numpy as np
                import pandas as pd
                import skops.io as sio

                PATH = {str(folder / f"{name}.skops")!r}
                _MODEL = sio.load(PATH, trusted=sio.get_untrusted_types(file=PATH))
                COLUMNS = {case.columns!r}


                def _x(rows):
                    if COLUMNS is None:
                        return np.asarray(rows, dtype=float)
                    return pd.DataFrame(rows, columns=COLUMNS).infer_objects()


                def predict_proba(rows):
                    return _MODEL.predict_proba(_x(rows))


                def predict_labels(rows):
                    return np.searchsorted(_MODEL.classes_, _MODEL.predict(_x(rows)))
                """
            )
        )
    return folder


@pytest.fixture(scope="module")
def onnx_files(cases: dict[str, Case], files: Path) -> Path:
    pytest.importorskip("onnxruntime")
    from skl2onnx import convert_sklearn, to_onnx
    from skl2onnx.common.data_types import FloatTensorType, Int64TensorType, StringTensorType

    for name, case in cases.items():
        est = case.estimator
        for zipmap in (True, False):
            options = {id(est): {"zipmap": zipmap}}
            if name == "pipe":
                types = [
                    ("age", FloatTensorType([None, 1])),
                    ("hours", Int64TensorType([None, 1])),
                    ("job", StringTensorType([None, 1])),
                    ("city", StringTensorType([None, 1])),
                ]
                onx = convert_sklearn(est, initial_types=types, options=options)
            else:
                onx = to_onnx(est, case.x_fit[:1].astype(np.float32), options=options)
            suffix = "zipmap" if zipmap else "tensor"
            (files / f"{name}_{suffix}.onnx").write_bytes(onx.SerializeToString())
    return files


def _load(how: str, case: Case, folder: Path, labels: bool = False) -> CheckedModel:
    outputs = "labels" if labels else None
    if how == "memory":
        return load_model(case.estimator, outputs=outputs)
    if how == "skops":
        return load_model(str(folder / f"{case.name}.skops"), outputs=outputs)
    if how == "joblib":
        return load_model(folder / f"{case.name}.joblib", allow_pickle=True, outputs=outputs)
    if how.startswith("onnx"):
        kind = how.split("_")[1]
        return load_model(str(folder / f"{case.name}_{kind}.onnx"), outputs=outputs)
    assert how == "callable"
    fn = "predict_labels" if labels else "predict_proba"
    n = len(case.proba[0])
    return load_model(
        f"{folder / f'wrap_{case.name}.py'}:{fn}",
        outputs="labels" if labels else "proba",
        n_classes=n,
    )


LOADERS = ["memory", "skops", "joblib", "callable", "onnx_zipmap", "onnx_tensor"]


@pytest.mark.parametrize("name", ["lr", "tree", "pipe"])
@pytest.mark.parametrize("how", LOADERS)
def test_every_loader_gives_the_estimators_answers(
    how: str, name: str, cases: dict[str, Case], request: pytest.FixtureRequest
) -> None:
    folder = request.getfixturevalue("onnx_files" if how.startswith("onnx") else "files")
    case = cases[name]
    model = _load(how, case, folder)
    assert isinstance(model, CheckedModel)
    caps = model.capabilities
    assert caps.outputs == "proba"
    assert caps.n_classes == case.proba.shape[1]
    proba = model.predict(case.x_test)
    assert proba.shape == case.proba.shape
    np.testing.assert_allclose(proba, case.proba, atol=1e-5)

    labelled = _load(how, case, folder, labels=True)
    assert labelled.capabilities.outputs == "labels"
    indices = labelled.predict(case.x_test)
    assert indices.dtype.kind == "i"
    classes = np.array([str(c) for c in case.estimator.classes_])
    assert np.array_equal(classes[indices], case.labels)
    if how != "callable":
        assert model.capabilities.class_names == tuple(classes)
        assert model.inner.n_features == 4  # type: ignore[attr-defined]


def test_inputs_too_narrow_for_a_dataframe_model_name_the_columns(
    cases: dict[str, Case],
) -> None:
    model = load_model(cases["pipe"].estimator)
    with pytest.raises(UsageError, match="age, hours, job, city") as err:
        model.predict(cases["pipe"].x_test[:, :3])
    assert err.value.argument == "MODEL"


def test_object_rows_regain_column_dtypes() -> None:
    """Like XGBoost and LightGBM, this estimator refuses object columns in a DataFrame."""

    class StrictDtypes:
        feature_names_in_ = np.array(["age", "hours", "job"], dtype=object)
        classes_ = np.array([0, 1])

        def predict_proba(self, frame: pd.DataFrame) -> np.ndarray:
            kinds = {str(c): frame[c].dtype.kind for c in frame.columns}
            if kinds["age"] != "f" or kinds["hours"] != "i":
                raise ValueError(f"DataFrame.dtypes must be int or float: {kinds}")
            p = (frame["age"].to_numpy() > 40) * 0.5 + (frame["job"] == "nurse").to_numpy() * 0.25
            out: np.ndarray = np.stack([1 - p, p], axis=1)
            return out

    rows = np.array([[30.5, 20, "nurse"], [50.0, 40, "smith"]], dtype=object)
    model = load_model(StrictDtypes())
    np.testing.assert_allclose(model.predict(rows), [[0.75, 0.25], [0.5, 0.5]])


def test_unfitted_estimator_is_refused() -> None:
    with pytest.raises(UsageError, match="not fitted"):
        load_model(LogisticRegression())


def test_sklearn_outputs_follow_what_the_estimator_offers(cases: dict[str, Case]) -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(size=(80, 3))
    y = (x[:, 0] > 0).astype(int)
    svc = SVC().fit(x, y)
    model = load_model(svc)
    assert model.capabilities.outputs == "labels"
    assert np.array_equal(model.predict(x), svc.predict(x))
    with pytest.raises(UsageError, match="probability=True"):
        load_model(svc, outputs="proba")
    reg = LinearRegression().fit(x, x[:, 0] * 2.0)
    scored = load_model(reg)
    assert scored.capabilities.n_classes is None
    np.testing.assert_allclose(scored.predict(x[:5])[:, 0], reg.predict(x[:5]))
    with pytest.raises(UsageError, match="regressor"):
        load_model(reg, outputs="labels")
    with pytest.raises(UsageError, match="has 3") as err:
        load_model(cases["lr"].estimator, n_classes=2)
    assert err.value.argument == "--n-classes"


def test_duck_typed_objects_and_ready_models() -> None:
    class Duck:
        def predict_proba(self, x: Any) -> np.ndarray:
            p = 1 / (1 + np.exp(-np.asarray(x, dtype=float)[:, 0]))
            out: np.ndarray = np.stack([1 - p, p], axis=1)
            return out

    with pytest.raises(UsageError, match="--n-classes"):
        load_model(Duck())
    duck = load_model(Duck(), n_classes=2)
    np.testing.assert_allclose(duck.predict(np.array([[0.0]])), [[0.5, 0.5]])
    probed = load_model(Duck(), probe=np.zeros((1, 1)))
    assert probed.capabilities.n_classes == 2

    class Ready:
        capabilities = Capabilities(modality="tabular", n_classes=2, outputs="labels")

        def predict(self, x: Any, /) -> np.ndarray:
            return (np.asarray(x)[:, 0] > 0).astype(np.int64)

    ready = Ready()
    model = load_model(ready)
    assert model.inner is ready
    assert list(model.predict(np.array([[1.0], [-1.0]]))) == [1, 0]
    assert load_model(model) is model
    with pytest.raises(UsageError, match="declares labels outputs, not proba"):
        load_model(ready, outputs="proba")


# -- callables and specs -------------------------------------------------------------------
def test_callable_capabilities_are_declared_or_probed() -> None:
    def proba(x: Any) -> np.ndarray:
        return np.full((len(x), 3), 1 / 3)

    def labels(x: Any) -> np.ndarray:
        return np.zeros(len(x), dtype=np.int64)

    with pytest.raises(UsageError, match="n_classes=") as err:
        load_model(proba)
    assert err.value.argument == "MODEL"
    assert "--n-classes" not in str(err.value) and "--outputs" not in str(err.value)
    probed = load_model(proba, probe=np.zeros((1, 2)))
    assert (probed.capabilities.outputs, probed.capabilities.n_classes) == ("proba", 3)
    assert load_model(labels, probe=np.zeros((1, 2))).capabilities.outputs == "labels"
    declared = from_callable(labels, outputs="labels", n_classes=2)
    assert declared.capabilities.n_classes == 2


def test_callable_spec_by_file_with_probe(cases: dict[str, Case], files: Path) -> None:
    case = cases["lr"]
    spec = f"{files / 'wrap_lr.py'}:predict_proba"
    model = load_model(spec, probe=case.x_test[:1])
    assert model.capabilities.n_classes == 3
    np.testing.assert_allclose(model.predict(case.x_test), case.proba, atol=1e-12)
    assert model.spec_info["type"] == "callable"
    assert model.spec_info["spec"] == spec


def test_callable_spec_by_module(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cases: dict[str, Case]
) -> None:
    (tmp_path / "assay_test_sign_model.py").write_text(
        "import numpy as np\n\n\ndef sign(rows):\n"
        "    return (np.asarray(rows)[:, 0] > 0).astype(int)\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    model = load_model("assay_test_sign_model:sign", outputs="labels", n_classes=2)
    x = cases["lr"].x_test
    assert np.array_equal(model.predict(x), (x[:, 0] > 0).astype(int))


def test_bad_callable_specs_name_the_problem(tmp_path: Path) -> None:
    good = tmp_path / "mod.py"
    good.write_text("THREE = 3\n\ndef predict(rows):\n    return rows\n")
    broken = tmp_path / "broken.py"
    broken.write_text("import numpy\n\ndef f(:\n    pass\n")
    raising = tmp_path / "raising.py"
    raising.write_text("x = 1\nraise RuntimeError('no weights here')\n")
    with pytest.raises(UsageError, match="no such file") as err:
        load_model(f"{tmp_path / 'absent.py'}:predict")
    assert err.value.argument == "MODEL"
    with pytest.raises(UsageError, match=r"no 'missing'.*predict"):
        load_model(f"{good}:missing")
    with pytest.raises(UsageError, match="not a model"):
        load_model(f"{good}:THREE")
    with pytest.raises(UsageError, match="syntax error") as err:
        load_model(f"{broken}:f")
    assert err.value.line == 3
    with pytest.raises(UsageError, match="RuntimeError: no weights here") as err:
        load_model(f"{raising}:f")
    assert err.value.line == 2
    with pytest.raises(UsageError, match="cannot import module"):
        load_model("assay_no_such_module_here:predict", outputs="labels")


def test_bad_specs_list_the_accepted_forms(tmp_path: Path) -> None:
    odd = tmp_path / "model.h5"
    odd.write_bytes(b"\x89HDF")
    for spec in [str(odd), str(tmp_path / "absent.skops"), "just-a-word"]:
        with pytest.raises(UsageError, match=r"model\.skops.*file\.py:function") as err:
            load_model(spec)
        assert err.value.argument == "MODEL"
    with pytest.raises(UsageError, match="sklearn, callable, onnx") as err:
        load_model(str(odd), model_type="keras")
    assert err.value.argument == "--model-type"
    for suffix in (".pt", ".pth", ".pt2"):  # TorchScript / torch.export: the [torch] extra
        with pytest.raises(UsageError, match=r"no such file"):
            load_model(str(tmp_path / f"net{suffix}"))
    with pytest.raises(UsageError, match="not a model"):
        load_model(42)


# -- pickle and skops safety ---------------------------------------------------------------
def test_pickle_is_refused_without_the_flag(files: Path, tmp_path: Path) -> None:
    import pickle

    plain = tmp_path / "model.pkl"
    with plain.open("wb") as f:
        pickle.dump(LogisticRegression(), f)
    for path in (files / "lr.joblib", plain):
        with pytest.raises(UsageError) as err:
            load_model(str(path))
        message = str(err.value)
        assert err.value.argument == "--allow-pickle"
        assert "arbitrary code" in message
        assert "--allow-pickle" in message and "allow_pickle=True" in message
        assert "skops.io.dump" in message


def test_skops_allow_list_holds_only_data_classes() -> None:
    import importlib

    for name in SKOPS_TRUSTED:
        module, _, attr = name.rpartition(".")
        assert module.split(".")[0] in ("sklearn", "numpy", "scipy"), name
        assert isinstance(getattr(importlib.import_module(module), attr), type), name


def test_skops_refuses_untrusted_types_until_trusted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import skops.io as sio

    (tmp_path / "assay_test_custom_est.py").write_text(
        textwrap.dedent(
            """
            import numpy as np
            from sklearn.base import BaseEstimator, ClassifierMixin

            class Threshold(ClassifierMixin, BaseEstimator):
                def fit(self, X, y):
                    self.classes_ = np.unique(y)
                    self.cut_ = float(np.median(np.asarray(X)[:, 0]))
                    return self

                def predict_proba(self, X):
                    p = (np.asarray(X)[:, 0] > self.cut_).astype(float)
                    return np.c_[1 - p, p]

                def predict(self, X):
                    return self.classes_[(np.asarray(X)[:, 0] > self.cut_).astype(int)]
            """
        )
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    from assay_test_custom_est import Threshold  # type: ignore[import-not-found]

    x = np.arange(20, dtype=float).reshape(10, 2)
    est = Threshold().fit(x, np.arange(10) % 2)
    path = tmp_path / "custom.skops"
    sio.dump(est, path)
    with pytest.raises(UsageError) as err:
        load_model(str(path))
    assert err.value.argument == "--trust"
    assert "assay_test_custom_est.Threshold" in str(err.value)
    assert "--trust assay_test_custom_est.Threshold" in str(err.value)
    model = load_model(str(path), trust=["assay_test_custom_est.Threshold"])
    np.testing.assert_array_equal(model.predict(x), est.predict_proba(x))


# -- broken models -------------------------------------------------------------------------
def _rows(n: int = 5) -> np.ndarray:
    return np.arange(n * 2, dtype=float).reshape(n, 2)


def test_a_model_that_raises_gives_a_model_error() -> None:
    def boom(x: Any) -> np.ndarray:
        raise ValueError("weights not loaded")

    model = load_model(boom, outputs="labels", n_classes=2)
    with pytest.raises(ModelError) as err:
        model.predict(_rows())
    message = str(err.value)
    assert "raised ValueError: weights not loaded" in message
    assert "batch of 5 inputs" in message and "first input: [0. 1.]" in message


@pytest.mark.parametrize(
    ("answer", "outputs", "problem"),
    [
        (lambda x: np.zeros(len(x) - 1, dtype=int), "labels", "4 answers"),
        (lambda x: np.zeros((len(x), 2, 2)), "labels", "shape"),
        (
            lambda x: np.where(np.arange(len(x))[:, None] == 3, np.nan, 0.5) * np.ones(2),
            "proba",
            "non-finite value.*input 3: \\[6. 7.\\]",
        ),
        (lambda x: np.full((len(x), 3), 1 / 3), "proba", "3 columns.*declares 2 classes"),
        (lambda x: np.full(len(x), 0.5), "labels", "non-integer label .*0.5.*for input 0"),
        (lambda x: np.full(len(x), 7), "labels", "label 7.*outside the 2 declared classes"),
    ],
    ids=["too-few", "wrong-shape", "nan", "class-count", "non-integer", "out-of-range"],
)
def test_broken_answers_give_model_errors(answer: Any, outputs: str, problem: str) -> None:
    model = load_model(answer, outputs=outputs, n_classes=2)
    with pytest.raises(ModelError, match=problem):
        model.predict(_rows())


def test_a_clean_callable_passes_its_checks() -> None:
    model = load_model(lambda x: np.full((len(x), 2), 0.5), outputs="proba", n_classes=2)
    assert model.predict(_rows()).shape == (5, 2)
    assert model.predict(_rows(0)).shape == (0, 2)


def test_describe_is_json_and_records_the_file(files: Path) -> None:
    model = load_model(str(files / "tree.skops"))
    info = json.loads(json.dumps(describe(model)))
    assert info["type"] == "skops"
    assert info["capabilities"]["n_classes"] == 2
    assert len(info["file"]["sha256"]) == 64
    assert info["details"]["estimator"].endswith("DecisionTreeClassifier")
    assert model.spec_info == info


# -- ONNX specifics ------------------------------------------------------------------------
def test_onnx_output_choice(cases: dict[str, Case], onnx_files: Path) -> None:
    path = str(onnx_files / "lr_tensor.onnx")
    with pytest.raises(UsageError, match=r"no output 'score'.*label.*probabilities") as err:
        load_model(path, output="score")
    assert err.value.argument == "--output"
    by_label = load_model(path, output="label")
    assert by_label.capabilities.outputs == "labels"
    names = np.array(by_label.capabilities.class_names)
    assert np.array_equal(names[by_label.predict(cases["lr"].x_test)], cases["lr"].labels)
    with pytest.raises(UsageError, match="columns, one per input"):
        load_model(str(onnx_files / "pipe_tensor.onnx")).predict(cases["lr"].x_test[:, :3])


def _softmax_graph(path: Path, width: int | None) -> np.ndarray:
    """Softmax(X @ W) with an output width shape inference cannot see (Compress)."""
    onnx = pytest.importorskip("onnx")
    from onnx import TensorProto, helper, numpy_helper

    weights = np.arange(12, dtype=np.float32).reshape(4, 3) / 10
    graph = helper.make_graph(
        [
            helper.make_node("MatMul", ["X", "W"], ["Z"]),
            helper.make_node("Softmax", ["Z"], ["S"], axis=1),
            helper.make_node("Compress", ["S", "keep"], ["P"], axis=1),
        ],
        "g",
        [helper.make_tensor_value_info("X", TensorProto.FLOAT, ["n", width or "d"])],
        [helper.make_tensor_value_info("P", TensorProto.FLOAT, ["n", "k"])],
        [numpy_helper.from_array(weights, "W"), numpy_helper.from_array(np.ones(3, bool), "keep")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, str(path))
    return weights


def test_onnx_dynamic_width_is_probed(tmp_path: Path) -> None:
    pytest.importorskip("onnxruntime")
    weights = _softmax_graph(tmp_path / "fixed.onnx", 4)
    model = load_model(str(tmp_path / "fixed.onnx"))  # probed with one zero row
    assert model.capabilities.n_classes == 3
    x = np.random.default_rng(0).normal(size=(6, 4))
    z = x @ weights.astype(np.float64)
    expected = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(model.predict(x), expected, atol=1e-5)
    _softmax_graph(tmp_path / "open.onnx", None)
    with pytest.raises(UsageError, match="--n-classes"):
        load_model(str(tmp_path / "open.onnx"))
    assert load_model(str(tmp_path / "open.onnx"), probe=x[:1]).capabilities.n_classes == 3
    assert load_model(str(tmp_path / "open.onnx"), n_classes=3).capabilities.n_classes == 3


def test_onnx_without_onnxruntime_is_a_usage_error(
    files: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = files / "fake.onnx"
    fake.write_bytes(b"not really")
    monkeypatch.setitem(sys.modules, "onnxruntime", None)
    with pytest.raises(UsageError, match=r"assay\[onnx\]"):
        load_model(str(fake))


def test_models_package_imports_without_optional_dependencies() -> None:
    code = (
        "import sys, assay.models\n"
        "heavy = [m for m in ('onnxruntime', 'onnx', 'skl2onnx', 'torch') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_text_models_in_memory_and_onnx(tmp_path: Path) -> None:
    from sklearn.feature_extraction.text import CountVectorizer

    texts = ["good film", "bad film", "great acting", "awful plot", "good plot", "bad acting"] * 4
    y = [1, 0, 1, 0, 1, 0] * 4
    pipe = Pipeline([("bag", CountVectorizer()), ("clf", LogisticRegression())]).fit(texts, y)
    queries = ["good acting", "awful", "film film", "unseen words only"]
    expected = pipe.predict_proba(queries)
    model = load_model(pipe, modality="text")
    assert model.capabilities.modality == "text"
    np.testing.assert_allclose(model.predict(queries), expected, atol=1e-12)
    pytest.importorskip("onnxruntime")
    from skl2onnx import convert_sklearn
    from skl2onnx.common.data_types import StringTensorType

    options = {id(pipe): {"zipmap": False}, id(pipe.named_steps["bag"]): {"locale": "C"}}
    onx = convert_sklearn(
        pipe, initial_types=[("text", StringTensorType([None, 1]))], options=options
    )
    (tmp_path / "text.onnx").write_bytes(onx.SerializeToString())
    onnx_model = load_model(str(tmp_path / "text.onnx"), modality="text")
    np.testing.assert_allclose(onnx_model.predict(queries), expected, atol=1e-5)
