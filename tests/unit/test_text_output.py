"""``assay text --output``: which output of an ONNX graph or an Open Inference Protocol
endpoint with several outputs is read, one per classifier ('-': the default), kept for a
resume; an unknown output is a usage error naming it and the outputs the model has."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

from assay.cli.app import app, register
from assay.core.store import RunStore
from assay.errors import UsageError
from assay.text.api import check_text, setup_from_record, setup_text

register()
FAKES = Path(__file__).resolve().parents[1] / "fixtures" / "text_fakes.py"
GRAMMAR = 'S -> "the film was " A\nA -> "good" | "bad" | "not good" | "not bad" | "fine"'


def _onnx(tmp_path: Path, name: str, labels: list[int]) -> Path:
    """TF-IDF + logistic regression as an ONNX graph with two outputs (skl2onnx's
    ``output_label`` and ``output_probability``)."""
    onnx = pytest.importorskip("onnx")
    pytest.importorskip("onnxruntime")
    skl2onnx = pytest.importorskip("skl2onnx")
    from skl2onnx.common.data_types import StringTensorType
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    texts = ["the film was good", "the film was bad", "good", "bad", "not good", "not bad"]
    pipe = make_pipeline(TfidfVectorizer(lowercase=False), LogisticRegression())
    pipe.fit(texts, labels)
    model = skl2onnx.convert_sklearn(
        pipe, initial_types=[("text", StringTensorType([None, 1]))], options={id(pipe): {}}
    )
    path = tmp_path / f"{name}.onnx"
    onnx.save(model, str(path))
    return path


def _outputs_read(setup: Any) -> list[str]:
    return [m.spec_info["details"]["output"] for m in setup.model.models]


def test_each_onnx_classifier_reads_the_output_named_for_it(tmp_path: Path) -> None:
    a = _onnx(tmp_path, "a", [1, 0, 1, 0, 0, 1])
    b = _onnx(tmp_path, "b", [1, 0, 1, 0, 1, 0])
    default = setup_text([str(a), str(b)], grammar=GRAMMAR)
    assert _outputs_read(default) == ["output_probability", "output_probability"]
    chosen = setup_text([str(a), str(b)], grammar=GRAMMAR, output=["-", "output_label"])
    assert _outputs_read(chosen) == ["output_probability", "output_label"]
    assert [m.capabilities.outputs for m in chosen.model.models] == ["proba", "labels"]
    # kept with the run: a resume reads the same outputs
    store = RunStore(tmp_path / "r.db")
    r = check_text(setup=chosen, max_queries=20, seed=1, store=store, determinism_check=False)
    record = store.get_run(r.run_id)
    assert record.config["invocation"]["output"] == [None, "output_label"]
    assert _outputs_read(setup_from_record(record)) == ["output_probability", "output_label"]


def test_an_unknown_output_names_the_classifier_and_its_outputs(tmp_path: Path) -> None:
    a = _onnx(tmp_path, "a", [1, 0, 1, 0, 0, 1])
    b = _onnx(tmp_path, "b", [1, 0, 1, 0, 1, 0])
    with pytest.raises(UsageError) as err:
        setup_text([str(a), str(b)], grammar=GRAMMAR, output=["-", "probs"])
    said = str(err.value)
    assert "classifier b.onnx" in said and "no output 'probs'" in said, said
    assert "output_label" in said and "output_probability" in said, said
    assert err.value.argument == "--output"


def test_outputs_must_be_one_per_classifier_and_only_where_there_are_several(
    tmp_path: Path,
) -> None:
    lexicon, blind = f"{FAKES}:lexicon", f"{FAKES}:negation_blind"
    with pytest.raises(UsageError, match="1 --output value for 2 classifiers"):
        setup_text([lexicon, blind], grammar=GRAMMAR, output="output_label")
    with pytest.raises(UsageError, match=r"classifier text_fakes.py:negation_blind.*no named out"):
        setup_text([lexicon, blind], grammar=GRAMMAR, output=["-", "output_label"])
    with pytest.raises(UsageError, match="no named outputs"):
        setup_text(["builtin:vader"], grammar=GRAMMAR, oracle="invariance", output="x")


# -- an Open Inference Protocol endpoint with two outputs -------------------------------------
class _Oip(BaseHTTPRequestHandler):
    """/v2/models/m: outputs 'label' (first) and 'proba' (negative, positive), read off a
    tiny lexicon; a request naming outputs gets those."""

    def log_message(self, *a: Any) -> None:
        pass

    def _send(self, body: Any, status: int = 200) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        if self.path.endswith("/health/ready"):
            self._send({})
            return
        meta = {
            "name": "m",
            "inputs": [{"name": "text", "datatype": "BYTES", "shape": [-1, 1]}],
            "outputs": [{"name": "label"}, {"name": "proba"}],
        }
        self._send(meta)

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        texts = [str(t) for t in body["inputs"][0]["data"]]
        p = np.array([0.8 if "good" in t and "not" not in t else 0.3 for t in texts])
        label = {"name": "label", "datatype": "INT64", "shape": [len(texts)]}
        label["data"] = (p > 0.5).astype(int).tolist()
        proba = {"name": "proba", "datatype": "FP64", "shape": [len(texts), 2]}
        proba["data"] = np.column_stack([1 - p, p]).ravel().tolist()
        wanted = [o["name"] for o in body.get("outputs") or []] or ["label", "proba"]
        self._send({"outputs": [o for o in (label, proba) if o["name"] in wanted]})


@pytest.fixture
def oip() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Oip)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/v2/models/m"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_a_served_classifier_reads_the_output_named_for_it(oip: str, tmp_path: Path) -> None:
    lexicon = f"{FAKES}:lexicon"
    # the first output: label indices, no class names: nothing to compare them with
    with pytest.raises(UsageError, match="answers class indices"):
        setup_text([oip, lexicon], grammar=GRAMMAR, names=["served", "lexicon"])
    named = setup_text(
        [oip, lexicon], grammar=GRAMMAR, names=["served", "lexicon"], output=["proba", "-"]
    )
    caps = named.model.models[0].capabilities
    assert caps.outputs == "proba" and caps.n_classes == 2
    got = named.model.models[0].predict(["the film was good", "the film was bad"])
    assert np.allclose(got, [[0.2, 0.8], [0.7, 0.3]])


def test_the_command_line_names_an_endpoints_unknown_output(oip: str, tmp_path: Path) -> None:
    got = CliRunner().invoke(
        app,
        ["text", oip, f"{FAKES}:lexicon", "--grammar", "builtin:reviews", "--output", "probs",
         "--output", "-", "--max-queries", "50", "--store", str(tmp_path / "r.db")],
    )  # fmt: skip
    assert got.exit_code == 2, got.output
    said = " ".join(got.output.split())
    assert "no output 'probs'" in said and "label, proba" in said, said
    assert not (tmp_path / "r.db").exists() or not RunStore(tmp_path / "r.db").list_runs()
