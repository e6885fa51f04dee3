"""mutation50b: ``verify_run(batch_size=)`` and ``assay verify --batch-size`` refuse a size
that is no whole number of at least 1 as they are given it, before the store is opened: a
float was cut to a whole number (2.5 -> 2) and used, and a 0 reached the store's error, when
the checks were dropped (every earlier test passed)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import assay


@pytest.mark.parametrize("size", [2.5, 0, -3, True])
def test_verify_run_refuses_a_batch_size_that_is_no_whole_number_of_one_or_more(
    tmp_path: Path, size: object
) -> None:
    with pytest.raises(assay.UsageError) as caught:
        assay.verify_run("fairness-1", store=tmp_path / "none.db", batch_size=size)  # type: ignore[arg-type]
    said = str(caught.value)
    assert "batch_size" in said and ("whole number" in said or "at least 1" in said), said
    assert not (tmp_path / "none.db").exists()


def test_assay_verify_refuses_a_batch_size_of_0_naming_the_option(tmp_path: Path) -> None:
    from assay.cli.app import app, register

    register()
    store = tmp_path / "none.db"
    result = CliRunner().invoke(
        app, ["verify", "fairness-1", "--store", str(store), "--batch-size", "0"]
    )
    assert result.exit_code == 2, result.output
    assert "--batch-size" in result.output and "at least 1" in result.output, result.output
    assert not store.exists()
