"""mutation53: left52c's refusals and JSON forms (``models.checked._sum_fix``,
``report.pixels_json``, ``backdoor.npz_arrays``, ``core.keywords``) at the edges their own
tests left open (a surviving mutant named by each test)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assay.errors import ModelError
from assay.models.checked import _check_rows


def test_a_row_with_one_class_given_no_probability_is_told_so() -> None:
    # G1 (``given < k`` -> ``given < k - 1``): three classes, one of them 0 (a top 2 of 3
    # kept) was told to normalise its scores, not that a class was left out
    p = np.array([[0.5, 0.3, 0.0], [0.2, 0.2, 0.0]])
    with pytest.raises(ModelError) as info:
        _check_rows(p, np.zeros((2, 3)))
    said = str(info.value)
    assert "gives 2 of its 3 classes a probability, the others 0" in said, said
    assert "p / p.sum" not in said


def test_a_table_rows_zeros_and_ones_stay_as_they_are() -> None:
    # G2 (``values.ndim < 3`` -> ``< 2``): a fairness finding's rows of 0/1 features (two
    # dimensions: rows, columns) were written as 0/255 with ``inputs_scale`` 255
    from assay.report.pixels_json import pixels_as_integers

    rows = {"index": 1, "inputs": [[0.0, 1.0, 1.0], [1.0, 0.0, 1.0]]}
    doc = {"findings": {"examples": [rows]}}
    assert pixels_as_integers(doc)["findings"]["examples"] == [rows]
    image = {"index": 2, "inputs": [[[0.0, 1.0], [2 / 255, 1.0]]]}
    (got,) = pixels_as_integers({"findings": {"examples": [image]}})["findings"]["examples"]
    assert got["inputs"] == [[[0, 255], [2, 255]]] and got["inputs_scale"] == 255


def test_a_serving_option_the_call_takes_as_its_own_keyword_stays_its_own() -> None:
    # H5 (``_failure_in_keywords``' ``if name in accepted: return m[0]`` dropped): a call
    # taking ``batch_size`` itself (``resume_run``) beside ``serving`` was told
    # ``serving={"batch_size": 22}``, a key its ``serving`` does not read
    from assay.core.keywords import in_callers_terms

    @in_callers_terms()
    def run(*, serving: object = None, batch_size: int | None = None) -> None:
        raise ModelError("a batch of 44 refused (HTTP 413): give --batch-size 22, or --timeout 30")

    with pytest.raises(ModelError) as info:
        run()
    said = str(info.value)
    assert "batch_size=22" in said and 'serving={"batch_size"' not in said, said
    assert 'serving={"timeout": 30}' in said


def test_an_npz_named_in_capitals_names_its_array(tmp_path: Path) -> None:
    # G5 (``head.lower()`` dropped): ``DIGITS.NPZ:x_test`` was no member spec, read as a
    # file of that whole name (not found)
    from assay.backdoor.npz_arrays import npz_member

    path = tmp_path / "DIGITS.NPZ"
    with path.open("wb") as fh:  # (``np.savez`` given a name adds ``.npz`` to ``.NPZ``)
        np.savez(fh, x_test=np.zeros((2, 8, 8)), y_test=np.zeros(2))
    assert npz_member(f"{path}:x_test") == (path, "x_test")
    assert npz_member(f"{tmp_path / 'none.NPZ'}:x_test") is None


def test_an_images_array_named_in_capitals_reads_its_labels_alike() -> None:
    # G6 (``("X", "y")`` dropped): ``X_test`` (scikit-learn's capital) read its labels from
    # ``labels``/``y``, not ``y_test``
    from assay.backdoor.npz_arrays import labels_keys

    assert labels_keys("X_test") == ("y_test",)
    assert labels_keys("x_train") == ("y_train",)
    assert labels_keys("images_val") == ("labels_val",)
    assert labels_keys("digits") == ("labels", "y")


def _npz_refusal(path: Path, **arrays: np.ndarray) -> str:
    from assay.backdoor.npz_arrays import images_key
    from assay.errors import UsageError

    np.savez(path, **arrays)  # type: ignore[arg-type]
    with np.load(path) as z, pytest.raises(UsageError) as info:
        images_key(z, list(z.files), path, "--clean", None)
    return str(info.value)


def test_the_npz_refusal_names_labels_only_where_the_file_holds_them(tmp_path: Path) -> None:
    # G11 (``_pairs`` dropped from the refusal): arrays x_a and x_b with no y_a or y_b were
    # said to read their true labels "alike: x_a's from y_a", arrays the file lacks
    said = _npz_refusal(tmp_path / "two.npz", x_a=np.zeros((2, 8, 8)), x_b=np.zeros((3, 8, 8)))
    assert "several arrays" in said and "true labels" not in said, said
    said = _npz_refusal(
        tmp_path / "keras.npz",
        x_train=np.zeros((4, 8, 8)),
        y_train=np.zeros(4),
        x_test=np.zeros((2, 8, 8)),
    )
    assert "(the true labels read alike: x_train's from y_train)" in said, said


def _refusal_for_python(message: str) -> str:
    from assay.core.keywords import in_callers_terms
    from assay.errors import UsageError

    @in_callers_terms()
    def run(
        *, max_queries: int | None = None, batch_size: int | None = None, executor: str = "dask"
    ) -> None:
        raise UsageError(message, argument="--max-queries")

    with pytest.raises(UsageError) as info:
        run()
    return str(info.value)


def test_a_message_naming_python_otherwise_is_still_turned() -> None:
    # G13 (``"in Python" in message`` -> ``"Python" in message``): dask52's "this Python
    # has no Dask ... give --executor inprocess" kept the command line's option
    said = _refusal_for_python("this Python has no Dask: install it, or give --executor inprocess")
    assert 'executor="inprocess"' in said and "--executor" not in said, said


def test_a_quoted_command_ends_at_its_clause() -> None:
    # G14 (the quoted command's stretch greedy): the options after a quoted command, in the
    # same sentence past a ", ", were kept as typed
    said = _refusal_for_python(
        "its report: assay report RUN_ID --html out.html, or give --max-queries 10; then retry"
    )
    assert "assay report RUN_ID --html out.html" in said, said  # (a command: as typed)
    assert "give max_queries=10" in said and "--max-queries" not in said, said
