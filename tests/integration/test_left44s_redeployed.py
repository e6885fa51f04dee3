"""left44s: hostile44s refused a fairness run resumed against a redeployed endpoint; a text
or backdoor run resumed, and a fairness run finishing its answer, were not checked: the new
model's findings went in beside the old one's, silently (on main: exit 0/1, the mix kept).
Now every resume and finish asks a served model loading's probe again and refuses a
different answer (exit 2, the run as it was, pointing to ``assay verify RUN``); an endpoint
whose answers move from call to call (a run made with ``--no-determinism-check``) is told
apart by one request more, and ``--force`` lets a changed endpoint through, saying so."""

from __future__ import annotations

import json
import threading
import zlib
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from test_hostile25a_serving import send_body, serve  # noqa: F401  (the fixture)
from test_left28_stop import _stopped_from_another_thread
from typer.testing import CliRunner

import assay
from assay.cli.app import app, register
from assay.core.finishing import finishable
from assay.core.store import RunStore

register()
runner = CliRunner()
LEXICON = str(Path(__file__).resolve().parents[1] / "fixtures" / "text_fakes.py") + ":lexicon"


class Deployment:
    """What the endpoint serves: a model named by ``salt`` (a redeploy changes it), whose
    answers move by up to ``noise`` from call to call (dropout left on)."""

    def __init__(self) -> None:
        self.salt = "v1"
        self.noise = 0.0
        self.rng = np.random.default_rng(0)

    def __call__(self, h: BaseHTTPRequestHandler, n: int, k: int) -> None:
        rows = json.loads(h._body)["inputs"]  # type: ignore[attr-defined]
        p = [(zlib.crc32((self.salt + json.dumps(r)).encode()) % 1000) / 1000 for r in rows]
        p = [min(max(q + self.noise * self.rng.random(), 0.0), 1.0) for q in p]
        send_body(h, 200, json.dumps({"outputs": [[1 - q, q] for q in p]}).encode())


def _resume(run_id: str, store: Path, *more: str) -> Any:
    return runner.invoke(app, ["resume", run_id, "--store", str(store), *more])


def _refused(run_id: str, store: Path) -> None:
    """The resume refused (exit 2), the run as it was."""
    before = RunStore(store).get_run(run_id)
    again = _resume(run_id, store)
    assert again.exit_code == 2, again.output
    out = " ".join(again.output.split())
    assert "answers otherwise than when run" in out and "another model is served" in out
    assert f"assay verify {run_id}" in out
    after = RunStore(store).get_run(run_id)
    assert (after.status, after.n_findings) == (before.status, before.n_findings)
    assert (after.config.get("sessions") or 1) == (before.config.get("sessions") or 1)


def _text_run(url: str, store: Path, **kw: Any) -> str:
    result = _stopped_from_another_thread(
        lambda **more: assay.check_text(
            [LEXICON, url], grammar="builtin:reviews", max_queries=1_000, seed=1, store=store,
            **kw, **more,
        )
    )  # fmt: skip
    assert result.status == "interrupted" and result.n_findings > 0
    return str(result.run_id)


def _backdoor_run(url: str, tmp_path: Path) -> str:
    rng = np.random.default_rng(3)
    np.save(tmp_path / "images.npy", rng.random((6, 8, 8)))
    np.save(tmp_path / "clean.npy", rng.random((60, 8, 8)))
    result = _stopped_from_another_thread(
        lambda **more: assay.check_backdoor(
            url, images=str(tmp_path / "images.npy"), clean=str(tmp_path / "clean.npy"),
            input_shape="8,8", max_queries=4_000, seed=1, store=tmp_path / "r.db", **more,
        )
    )  # fmt: skip
    assert result.status == "interrupted"
    return str(result.run_id)


def test_a_text_resume_against_a_redeployed_classifier_is_refused(
    serve: Callable[..., str],  # noqa: F811
    tmp_path: Path,
) -> None:
    served = Deployment()
    store = tmp_path / "r.db"
    run_id = _text_run(serve(served), store)
    served.salt = "v2"  # (a new model behind the same URL)
    _refused(run_id, store)
    served.salt = "v1"  # (the model put back)
    back = _resume(run_id, store)
    assert back.exit_code in (0, 1), back.output
    # the probe asked again is counted within the budget, as a resumed loading was
    queries = RunStore(store).get_run(run_id).summary["model_queries"]
    assert queries["loading_resumed"] == 2 and queries["total"] <= 1_000, queries


def test_a_backdoor_resume_against_a_redeployed_model_is_refused(
    serve: Callable[..., str],  # noqa: F811
    tmp_path: Path,
) -> None:
    served = Deployment()
    run_id = _backdoor_run(serve(served), tmp_path)
    served.salt = "v2"
    _refused(run_id, tmp_path / "r.db")
    served.salt = "v1"
    back = _resume(run_id, tmp_path / "r.db")
    assert "answers otherwise" not in back.output
    assert RunStore(tmp_path / "r.db").get_run(run_id).status == "completed", back.output


def test_a_fairness_run_finishing_its_checks_against_a_redeployed_model_is_refused(
    serve: Callable[..., str],  # noqa: F811
    tmp_path: Path,
) -> None:
    served = Deployment()
    stop = threading.Event()

    def at_answer(p: dict[str, Any]) -> None:
        if p.get("phase") == "answer":
            stop.set()

    store = tmp_path / "r.db"
    first = assay.check_fairness(
        serve(served), dataset="german", protected=["sex"], max_queries=300, seed=1,
        store=store, on_progress=at_answer, stop=stop,
    )  # fmt: skip
    record = RunStore(store).get_run(first.run_id)
    assert finishable(record), record.summary  # (its search ended; its checks are to come)
    served.salt = "v2"
    _refused(first.run_id, store)
    served.salt = "v1"
    back = _resume(first.run_id, store)
    assert back.exit_code in (0, 1), back.output


def test_an_endpoint_whose_answers_move_is_resumed_and_said_so(
    serve: Callable[..., str],  # noqa: F811
    tmp_path: Path,
) -> None:
    """A fairness run made with ``--no-determinism-check`` of an endpoint answering with
    dropout on: main refused its resume as "another model is served" (its unsteadiness
    never measured); one request more tells the two apart."""
    served = Deployment()
    served.noise = 0.01
    store = tmp_path / "r.db"
    url = serve(served)
    first = _stopped_from_another_thread(
        lambda **more: assay.check_fairness(
            url, dataset="german", protected=["sex"], max_queries=3_000, seed=1, store=store,
            determinism_check=False, **more,
        )
    )  # fmt: skip
    assert first.status == "interrupted"
    again = _resume(first.run_id, store)
    assert again.exit_code in (0, 1), again.output
    out = " ".join(again.output.split())
    assert "move from call to call" in out and "cannot be told" in out
    assert f"assay verify {first.run_id}" in out
    served.noise, served.salt = 0.0, "v2"  # (a steady model, redeployed: still refused)
    other = _stopped_from_another_thread(
        lambda **more: assay.check_fairness(
            url, dataset="german", protected=["sex"], max_queries=3_000, seed=2, store=store,
            determinism_check=False, **more,
        )
    )  # fmt: skip
    served.salt = "v3"
    _refused(other.run_id, store)


def test_force_lets_a_redeployed_endpoint_through_and_says_so(
    serve: Callable[..., str],  # noqa: F811
    tmp_path: Path,
) -> None:
    served = Deployment()
    run_id = _backdoor_run(serve(served), tmp_path)
    served.salt = "v2"
    forced = _resume(run_id, tmp_path / "r.db", "--force")
    assert RunStore(tmp_path / "r.db").get_run(run_id).status == "completed", forced.output
    out = " ".join(forced.output.split())
    assert "answers otherwise than when run" in out and "(--force)" in out
    assert "may be of two models" in out


@pytest.mark.parametrize("technique", ["text", "backdoor"])
def test_what_loading_was_answered_is_not_in_the_html_report(
    serve: Callable[..., str],  # noqa: F811
    tmp_path: Path,
    technique: str,
) -> None:
    served = Deployment()
    url = serve(served)
    if technique == "text":
        run_id = _text_run(url, tmp_path / "r.db")
    else:
        run_id = _backdoor_run(url, tmp_path)
    kept = json.dumps(RunStore(tmp_path / "r.db").get_run(run_id).model)
    assert "probe_answer" in kept  # (kept with the run: a resume compares it)
    page = tmp_path / "r.html"
    made = runner.invoke(
        app, ["report", run_id, "--store", str(tmp_path / "r.db"), "--html", str(page)]
    )
    assert page.exists(), made.output  # (its exit code: the interrupted run's, 130)
    html = page.read_text()
    assert "probe_answer" not in html and "127.0.0.1" in html  # (the details still shown)


class Retrained:
    """An endpoint answering labels, retrained (``changed``): the rows loading's probe asked
    (its first request) answered as before, a third of the others otherwise."""

    def __init__(self, *, proba: bool = False) -> None:
        self.changed = False
        self.probe: set[str] | None = None
        self.proba = proba  # (labels as probabilities: a text classifier's)

    def __call__(self, h: BaseHTTPRequestHandler, n: int, k: int) -> None:
        rows = [json.dumps(r) for r in json.loads(h._body)["inputs"]]  # type: ignore[attr-defined]
        if self.probe is None:
            self.probe = set(rows)
        labels = []
        for r in rows:
            label = zlib.crc32(r.encode()) % 2
            if self.changed and r not in self.probe and zlib.crc32(b"x" + r.encode()) % 3 == 0:
                label = 1 - label
            labels.append(label)
        answer = [[0.9 - 0.8 * x, 0.1 + 0.8 * x] for x in labels] if self.proba else labels
        send_body(h, 200, json.dumps({"outputs": answer}).encode())


def test_a_retrain_its_probe_labels_miss_is_named_beside_the_batch_cause(
    serve: Callable[..., str],  # noqa: F811
    tmp_path: Path,
) -> None:
    """What remains: a labels endpoint shows its probe's 2 labels only, so a retrain that
    keeps them resumes; the re-check after the search then saw IDIs fail and blamed the
    batch alone.  It names the redeploy too, and ``assay verify``."""
    served = Retrained()
    store = tmp_path / "r.db"
    url = serve(served)
    stop = threading.Event()

    def found_some(p: dict[str, Any]) -> None:
        if int(p.get("findings") or 0) >= 200:
            stop.set()

    first = assay.check_fairness(
        url, dataset="german", protected=["sex"], max_queries=6_000, seed=1, store=store,
        on_progress=found_some, stop=stop,
    )  # fmt: skip
    assert first.status == "interrupted" and first.n_findings >= 200
    served.changed = True
    again = _resume(first.run_id, store)
    out = " ".join(again.output.split())
    assert "did not hold when asked again" in out, out
    assert "another model was deployed at its URL between the run's 2 sessions" in out
    assert f"assay verify {first.run_id}" in out


def test_an_endpoint_of_declared_classes_is_compared_too(
    serve: Callable[..., str],  # noqa: F811
    tmp_path: Path,
) -> None:
    """``--classes bad,good``: the endpoint answers its labels by name (its loader kept no
    probe answer on main: resumed whatever was served)."""
    salt = ["v1"]

    def by_name(h: BaseHTTPRequestHandler, n: int, k: int) -> None:
        rows = json.loads(h._body)["inputs"]  # type: ignore[attr-defined]
        names = [("bad", "good")[zlib.crc32((salt[0] + json.dumps(r)).encode()) % 2] for r in rows]
        send_body(h, 200, json.dumps({"outputs": names}).encode())

    store = tmp_path / "r.db"
    url = serve(by_name)
    first = _stopped_from_another_thread(
        lambda **more: assay.check_fairness(
            url, dataset="german", protected=["sex"], max_queries=3_000, seed=1, store=store,
            classes=["bad", "good"], **more,
        )
    )  # fmt: skip
    assert first.status == "interrupted"
    kept = RunStore(store).get_run(first.run_id).model["details"]["probe_answer"]
    assert kept["shape"] == [2]  # (its 2 labels: v2 answers them otherwise, crc32 being fixed)
    salt[0] = "v2"
    _refused(first.run_id, store)


def test_a_text_retrain_its_probe_misses_is_named_beside_the_recheck_cause(
    serve: Callable[..., str],  # noqa: F811
    tmp_path: Path,
) -> None:
    """The same for a text run: its re-check put changed answers down to the classifiers
    alone ("not deterministic or ... depend on the batch")."""
    served = Retrained(proba=True)
    store = tmp_path / "r.db"
    run_id = _text_run(serve(served), store)
    served.changed = True
    again = _resume(run_id, store)
    out = " ".join(again.output.split())
    assert "minimal failing sentences asked again were answered otherwise" in out, out
    assert "another model was deployed at its URL between the run's 2 sessions" in out
    assert f"assay verify {run_id}" in out
