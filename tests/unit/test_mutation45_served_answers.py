"""A served model's probe answer kept with a run and compared on resume
(``core.served_answers``), at the edges mutation45 found unwatched: a retrain moving a
probability by 0.01, a probe answer of hundreds of values, the model info of several
classifiers (``stored``), a second ask that agrees with the answer of now (a redeploy, not
a moving model), the words of a run of one session."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from assay.core.served_answers import (
    PROBE_ANSWER,
    ServedModelChanged,
    answer_print,
    answers_changed,
    redeploy_unseen,
    same_served_model,
)


def _info(answer: Any) -> dict[str, Any]:
    return {"details": {PROBE_ANSWER: answer_print(answer)}}


P = np.array([[0.8, 0.2], [0.35, 0.65], [0.5, 0.5]])


def test_a_retrain_moving_a_probability_by_a_hundredth_is_seen() -> None:
    moved = P + np.array([[0.01, -0.01], [0.0, 0.0], [0.0, 0.0]])
    assert answers_changed(_info(P), _info(moved)) == (
        "2 of the 6 values it answered the probe inputs differ"
    )
    assert answer_print([0.123456789])["values"] == [0.123457]  # type: ignore[index]


def test_a_change_in_the_last_of_many_values_is_seen() -> None:
    before = np.linspace(0.0, 1.0, 256)
    after = before.copy()
    after[-1] = 0.5
    assert len(answer_print(before)["values"]) == 256  # type: ignore[index]
    assert answers_changed(_info(before), _info(after)) is not None


def _record(model: dict[str, Any] | None = None) -> Any:
    return SimpleNamespace(id="run-1", model=model)


def test_a_classifiers_own_info_is_compared_not_the_runs() -> None:
    # a text run's classifiers: the run's model info holds none of their answers
    now = _info(P[::-1])
    with pytest.raises(ServedModelChanged, match="classifier b answers otherwise"):
        same_served_model(_record({"classifiers": []}), now, stored=_info(P), name="classifier b")
    same_served_model(_record({"classifiers": []}), _info(P), stored=_info(P))


def test_a_second_ask_answering_as_now_is_a_redeploy_not_a_moving_model() -> None:
    now = _info(P[::-1])
    with pytest.raises(ServedModelChanged, match="another model is served"):
        same_served_model(_record(_info(P)), now, again=lambda: P[::-1])
    # answers moving from call to call: let through, said (no refusal)
    with pytest.warns(UserWarning, match="move from call to call"):
        same_served_model(_record(_info(P)), now, again=lambda: P)


def test_a_run_of_one_session_names_no_redeploy() -> None:
    assert redeploy_unseen("run-1", 1) == ""
    said = redeploy_unseen("run-1", 2)
    assert "between the run's 2 sessions" in said and "assay verify run-1" in said


def _classifier(answer: Any) -> Any:
    served = SimpleNamespace(info={PROBE_ANSWER: answer_print(answer)})
    return SimpleNamespace(served=served, spec_info=None)


def test_every_served_classifier_is_compared_past_one_with_nothing_kept(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from assay.models import redeployed

    monkeypatch.setattr(redeployed, "served_model", lambda m: getattr(m, "served", None))
    monkeypatch.setattr(redeployed, "close_served", lambda models: None)
    local = SimpleNamespace()  # (a classifier in this process: nothing to compare)
    models = [local, _classifier(P), _classifier(P[::-1])]
    record = _record({"classifiers": []})
    # the second kept nothing (a run of an older assay); the third answers otherwise now
    with pytest.raises(ServedModelChanged, match="classifier c answers otherwise"):
        redeployed.refuse_redeployed(
            record,
            models,
            stored=[None, None, _info(P)],
            names=["classifier a", "classifier b", "classifier c"],
        )
    # the third seen changing by the run's own check: not compared
    redeployed.refuse_redeployed(
        record, models, stored=[None, None, _info(P)], steady=[True, True, False]
    )
