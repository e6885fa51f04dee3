"""A Dask run's rerun command says its units (repro40's Left 2): given no ``--units``, a run
with ``--executor dask`` runs ``DEFAULT_DASK_UNITS`` (8) units, each its own draw of the
seed; its printed command left them implicit, so the same command run in-process (or read
by someone without a cluster) was one search, another campaign (German credit,
``builtin:logistic``, ``--max-queries 800 --seed 5``: 90 IDIs on Dask, 90 in-process with
``--units 8``, 85 without: bench/RESULTS.md, left40b)."""

from __future__ import annotations

from assay.core.runinfo import api_call, pasteable
from assay.execution.campaign import DEFAULT_DASK_UNITS, execution_config

_RUN = "assay fairness builtin:logistic --dataset german --protected sex --seed 5"


def dask_config() -> dict[str, object]:
    """A run's config given ``--executor dask --workers 2`` and no ``--units``."""
    return {"execution": execution_config("dask", 2, None, None)}


def test_a_dask_runs_rerun_command_says_the_units_it_ran() -> None:
    dask = dask_config()
    assert execution_config("dask", 2, None, None)["units"] == DEFAULT_DASK_UNITS == 8
    line = pasteable(f"{_RUN} --executor dask --workers 2", dask)
    assert line.endswith("--executor dask --workers 2 --units 8"), line  # main: no --units


def test_units_given_or_an_in_process_run_are_left_as_typed() -> None:
    given = {"execution": execution_config("dask", 2, None, 3)}
    assert pasteable(f"{_RUN} --executor dask --workers 2 --units 3", given).endswith("--units 3")
    assert pasteable(f"{_RUN} --executor dask --workers 2 --units=3", given).count("--units") == 1
    inprocess = {"execution": execution_config("inprocess", None, None, None)}
    assert pasteable(_RUN, inprocess) == _RUN  # (no units: one search, as typed)
    for other in ("text --demo", "backdoor --demo"):
        line = pasteable(f"assay {other} --executor dask --workers 2", dask_config())
        assert line.endswith("--units 8"), line
    assert (
        pasteable("assay resume RUN --store s.db", dask_config()) == "assay resume RUN --store s.db"
    )


def test_an_api_calls_rerun_says_them_too() -> None:
    call = api_call(
        "check_fairness", "builtin:logistic", {"executor": "dask", "workers": 2}, seed=5
    )
    assert call.endswith("executor='dask', workers=2, units=8, seed=5)"), call  # main: no units
    given = api_call("check_fairness", None, {"executor": "dask", "units": 3}, seed=5)
    assert "units=3" in given and "units=8" not in given
    inprocess = api_call("check_fairness", None, {"executor": "inprocess", "units": None}, seed=5)
    assert "units" not in inprocess
