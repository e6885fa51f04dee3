"""A model declaring no input shape that fails on the first images it is asked is told the
form assay chose and the options naming another (hostile53d: "raised AssertionError: (2, 8,
8, 1)" alone, for a colour model given grey PNGs and an endpoint wanting flat rows)."""

from __future__ import annotations

import numpy as np
import pytest

import assay
from assay.backdoor.first_form import form_hint
from assay.backdoor.images import ImageSpec
from assay.core.calls import OwnExit
from assay.errors import ModelError


def _grey(n: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, size=(n, 8, 8), dtype=np.uint8)


def _colour_model(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x)
    assert x.ndim == 4 and x.shape[-1] == 3, x.shape
    p = np.full((len(x), 10), 0.05)
    p[:, 0] = 0.55
    return p


def test_a_colour_model_given_grey_images_is_told_the_form_and_the_keyword() -> None:
    with pytest.raises(ModelError) as info:
        assay.check_backdoor(_colour_model, images=_grey(12, 0), clean=_grey(12, 1), seed=0)
    said = str(info.value)
    assert "(2, 8, 8, 1)" in said and "channels last" in said
    # the Python caller's keyword, and the value that fits this model among those named
    assert "input_shape (e.g. 64 for flat rows" in said
    assert "8,8,3 for colour" in said
    assert "--input-shape" not in said


def test_an_endpoint_refusing_the_request_is_told_the_form() -> None:
    exc = ModelError('the endpoint http://h/p answered status 400; body starts: "expected 64"')
    exc.status = 400
    spec = ImageSpec(8, 8, 1)
    said = str(form_hint(exc, spec, np.zeros((2, 8, 8, 1))))
    assert said.startswith(str(exc))
    assert "--input-shape (e.g. 64 for flat rows, 1,8,8 for channels first" in said
    assert said.count("--input-shape") == 1


@pytest.mark.parametrize(
    "exc",
    [
        OwnExit("exited (code 1) on its first call", "a model must raise", "the function f.py:m"),
        ModelError("the endpoint http://h/p answered status 401; body starts: 'no'"),
        ModelError("the function f.py:m did not answer within 60 s on a probe batch"),
    ],
)
def test_failures_not_about_the_input_are_kept(exc: ModelError) -> None:
    if "401" in str(exc):
        exc.status = 401
    assert form_hint(exc, ImageSpec(8, 8, 3), np.zeros((2, 8, 8, 3))) is exc
