"""``assay.verify_run`` (the API) of the thirty-first session's verify changes (api.py,
e5c4c39 and 7f15388): bench/RESULTS.md, mutation33b (mutants AP3-AP6 survived the tests
merged with them, which verify through the command line): a text run verified through a map
of the labels as the classifiers answer now (``label_map=``); a refusal's line said as a
call, not a command; a label map given for a run that is not a text run refused naming
``label_map``."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_text32_verify_several import _run

import assay
from assay.core.store import RunStore
from assay.errors import UsageError


def test_verify_run_of_text_through_a_label_map_and_its_refusal_as_a_call(
    tmp_path: Path,
) -> None:
    run, store = _run(tmp_path)
    specs = [f"{tmp_path}/clf.py:sound", f"{tmp_path}/clf.py:renamed"]
    with pytest.raises(UsageError) as refused:
        assay.verify_run(run, store=store, model=specs)
    said = " ".join(str(refused.value).split())
    assert said.endswith(
        f"assay.verify_run('{run}', store='{store}', model=..., label_map={{...}})"
    )
    (tmp_path / "now.txt").write_text("2 negative -> neg\n2 positive -> pos\n", encoding="utf-8")
    result = assay.verify_run(run, store=store, model=specs, label_map=tmp_path / "now.txt")
    assert (result.total, result.still_failing) == (1, 0)


def test_a_label_map_for_a_fairness_run_is_refused_naming_label_map(tmp_path: Path) -> None:
    store = RunStore(tmp_path / "runs.db")
    store.create_run(
        run_id="fairness-m", technique="fairness", seed=1, command="x", config={}, model={},
        versions={},
    )  # fmt: skip
    store.close()
    with pytest.raises(UsageError) as refused:
        assay.verify_run("fairness-m", store=tmp_path / "runs.db", label_map={})
    assert refused.value.argument == "label_map"
    assert "is a fairness run" in str(refused.value)
