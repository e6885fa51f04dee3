"""mutation31: a model answering class numbers as text, run with a ``--classes N`` below a
number it answered, is refused with the advice to list every label from 0 (the refusal naming
``--classes`` for a function: mutant BD37 named MODEL).  (A count above every number answered
is read by that count since bd31: ``test_bd31_numbered_labels.py``, which also keeps the
endpoint's declared count, mutants BD38 and BD39.)"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from test_bd30_label_advice import _run, url

from assay.backdoor.demo import trojaned_digits

pytestmark = pytest.mark.slow

__all__ = ["url"]  # (the fixture, shared)

TEN = ",".join(str(i) for i in range(10))


@pytest.mark.parametrize("model", ["function", "endpoint"])
def test_the_advice_follows_the_declared_count(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], url: str, model: str
) -> None:
    d = trojaned_digits(seed=1, clean=True)
    np.save(tmp_path / "clean.npy", d.clean_images[100:160] * 16.0)
    np.save(tmp_path / "scan.npy", d.clean_images[:6] * 16.0)
    here = Path(__file__).resolve().with_name("test_bd30_label_advice.py")
    target = url if model == "endpoint" else f"{here}:by_name"
    args = ["backdoor", target, "--images", str(tmp_path / "scan.npy"), "--classes", "5"]
    args += ["--clean", str(tmp_path / "clean.npy"), "--range", "0,16", "--seed", "0"]
    code, said = _run([*args, "--store", str(tmp_path / "runs.db")], capsys)
    assert code in (2, 3), said
    assert f"--classes {TEN} if its labels are 0 to 9 (every one, in order)" in said, said
    if model == "function":
        assert "argument --classes" in said, said
