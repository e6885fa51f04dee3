"""A text classifier answering labels by name on some calls and numbers on others (hostile36's
Left 5): its numbers were taken as indices of the labels it named, without a word (exit 0).
It is a model failure now (exit 3), naming the classifier and both forms."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assay.cli.app import main
from assay.core.model import Capabilities
from assay.errors import ModelError
from assay.models.callable import NamedLabelsModel

MODELS = """\
import numpy as np

CALLS = [0]

def named(texts):
    return np.array(["positive" if "good" in t else "negative" for t in texts])

def mixed(texts):
    CALLS[0] += 1
    y = named(texts)
    if CALLS[0] > 3 and CALLS[0] % 2:  # numbers on some calls, after names
        return np.array([1 if v == "positive" else 0 for v in y])
    return y
"""


def test_a_classifier_switching_from_names_to_numbers_is_a_model_failure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "clf.py").write_text(MODELS)
    clf = tmp_path / "clf.py"
    store = ["--grammar", "builtin:reviews", "--store", str(tmp_path / "runs.db")]
    with pytest.raises(SystemExit) as exc:
        main(["text", f"{clf}:mixed", f"{clf}:named", *store])
    err = capsys.readouterr().err
    assert exc.value.code == 3, err
    assert "clf.py:mixed" in err and "labels by name" in err and "numbers" in err, err


def _model(answers: list[object], *, from_answers: bool) -> NamedLabelsModel:
    queue = list(answers)
    caps = Capabilities(modality="text", n_classes=2, outputs="labels")
    return NamedLabelsModel(
        lambda texts: queue.pop(0), caps, ("neg", "pos"), from_answers=from_answers
    )


def test_one_form_throughout_is_read_and_a_change_of_form_refused() -> None:
    """Names throughout, or (declared classes_) indices throughout, read as before; names then
    numbers, or numbers then names, refused; an empty batch says nothing of its form."""
    steady = _model([["pos", "neg"], np.array(["neg"]), []], from_answers=True)
    assert steady.predict(["a", "b"]).tolist() == [1, 0]
    assert steady.predict(["c"]).tolist() == [0]
    indices = _model(
        [np.array([1, 0]), np.array([], dtype=float), np.array([0])], from_answers=False
    )
    assert indices.predict(["a", "b"]).tolist() == [1, 0]
    indices.predict([])
    assert indices.predict(["c"]).tolist() == [0]
    for first, then in ((["pos"], np.array([0])), (np.array([0]), ["pos"])):
        model = _model([first, then], from_answers=False)
        model.predict(["a"])
        with pytest.raises(ModelError, match=r"labels by name .*numbers|numbers .*labels by name"):
            model.predict(["b"])
    read_off = _model([np.array([1])], from_answers=True)  # its labels were read off names
    with pytest.raises(ModelError, match="labels by name to its earlier calls and numbers"):
        read_off.predict(["a"])


@pytest.mark.parametrize(
    "extra",
    [
        ["--top-k", "3"],  # the mode is top1
        ["--threshold", "0.3"],
        ["--mode", "topk", "--threshold", "0.4"],
        ["--oracle", "invariance", "--mode", "topk"],
        ["--oracle", "invariance", "--top-k", "3"],
    ],
)
def test_a_differential_option_the_run_ignores_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str]
) -> None:
    """'--top-k 3' without --mode topk, '--threshold' without --mode distance, '--mode' with
    another oracle: accepted and ignored (the run said nothing of them).  Refused before any
    classifier is loaded (the module named does not exist)."""
    store = ["--grammar", "builtin:reviews", "--store", str(tmp_path / "runs.db")]
    with pytest.raises(SystemExit) as exc:
        main(["text", f"{tmp_path}/none.py:a", f"{tmp_path}/none.py:b", *store, *extra])
    err = capsys.readouterr().err
    flag = extra[-2]
    assert exc.value.code == 2 and f"argument {flag}" in err and "drop " + flag in err, err
    assert not (tmp_path / "runs.db").exists()


@pytest.mark.parametrize(
    "extra",
    [
        ["--precision", "0.01"],  # no --estimate
        ["--strategy", "random", "--optimize", "time"],
        ["--no-exact", "--exact-time", "5"],  # (left37)
    ],
)
def test_a_fairness_option_the_run_ignores_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str]
) -> None:
    """'--precision' without --estimate and '--optimize' with another strategy than the walk
    were accepted and ignored.  Refused before the model (which does not exist) is loaded."""
    store = ["--protected", "sex", "--store", str(tmp_path / "runs.db")]
    with pytest.raises(SystemExit) as exc:
        main(["fairness", f"{tmp_path}/none.py:f", *store, *extra])
    err = capsys.readouterr().err
    flag = extra[-2]
    assert exc.value.code == 2 and f"argument {flag}" in err and "drop " + flag in err, err
    assert not (tmp_path / "runs.db").exists()
