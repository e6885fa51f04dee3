"""A skops file holding a function that runs commands or code (a FunctionTransformer of
os.system) is never loaded, whatever ``--trust`` says (hostile34: the refusal printed
``pass --trust posix.system`` ready to paste, and with it the model ran the command at its
first prediction)."""

from __future__ import annotations

import builtins
import os
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

skops_io = pytest.importorskip("skops.io")
from sklearn.preprocessing import FunctionTransformer  # noqa: E402

from assay.errors import UsageError  # noqa: E402
from assay.models.files import read_skops, runs_code  # noqa: E402

GADGETS: list[Callable[..., Any]] = [os.system, builtins.eval, subprocess.check_output]


@pytest.mark.parametrize("func", GADGETS, ids=lambda f: f.__name__)
def test_a_command_running_function_is_refused_even_when_trusted(
    tmp_path: Path, func: Callable[..., Any]
) -> None:
    path = tmp_path / "evil.skops"
    skops_io.dump(FunctionTransformer(func=func), path)
    names = list(skops_io.get_untrusted_types(file=path))
    assert names and all(runs_code(n) for n in names)
    with pytest.raises(UsageError) as caught:
        read_skops(path, trust=names)
    err = caught.value
    assert err.argument == "MODEL"
    assert f"--trust {names[0]}" not in str(err)  # no line to paste that would trust it
    assert names[0] in str(err)


def test_a_plain_function_is_still_loaded_once_trusted(tmp_path: Path) -> None:
    path = tmp_path / "clip.skops"
    skops_io.dump(FunctionTransformer(func=np.clip, kw_args={"a_min": 0, "a_max": 1}), path)
    names = list(skops_io.get_untrusted_types(file=path))
    assert not any(runs_code(n) for n in names)
    with pytest.raises(UsageError, match="--trust"):
        read_skops(path)
    model = read_skops(path, trust=names)
    assert np.allclose(model.transform(np.array([[-1.0, 0.5, 2.0]])), [[0.0, 0.5, 1.0]])
