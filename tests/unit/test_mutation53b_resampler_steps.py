"""mutation53b, over hostile53c's ``models.trees._resampler``: only a step that resamples and
transforms nothing is left out of what the trees are fed; a step that also transforms
(``fit_resample`` and ``transform``: its transform is applied when the Pipeline predicts)
stays one of the trees' steps, so that it is read, or the trees are not called exact."""

from __future__ import annotations

from typing import Any

from assay.models.trees import _resampler


class Sampler:
    def fit_resample(self, X: Any, y: Any) -> tuple[Any, Any]:
        return X, y


class SamplingScaler(Sampler):
    def transform(self, X: Any) -> Any:
        return X * 2


def test_only_a_step_that_resamples_and_transforms_nothing_is_left_out() -> None:
    assert _resampler(Sampler())
    assert not _resampler(SamplingScaler())
    assert not _resampler(object())
