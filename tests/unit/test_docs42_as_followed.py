"""What docs42 found following the README and docs/ to the letter: a run given a schema
alone was told its model had been fed "the data's" columns (README's `model.onnx --schema
space.yaml` line)."""

from __future__ import annotations

from pathlib import Path

import numpy as np


def test_a_schema_only_runs_by_position_note_names_the_schema(tmp_path: Path) -> None:
    """A model naming none of its columns, given a schema and no data: its inputs are the
    schema's columns in their order, and the note says so (it said "the data's" on main)."""
    from assay import check_fairness
    from assay.core.store import RunStore

    schema = tmp_path / "space.yaml"
    schema.write_text(
        "features:\n"
        "  - {name: age, type: integer, low: 18, high: 80}\n"
        "  - {name: sex, type: integer, low: 0, high: 1}\n"
        "  - {name: hours, type: integer, low: 10, high: 60}\n"
    )

    def by_age(x: np.ndarray) -> np.ndarray:
        return (np.asarray(x, dtype=float)[:, 0] > 40).astype(int)

    by_age.classes_ = [0, 1]  # type: ignore[attr-defined]
    store = RunStore(tmp_path / "runs.db")
    r = check_fairness(
        by_age, schema=str(schema), protected="sex", max_queries=300, seed=1, store=store
    )
    said = [w for w in r.warnings if "names none of its columns" in w]
    assert said and "the schema's were fed to it in their order (age, sex, hours)" in said[0]
    assert "the data's" not in said[0], said


def test_the_suite_names_code_outside_the_accounts_record() -> None:
    """A run of a `file.py:f` model names its file in the account's record of model code
    (`assay code`); the suite's runs wrote theirs into the developer's own
    ``~/.local/state/assay/named-code`` (1,277 test paths on the project's machine)."""
    import os
    import tempfile

    from assay.core.named_code import record_path

    home = Path.home() / ".local" / "state"
    assert not record_path().is_relative_to(home), record_path()
    assert record_path().is_relative_to(tempfile.gettempdir())
    assert os.environ["XDG_STATE_HOME"] == str(record_path().parents[1])


def test_a_split_runs_group_metrics_skip_says_what_budget_would_hold_them(
    tmp_path: Path,
) -> None:
    """German credit's 300 labelled rows at `--max-queries 800`: the unsplit run asks them
    (300 queries); with `--units 8` the first unit asks them from its 100 and skips them.  Its
    note said "raise --max-queries to at least twice that" (600: a split run still skips them
    there); the run needs 16 times that (4,800)."""
    import assay
    from assay.core.store import RunStore

    store = RunStore(tmp_path / "runs.db")
    kw = {"dataset": "german", "protected": "sex", "max_queries": 800, "seed": 5}
    whole = assay.check_fairness("builtin:logistic", store=store, **kw)
    assert whole.summary["model_queries"]["group"] == 300
    split = assay.check_fairness("builtin:logistic", store=store, units=8, **kw)
    said = split.summary["stopped_early"]["context"]
    assert said.endswith(
        "raise --max-queries to at least 16 times that (the first of the 8 units asks them, "
        "from its share of the budget)"
    ), said
    assert any("max_queries to at least 16 times that" in n for n in split.budget_notes)
    bigger = assay.check_fairness(
        "builtin:logistic", store=store, units=8, **{**kw, "max_queries": 16 * 300}
    )
    assert bigger.summary["group"] is not None  # the advice, taken, holds them
    assert "context" not in (bigger.summary.get("stopped_early") or {})
