"""A text resume of a run whose determinism check saw one served classifier's answers
change (``text.finish._same_served``: that classifier is not compared with what loading
was answered, ``steady`` False): mutation45's PR3 (every classifier taken as steady) was
seen by no test, the unit test of ``refuse_redeployed`` covering its own use of the flags.
Taken as steady, the moving classifier is compared, found answering otherwise, asked once
more and let through with a warning that it moves: a request the run need not make, and a
warning of what the run had already said."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from test_hostile25a_serving import serve  # noqa: F401  (the fixture)
from test_left44s_redeployed import Deployment, _backdoor_run, _resume, _text_run

import assay
from assay.core.finishing import finishable
from assay.core.store import RunStore


def test_a_classifier_the_run_saw_moving_is_not_compared_on_resume(
    serve: Callable[..., str],  # noqa: F811
    tmp_path: Path,
) -> None:
    served = Deployment()
    served.noise = 0.5  # (dropout left on: its answers move from call to call)
    store = tmp_path / "r.db"
    url = serve(served)
    run_id = _text_run(url, store)
    record = RunStore(store).get_run(run_id)
    moved = record.config["budget"]["determinism_probe"]["classifiers"]
    assert moved == ["predict"], moved  # (the endpoint; the lexicon is steady, compared)
    back = _resume(run_id, store)
    out = " ".join(back.output.split())
    assert "answers otherwise than when run" not in out, out
    # resumed to its end (exit 2 since llm45t: none of the noise's findings confirmed)
    assert f"resuming {run_id} from" in out and back.exit_code in (0, 1, 2), out
    assert RunStore(store).get_run(run_id).status != "interrupted"
    # loading's probe asked once by the session (each classifier), never a second time
    queries = RunStore(store).get_run(run_id).summary["model_queries"]
    assert queries["loading_resumed"] == 2, queries


def test_a_fairness_model_its_run_saw_moving_is_not_compared_on_finishing(
    serve: Callable[..., str],  # noqa: F811
    tmp_path: Path,
) -> None:
    # (PR5: the same flag of a fairness run, its determinism check's ``deterministic``)
    served = Deployment()
    served.noise = 0.5
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
    assert finishable(record), record.summary
    checks = [
        (record.config.get("budget") or {}).get("determinism_flip") or {},
        record.summary.get("determinism") or {},
    ]
    assert any(c.get("deterministic") is False for c in checks), checks  # (seen moving)
    back = _resume(first.run_id, store)
    out = " ".join(back.output.split())
    assert "answers otherwise than when run" not in out, (out, checks)


def test_a_backdoor_model_its_run_saw_moving_is_not_compared_on_resume(
    serve: Callable[..., str],  # noqa: F811
    tmp_path: Path,
) -> None:
    # (PR4: the same flag of a backdoor run, its determinism check's ``changed``)
    served = Deployment()
    served.noise = 0.5
    run_id = _backdoor_run(serve(served), tmp_path)
    record = RunStore(tmp_path / "r.db").get_run(run_id)
    assert record.config["budget"]["determinism_probe"]["changed"], record.config["budget"]
    back = _resume(run_id, tmp_path / "r.db")
    out = " ".join(back.output.split())
    assert "answers otherwise than when run" not in out, out
    assert RunStore(tmp_path / "r.db").get_run(run_id).status != "interrupted", out
