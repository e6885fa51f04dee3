"""A text resume of a run whose determinism check saw one served classifier's answers
change (``text.finish._same_served``: that classifier is not compared with what loading
was answered, ``steady`` False): mutation45's PR3 (every classifier taken as steady) was
seen by no test, the unit test of ``refuse_redeployed`` covering its own use of the flags.
Taken as steady, the moving classifier is compared, found answering otherwise, asked once
more and let through with a warning that it moves: a request the run need not make, and a
warning of what the run had already said."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from test_hostile25a_serving import serve  # noqa: F401  (the fixture)
from test_left44s_redeployed import Deployment, _resume, _text_run

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
    assert back.exit_code in (0, 1), back.output
    out = " ".join(back.output.split())
    assert "answers otherwise than when run" not in out, out
    # loading's probe asked once by the session (each classifier), never a second time
    queries = RunStore(store).get_run(run_id).summary["model_queries"]
    assert queries["loading_resumed"] == 2, queries
