"""mutation31: a model answering labels by name, run with ``--classes N`` over the labels it
was seen to answer, is advised every one of its N labels (the endpoint through its declared
count: mutants BD38, BD39 dropped it), the refusal naming ``--classes`` for a function
(mutant BD37: named MODEL)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from test_bd30_label_advice import _run, url

from assay.backdoor.demo import trojaned_digits

pytestmark = pytest.mark.slow

__all__ = ["url"]  # (the fixture, shared)

TWELVE = ",".join(str(i) for i in range(12))


@pytest.mark.parametrize("model", ["function", "endpoint"])
def test_the_advice_follows_the_declared_count(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], url: str, model: str
) -> None:
    d = trojaned_digits(seed=1, clean=True)
    np.save(tmp_path / "clean.npy", d.clean_images[100:160] * 16.0)
    np.save(tmp_path / "scan.npy", d.clean_images[:6] * 16.0)
    here = Path(__file__).resolve().with_name("test_bd30_label_advice.py")
    target = url if model == "endpoint" else f"{here}:by_name"
    args = ["backdoor", target, "--images", str(tmp_path / "scan.npy"), "--classes", "12"]
    args += ["--clean", str(tmp_path / "clean.npy"), "--range", "0,16", "--seed", "0"]
    code, said = _run([*args, "--store", str(tmp_path / "runs.db")], capsys)
    assert code in (2, 3), said
    assert f"--classes {TWELVE} (its 12 labels by name, in order)" in said, said
    if model == "function":
        assert "argument --classes" in said, said
