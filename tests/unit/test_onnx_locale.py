"""A skl2onnx text pipeline with ``lowercase=True`` holds a StringNormalizer that names (or
defaults to) a locale; on a machine without it onnxruntime cannot load the graph.  It is
loaded with C.UTF-8 in its place (the same case changes), and said so; when no locale loads,
the error says how to install one or convert with another (before: onnxruntime's message
alone, exit 2)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assay.errors import UsageError
from assay.models import load_model, onnx_locale

onnx = pytest.importorskip("onnx")
pytest.importorskip("onnxruntime")
skl2onnx = pytest.importorskip("skl2onnx")

SENTENCES = ["a GOOD film", "a bad film", "GOOD acting", "bad acting", "good", "BAD"]


def _graph(tmp_path: Path, locale: str) -> tuple[Path, object]:
    """TF-IDF (lowercase) + logistic regression, its StringNormalizer set to ``locale``."""
    from onnx import helper
    from skl2onnx.common.data_types import StringTensorType
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    pipe = make_pipeline(TfidfVectorizer(lowercase=True), LogisticRegression())
    pipe.fit(SENTENCES, [1, 0, 1, 0, 1, 0])
    model = skl2onnx.convert_sklearn(
        pipe, initial_types=[("text", StringTensorType([None, 1]))], options={id(pipe): {}}
    )
    for node in model.graph.node:
        if node.op_type == "StringNormalizer":
            kept = [a for a in node.attribute if a.name != "locale"]
            del node.attribute[:]
            node.attribute.extend([*kept, helper.make_attribute("locale", locale)])
    path = tmp_path / "text.onnx"
    onnx.save(model, str(path))
    return path, pipe


def test_a_text_graph_naming_a_missing_locale_is_loaded_with_c_utf8(tmp_path: Path) -> None:
    path, pipe = _graph(tmp_path, "xx_NOWHERE.UTF-8")
    model = load_model(str(path), modality="text", probe=["a GOOD film", "bad"])
    labels = model.predict(SENTENCES)
    assert labels.argmax(axis=1).tolist() == pipe.predict(SENTENCES).tolist()  # lowercased
    said = model.spec_info["details"]["locale"]
    assert "xx_NOWHERE.UTF-8" in said and "C.UTF-8" in said


def test_when_no_locale_loads_the_error_says_how_to_get_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, _ = _graph(tmp_path, "xx_NOWHERE.UTF-8")
    monkeypatch.setattr(onnx_locale, "FALLBACK_LOCALES", ("yy_NONE.UTF-8",))
    with pytest.raises(UsageError) as err:
        load_model(str(path), modality="text", probe=["a GOOD film", "bad"])
    said = str(err.value)
    assert "xx_NOWHERE.UTF-8" in said and "localedef" in said and "'locale'" in said, said
    assert err.value.path == str(path)
    assert np.all([w in said for w in ("lowercase=True", "install")])
