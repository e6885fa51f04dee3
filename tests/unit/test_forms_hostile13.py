"""A hostile review of the user's own models and data as real pipelines give them
(thirteenth session): wide tables, named columns, pipeline answers, image modes."""

from __future__ import annotations

import time
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import pytest

from assay.fairness.schema import Feature, Schema
from assay.fairness.tabular_io import check_data


def _wide_schema(n: int) -> Schema:
    feats = [Feature(f"c{i}", "integer", 0, 4) for i in range(n)]
    return Schema(features=(*feats, Feature("sex", "categorical", categories=("F", "M"))))


def test_feature_look_ups_of_a_wide_schema_are_not_linear_each() -> None:
    # a 12,000-column CSV took 266 s for a 2,000-query run, most of it in reports looking
    # features up by name (a linear search per look-up); 20,000 look-ups took seconds
    schema = _wide_schema(20_000)
    names = schema.names
    start = time.perf_counter()
    found = [schema.index(n) for n in names]
    looked = [schema.feature(n).name for n in names[::4]]
    for _ in range(2_000):
        schema.names  # noqa: B018 - the property itself must be cheap
    spent = time.perf_counter() - start
    assert found == list(range(len(names)))
    assert looked == names[::4]
    assert spent < 1.5, f"{spent:.2f} s"


def test_checking_a_wide_frame_is_not_quadratic_in_its_columns() -> None:
    schema = _wide_schema(20_000)
    frame = pd.DataFrame(np.ones((2, 20_000), dtype=np.int64), columns=schema.names[:-1])
    frame["sex"] = ["F", "M"]
    start = time.perf_counter()
    out = check_data(schema, frame, dtype=None)
    spent = time.perf_counter() - start
    assert out.shape == (2, 20_001) and out[1, -1] == 1
    # 35 s on the old code (two membership tests in a list per column); about 4 s now
    assert spent < 20, f"{spent:.2f} s"


# -- Hugging Face-style text pipelines (faked: transformers is never imported) ---------------
class _Config:
    id2label: ClassVar[dict[int, str]] = {0: "NEGATIVE", 1: "POSITIVE"}


class _Inner:
    config = _Config()


class _FakePipeline:
    """Answers like transformers' text-classification pipeline: a {label, score} per text,
    or with top_k=None a list of them per text, best first; predict() forwards to the call
    (as the real one's does)."""

    def __init__(self, top_k: int | None = 1, flip: str = "not", named: bool = True) -> None:
        self.top_k, self.flip = top_k, flip
        if named:
            self.model = _Inner()

    def _p(self, text: str) -> float:
        p = 0.2 + 0.6 * (sum(map(ord, text)) % 97) / 97
        return 1 - p if self.flip in text.split() else p

    def __call__(self, texts: list[str]) -> list[object]:
        out: list[object] = []
        for t in texts:
            p = self._p(t)
            both = sorted(
                [{"label": "POSITIVE", "score": p}, {"label": "NEGATIVE", "score": 1 - p}],
                key=lambda d: -float(d["score"]),  # type: ignore[arg-type]
            )
            out.append(both if self.top_k is None else both[0])
        return out

    def predict(self, texts: list[str]) -> list[object]:
        return self(texts)


@pytest.mark.parametrize("named", [True, False])
def test_a_pipeline_answering_every_label_is_read_as_probabilities(named: bool) -> None:
    from assay.models import load_model

    texts = ["it is good", "it is not good", "bad"]
    pipe = _FakePipeline(top_k=None, named=named)
    # unnamed: a plain function answering as a pipeline does (its classes are read off it)
    model = load_model(pipe if named else pipe.__call__, modality="text", probe=texts[:2])
    caps = model.capabilities
    assert caps.outputs == "proba" and caps.class_names == ("NEGATIVE", "POSITIVE")
    got = model.predict(texts)
    want = [[1 - pipe._p(t), pipe._p(t)] for t in texts]
    assert np.allclose(got, want)


def test_a_pipeline_answering_its_top_label_is_read_by_its_classes() -> None:
    from assay.models import load_model

    texts = ["it is good", "it is not good", "bad"]
    pipe = _FakePipeline(top_k=1)
    model = load_model(pipe, modality="text", probe=texts[:2])
    assert model.capabilities.outputs == "labels"
    assert model.capabilities.class_names == ("NEGATIVE", "POSITIVE")
    got = model.predict(texts)
    assert got.tolist() == [int(pipe._p(t) > 0.5) for t in texts]


def test_pipelines_are_tested_and_their_labels_kept_as_names(tmp_path: Any) -> None:
    import assay

    kw: dict[str, Any] = {"grammar": "builtin:reviews", "max_queries": 300, "seed": 1}
    differ = assay.check_text(
        [_FakePipeline(None), _FakePipeline(None, flip="very")], store=tmp_path / "a.db", **kw
    )
    assert differ.n_findings > 0
    frame = differ.findings()
    assert set(frame["labels"].iloc[0].split("; ")) <= {"NEGATIVE", "POSITIVE"}
    # the same pipeline answering its top label only, or every label: nothing to find
    same = assay.check_text([_FakePipeline(None), _FakePipeline(1)], store=tmp_path / "b.db", **kw)
    assert same.n_findings == 0 and same.status in ("completed", "budget_exhausted")
