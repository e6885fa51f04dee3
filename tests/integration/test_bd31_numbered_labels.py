"""A model answering its labels as class numbers written as text ('0'..'9') runs with
``--classes 10`` (``classes=10``): the count the user gave is read as the names '0'..'9'.

Before, such a run was refused ("the model answers labels by name ('0', '9'): declare every
label it can answer, in order: --classes 0,1,2,3,4,5,6,7,8,9", exit 2) for a function and
for an endpoint alike, though the count the user gave says the same (hostile30b's Left 4,
bd30's Left 3).  Labels that are not class numbers below the count are still refused.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from serving_servers import FaultServer

import assay
from assay.backdoor.demo import trojaned_digits
from assay.cli.app import main
from assay.models.classes import numbered_classes

pytestmark = pytest.mark.slow

TROJAN = trojaned_digits(seed=1, size=3, position=(5, 5), target=7)


def by_name(rows: Any) -> list[str]:
    """The trojaned digit model answering each class by its number written as text."""
    x = np.asarray(rows, dtype=float).reshape(len(rows), 64)
    return [str(v) for v in TROJAN.model.predict(x)]


def by_letter(rows: Any) -> list[str]:
    """The same model answering 'a'..'j': names, not numbers."""
    return ["abcdefghij"[int(v)] for v in by_name(rows)]


def by_padded_name(rows: Any) -> list[str]:
    """'07', not '7': not the class number as the count declares it."""
    return [f"0{v}" for v in by_name(rows)]


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    with FaultServer(by_name) as server:  # {"outputs": ["7", "3", ...]}
        yield server.url


def _images(tmp_path: Path) -> list[str]:
    x = TROJAN.clean_images
    scan = x[:12].copy()
    scan[::2] = TROJAN.poisoned(scan[::2])
    np.save(tmp_path / "scan.npy", scan * 16.0)
    np.save(tmp_path / "clean.npy", x[100:260] * 16.0)
    return ["--images", str(tmp_path / "scan.npy"), "--clean", str(tmp_path / "clean.npy")]


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exc:
        main(args)
    out = capsys.readouterr()
    return int(exc.value.code or 0), " ".join((out.out + out.err).split())


@pytest.mark.parametrize("model", ["function", "endpoint"])
def test_labels_0_to_9_run_with_a_count_of_ten(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], url: str, model: str
) -> None:
    target = url if model == "endpoint" else f"{Path(__file__).resolve()}:by_name"
    args = ["backdoor", target, *_images(tmp_path), "--range", "0,16", "--seed", "0"]
    args += ["--classes", "10", "--store", str(tmp_path / "runs.db")]
    code, said = _run(args, capsys)
    assert code == 1, said  # tested, and the trojan's trigger found
    assert "6 of 12 images carry a confirmed trigger" in said, said
    assert "-> class 7" in said, said  # the target named as the model names it


def test_the_api_reads_them_by_the_count_too(tmp_path: Path) -> None:
    x = TROJAN.clean_images
    scan = x[:12].copy()
    scan[::2] = TROJAN.poisoned(scan[::2])
    r = assay.check_backdoor(
        by_name,
        images=scan * 16.0,
        clean=x[100:260] * 16.0,
        value_range="0,16",
        classes=10,
        seed=0,
        store=str(tmp_path / "runs.db"),
    )
    assert r.n_findings == 6
    assert "-> class 7" in r.headline


@pytest.mark.parametrize("fn", ["by_letter", "by_padded_name"])
def test_labels_that_are_not_those_numbers_are_still_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fn: str
) -> None:
    target = f"{Path(__file__).resolve()}:{fn}"
    args = ["backdoor", target, *_images(tmp_path), "--range", "0,16", "--seed", "0"]
    args += ["--classes", "10", "--store", str(tmp_path / "runs.db")]
    code, said = _run(args, capsys)
    assert code == 2, said
    assert "argument --classes" in said and "labels by name" in said, said


def test_numbered_classes() -> None:
    ten = tuple(str(i) for i in range(10))
    assert numbered_classes(["0", "7", "9"], 10) == ten
    assert numbered_classes(["0", "7"], None) is None  # no count declared
    assert numbered_classes(["0", "10"], 10) is None  # beyond the count
    assert numbered_classes(["0", "07"], 10) is None  # not as the count writes it
    assert numbered_classes(["0", "-1"], 10) is None
    assert numbered_classes(["0", "٣"], 10) is None  # a digit, not an ASCII one
    assert numbered_classes(["no", "yes"], 2) is None
