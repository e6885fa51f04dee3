"""Beside a store (hostile34's Left): a symbolic link planted at its folder of retrained
models (``models -> elsewhere``, beside a committed store) is removed, never followed; an
output at the store's own files (``--html runs.db-wal``, its ``-shm``, a lock) is refused
as the store itself is."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_left20a_run_clock import _people, _tree

import assay
from assay.cli.checks import check_outputs
from assay.errors import UsageError


def retrained_run(df: Any, store: Path) -> Any:
    """A fairness run of ``df``'s tree that retrains it and keeps a round (its model saved
    beside ``store``, in ``models/<run>``)."""
    result = assay.check_fairness(
        _tree(df),
        data=df,
        protected="sex",
        label="approved",
        retrain=True,
        max_queries=3000,
        seed=1,
        store=store,
        max_accuracy_loss=100,
    )
    assert result.mitigation is not None and result.mitigation["kept"] >= 1
    return result


def test_a_link_at_the_folder_of_retrained_models_is_not_followed(tmp_path: Path) -> None:
    df = _people()
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "retrained.skops").write_text("theirs")
    store = tmp_path / "repo" / "runs.db"
    store.parent.mkdir()
    (store.parent / "models").symlink_to(victim)  # planted beside a committed store
    retrained_run(df, store)
    assert (victim / "retrained.skops").read_text() == "theirs"
    assert list(victim.iterdir()) == [victim / "retrained.skops"]
    models = store.parent / "models"
    assert models.is_dir() and not models.is_symlink()
    assert any(p.name == "retrained.skops" for p in models.rglob("*"))


@pytest.mark.parametrize("end", ["-wal", "-shm", "-journal", "-locks/RUN.lock"])
def test_an_output_at_the_stores_own_files_is_refused(tmp_path: Path, end: str) -> None:
    store = tmp_path / "runs.db"
    with pytest.raises(UsageError, match="reads") as caught:
        check_outputs([(Path(f"{store}{end}"), "--html")], [store])
    assert caught.value.argument == "--html"
    check_outputs([(tmp_path / "report.html", "--html")], [store])  # (others are fine)
