"""left43f: a run on a built-in dataset (``--dataset german``) named its JUnit suite
``assay.fairness [<sklearn.pipeline.Pipeline>; protected sex]``, its data left out, while a
run on a data file names it (``data people.csv``) and the same command refused before its
run names the dataset (``data german``, ``cli.no_run_name``): two data sets' runs were one
suite, and a run and its failed rerun two."""

from __future__ import annotations

from assay.cli.no_run_name import no_run_name
from assay.report.junit_subject import suite_name


def test_a_built_in_datasets_run_names_it_as_its_refused_command_does() -> None:
    run = {
        "technique": "fairness",
        "model": {"spec": "m.skops"},
        "config": {"protected": ["sex"], "source": {"dataset": "german", "rows": 1000}},
    }
    # main: "assay.fairness [m.skops; protected sex]"
    assert suite_name(run) == "assay.fairness [m.skops; data german; protected sex]"
    typed = {"model": "m.skops", "protected": "sex", "dataset": "german"}
    assert suite_name(run) == no_run_name("fairness", typed)
