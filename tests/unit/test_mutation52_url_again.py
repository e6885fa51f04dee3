"""A resumed or verified run's masked URL given again, checked before it begins
(``cli.url_again``, hostile51, hostile51b), at the functions: a verify's own line holds one
``--model URL`` per masked URL (a text run's classifiers too), a run stored unmasked asks
nothing, an empty ``--model`` is no URL, and the line's ``URL`` word or a pasted mask is said
as such on a resume too; an empty ``--model`` (a variable unset) is said empty, not
" is not the run's model" (mutation52)."""

from __future__ import annotations

from typing import Any

import pytest

from assay.cli.url_again import check_url_again, check_verify_url
from assay.core.redact import GivenAgain
from assay.core.run_record import RunRecord
from assay.errors import UsageError

KEYED = "http://h:8080/predict?api_key=***"
PLAIN = "http://h:8080/other"


def _record(technique: str, invocation: dict[str, Any]) -> RunRecord:
    return RunRecord(
        id=f"{technique}-1",
        technique=technique,
        status="failed",
        seed=1,
        command="",
        config={"invocation": invocation},
        model={},
        versions={},
        progress={},
        summary={},
        error=None,
        created=0.0,
        updated=0.0,
        n_findings=0,
        max_severity=0.0,
    )


def _said(record: RunRecord, given: Any, store: str = "/s/st.db") -> str:
    with pytest.raises(UsageError) as refused:
        check_verify_url(record, given, store)
    assert refused.value.argument == "--model"
    return " ".join(str(refused.value).split())


def test_a_verify_of_a_text_run_gives_one_url_word_per_masked_classifier() -> None:
    record = _record("text", {"models": [KEYED, PLAIN, KEYED.replace("h:", "g:")]})
    said = _said(record, None)
    assert "assay verify text-1 --store /s/st.db --model URL --model URL (URL stands" in said
    assert "--model URL --model URL --model URL" not in said
    assert "assay resume" not in said
    assert f"({KEYED})" in said  # (the first masked URL named)


def test_a_fairness_runs_model_and_an_empty_url() -> None:
    record = _record("fairness", {"model": KEYED, "models": [PLAIN]})
    said = _said(record, "")
    assert said.count("--model URL") == 1, said
    assert "assay verify fairness-1 --store /s/st.db --model URL (" in said


def test_a_run_stored_unmasked_asks_for_nothing() -> None:
    for given in (None, "", PLAIN):
        check_verify_url(_record("fairness", {"model": PLAIN}), given, "/s/st.db")
        check_url_again(_record("fairness", {"model": PLAIN}), given)


@pytest.mark.parametrize("check", ["verify", "resume"])
def test_the_url_word_and_a_pasted_mask_are_said_as_such(check: str) -> None:
    record = _record("fairness", {"model": KEYED})

    def refusal(given: str) -> str:
        with pytest.raises(UsageError) as refused:
            if check == "verify":
                check_verify_url(record, given, "/s/st.db")
            else:
                check_url_again(record, given)
        assert refused.value.argument == "--model"
        return " ".join(str(refused.value).split())

    word = refusal("URL")
    assert f"--model: URL stands for the run's endpoint address ({KEYED}) with" in word, word
    pasted = refusal(KEYED)
    assert "that is the mask assay prints in place of a secret" in pasted, pasted


@pytest.mark.parametrize("given", ["", GivenAgain(["", KEYED.replace("***", "k1")])])
def test_an_empty_url_is_said_empty_on_a_resume(given: Any) -> None:
    # (``--model "$MODEL_URL"`` with the variable unset; main: " is not the run's model")
    record = _record("text", {"models": [KEYED, KEYED.replace("h:", "g:")]})
    with pytest.raises(UsageError) as refused:
        check_url_again(record, given)
    said = " ".join(str(refused.value).split())
    assert "argument --model: the URL given is empty (a variable given as --model" in said
    assert f"give the run's endpoint address ({KEYED}) with the real values" in said
