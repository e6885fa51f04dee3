"""Reading model files: skops (type-checked) and pickle/joblib (only when allowed)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from assay.errors import UsageError
from assay.models.skops_import import import_skops_io

__all__ = ["SKOPS_TRUSTED", "read_pickle", "read_skops", "runs_code"]

# Types skops 0.16 does not trust by default but that plain scikit-learn models need.
# Found by saving decision trees, random forests, extra trees, AdaBoost, gradient boosting,
# histogram gradient boosting, isolation forests, MLPs (adam, sgd), k-NN (kd-tree, ball tree;
# euclidean, manhattan, chebyshev, minkowski), stacking/voting, calibrated classifiers and
# pipelines with ColumnTransformer, SimpleImputer, KBinsDiscretizer, OneHotEncoder and
# StandardScaler, then reading ``skops.io.get_untrusted_types``.  Every entry is a class that
# holds fitted data; no function, builtin or generic wrapper (functools.partial) is admitted:
# those need an explicit --trust after review.
SKOPS_TRUSTED: frozenset[str] = frozenset(
    {
        "numpy.dtype",
        "sklearn.calibration._CalibratedClassifier",
        "sklearn.calibration._SigmoidCalibration",
        "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
        "sklearn.metrics._dist_metrics.ChebyshevDistance64",
        "sklearn.metrics._dist_metrics.EuclideanDistance64",
        "sklearn.metrics._dist_metrics.ManhattanDistance64",
        "sklearn.metrics._dist_metrics.MinkowskiDistance64",
        "sklearn.neighbors._ball_tree.BallTree",
        "sklearn.neighbors._kd_tree.KDTree",
        "sklearn.neural_network._stochastic_optimizers.AdamOptimizer",
        "sklearn.neural_network._stochastic_optimizers.SGDOptimizer",
        "sklearn.tree._tree.Tree",
        "sklearn.utils._bunch.Bunch",
    }
)

# Functions that run commands or code, or reach files, the network or the interpreter: a
# model file never needs one (skops lists them as untrusted; the refusal printed
# ``--trust posix.system`` ready to paste).  Modules by prefix, builtins by name.
_CODE_MODULES = (
    "os", "posix", "nt", "subprocess", "shutil", "socket", "sys", "importlib", "pickle",
    "_pickle", "marshal", "runpy", "pty", "ctypes", "code", "codeop", "webbrowser", "urllib",
    "http", "ftplib", "smtplib", "telnetlib", "multiprocessing", "signal", "io", "pathlib",
    "tempfile", "asyncio", "threading", "platform", "glob", "zipimport", "pdb", "joblib",
    "dill", "cloudpickle", "requests",
)  # fmt: skip
_CODE_BUILTINS = frozenset(
    f"builtins.{name}"
    for name in (
        "eval", "exec", "compile", "open", "__import__", "getattr", "setattr", "delattr",
        "globals", "locals", "vars", "input", "breakpoint", "exit", "quit", "help",
    )
) | {"operator.attrgetter", "operator.methodcaller", "_operator.attrgetter",
     "_operator.methodcaller", "functools.reduce", "_functools.reduce"}  # fmt: skip


def runs_code(type_name: str) -> bool:
    """Whether a type skops names (``posix.system``) runs commands or code: never trusted."""
    module = type_name.split(".", 1)[0]
    return module in _CODE_MODULES or type_name in _CODE_BUILTINS


_PICKLE_ADVICE = (
    "loading a pickle or joblib file runs arbitrary code stored in the file, so assay refuses "
    "it by default. Prefer saving the model with skops (skops.io.dump(model, 'model.skops')) "
    "or converting it to ONNX (skl2onnx). If you trust this file, pass --allow-pickle "
    "(allow_pickle=True in Python)"
)


def _existing(path: str | Path) -> Path:
    p = Path(path).expanduser()
    if not p.is_file():
        raise UsageError(f"no such file: {path}", argument="MODEL", path=str(path))
    return p


def read_skops(path: str | Path, *, trust: Iterable[str] = ()) -> Any:
    """The object saved in a skops file, refusing types outside the allow-list and ``trust``."""
    p = _existing(path)
    try:
        sio = import_skops_io()
    except ImportError as exc:  # pragma: no cover - skops is a core dependency
        raise UsageError("reading .skops files needs the skops package", argument="MODEL") from exc
    try:
        untrusted = list(sio.get_untrusted_types(file=p))
    except Exception as exc:
        raise UsageError(
            f"not a readable skops file ({type(exc).__name__}: {exc})",
            argument="MODEL",
            path=str(path),
        ) from exc
    gadgets = sorted(t for t in untrusted if runs_code(t))
    if gadgets:  # never loaded, whatever --trust says (the advice printed them to paste)
        raise UsageError(
            f"the file holds functions that run commands or code when the model is used: "
            f"{', '.join(gadgets)}.  No model needs them (a FunctionTransformer of os.system "
            "is how a model file attacks whoever loads it): assay does not load this file, "
            "whatever --trust says; rebuild the model from its code",
            argument="MODEL",
            path=str(path),
        )
    allowed = SKOPS_TRUSTED | {t.strip() for t in trust}
    refused = sorted(t for t in untrusted if t not in allowed)
    if refused:
        flags = " ".join(f"--trust {t}" for t in refused)
        raise UsageError(
            f"the file holds types that are not trusted by default: {', '.join(refused)}. "
            "Loading them may run their code. Review them, and if you trust them pass "
            f"{flags} (trust=[...] in Python)",
            argument="--trust",
            path=str(path),
        )
    try:
        return sio.load(p, trusted=untrusted)
    except Exception as exc:
        raise UsageError(
            f"skops could not load the file ({type(exc).__name__}: {exc})",
            argument="MODEL",
            path=str(path),
        ) from exc


def read_pickle(path: str | Path, *, allow_pickle: bool = False) -> Any:
    """The object in a pickle or joblib file; refused unless ``allow_pickle``."""
    p = _existing(path)
    if not allow_pickle:
        raise UsageError(_PICKLE_ADVICE, argument="--allow-pickle", path=str(path))
    import joblib

    try:
        return joblib.load(p)
    except Exception as exc:
        raise UsageError(
            f"could not load the file ({type(exc).__name__}: {exc})",
            argument="MODEL",
            path=str(path),
        ) from exc
