"""Reading model files: skops (type-checked) and pickle/joblib (only when allowed)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from assay.errors import UsageError
from assay.models.skops_import import import_skops_io

__all__ = ["SKOPS_TRUSTED", "read_pickle", "read_skops"]

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
