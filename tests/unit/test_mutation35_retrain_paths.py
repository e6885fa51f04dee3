"""mutation35: the retrained model's folder beside a store, by the run's id (hostile34).

hostile34 named two ways out of the store's folder of retrained models and tested neither:
a run id read from a store (``../../x``: ``models/<run id>`` was outside the store's folder;
now the id's hash names it, ``core.paths.run_file_name``), and a link planted at the run's
own folder (``models/<run id> -> elsewhere``; hostile34b's test plants one at ``models``
only).  Both tested here on a retraining run whose id is given (``new_run_id`` replaced).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_hostile34b_store_links import retrained_run
from test_left20a_run_clock import _people

from assay.fairness import check as fairness_check


def _retrained(store: Path, run_id: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fairness_check, "new_run_id", lambda technique: run_id)
    assert retrained_run(_people(), store).run_id == run_id


def test_a_hostile_run_id_keeps_its_retrained_model_in_the_stores_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = tmp_path / "repo" / ".assay" / "runs.db"
    store.parent.mkdir(parents=True)
    _retrained(store, "../../escape", monkeypatch)
    assert not (tmp_path / "escape").exists() and not (tmp_path / "repo" / "escape").exists()
    made = [p for p in (store.parent / "models").rglob("retrained.*")]
    assert made and all(p.parent.parent == store.parent / "models" for p in made)


def test_a_link_at_the_runs_own_folder_of_retrained_models_is_not_followed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "retrained.skops").write_text("theirs")
    store = tmp_path / "repo" / "runs.db"
    (store.parent / "models").mkdir(parents=True)
    (store.parent / "models" / "fairness-planted").symlink_to(victim)
    _retrained(store, "fairness-planted", monkeypatch)
    assert list(victim.iterdir()) == [victim / "retrained.skops"]
    assert (victim / "retrained.skops").read_text() == "theirs"
    own = store.parent / "models" / "fairness-planted"
    assert own.is_dir() and not own.is_symlink()
    assert any(p.name.startswith("retrained.") for p in own.iterdir())
