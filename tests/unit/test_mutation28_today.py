"""mutation28: today's smaller pieces as a careless edit could break them unnoticed (each
test kills a hand-made mutant the first tests let live): ``core.quiet``, ``core.stopping``,
the wall-clock share, the text report's count line, the HTML report's answer first, the
backdoor table's note, ``say_failing(every=)``."""

from __future__ import annotations

import threading
import warnings
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from assay.core.quiet import quiet
from assay.core.runinfo import record_wall_clock
from assay.core.stopping import asked_stop, check_stop, stopping
from assay.errors import UsageError


def _from_sklearn(text: str) -> None:
    warnings.warn_explicit(text, UserWarning, "sklearn/x.py", 1, module="sklearn.linear_model")


def _ours() -> list[Any]:
    return [f for f in warnings.filters if "assay.quiet" in repr(f[3])]


def test_a_quiet_entry_a_callers_catch_warnings_put_back_matches_nothing() -> None:
    """The caller's ``catch_warnings`` began inside ``quiet`` and ended after it: the list it
    puts back holds quiet's entry, which must silence nothing (on this thread too) and is
    taken out by the next ``quiet`` to end."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        crossed = ExitStack()
        silenced = quiet(r"sklearn\b")
        silenced.__enter__()
        crossed.enter_context(warnings.catch_warnings())
        silenced.__exit__(None, None, None)
        crossed.close()  # (puts back the list saved with quiet's entry in it)
        (left,) = _ours()
        assert left[3].pattern == "(?!)"  # (a copy of the filters gets a pattern of nothing)
        with pytest.raises(UserWarning):
            _from_sklearn("after quiet ended")
        with quiet(r"torch\b"):
            pass
        assert _ours() == []


def test_a_live_quiet_entry_shows_its_pattern_on_its_own_thread_only() -> None:
    seen: list[str] = []
    with quiet(r"sklearn\b"):
        (entry,) = _ours()
        seen.append(entry[3].pattern)
        other = threading.Thread(target=lambda: seen.append(entry[3].pattern))
        other.start()
        other.join(30)
    assert seen == [r"sklearn\b", "(?!)"]


def test_quiet_reads_its_message_pattern_as_warnings_does_ignoring_case() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with quiet(r"sklearn\b", message="lbfgs failed"):
            _from_sklearn("LBFGS FAILED to converge")  # (an error if not silenced)
            with pytest.raises(UserWarning):
                _from_sklearn("another note")


class _Flag:
    is_set = True  # (an attribute, not a method)


def test_a_stop_whose_is_set_is_not_callable_is_refused() -> None:
    with pytest.raises(UsageError, match=r"threading\.Event"):
        check_stop(_Flag())
    check_stop(threading.Event())
    check_stop(None)


def test_a_stop_scope_ends_with_its_block_and_an_inner_none_keeps_the_outer() -> None:
    """A resume's own calls run inside the caller's ``stopping``: an inner scope given no
    stop keeps the caller's; and once the block ends the thread's next run has no stop."""
    event = threading.Event()
    with stopping(event):
        with stopping(None):
            assert asked_stop() is event
        assert asked_stop() is event
    assert asked_stop() is None


def test_a_later_run_on_the_same_thread_is_not_stopped_by_an_earlier_runs_stop(
    tmp_path: Path,
) -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).parents[1] / "integration"))
    from hostile27b_models import by_sex, people

    import assay

    stop = threading.Event()
    stop.set()
    common: dict[str, Any] = {"data": people(), "protected": ["sex"], "seed": 1}
    first = assay.check_fairness(
        by_sex, max_queries=500, store=tmp_path / "a.db", stop=stop, **common
    )
    second = assay.check_fairness(by_sex, max_queries=500, store=tmp_path / "b.db", **common)
    assert first.status == "interrupted" and second.status != "interrupted"


class _Store:
    def __init__(self, summary: dict[str, Any]) -> None:
        self.summary = summary

    def get_run(self, run_id: str) -> Any:
        return type("R", (), {"summary": self.summary, "config": {}})()

    def checkpoint(self, run_id: str, *, summary: dict[str, Any]) -> None:
        self.summary = summary


def test_a_share_of_the_wall_clock_is_at_most_one_and_read_from_a_number_only() -> None:
    """Seconds counted inside beyond the wall clock (clocks read apart): a share of 1; a
    summary key that is no number (a flag) gives no share."""
    store = _Store({"metrics": {"n": 4}, "classifier_seconds": 3.0})
    record_wall_clock(
        store, "r", 2.0, counted="n", rate="n/s", share=("share", "classifier_seconds")
    )
    assert store.summary["metrics"]["share"] == 1.0
    store = _Store({"metrics": {"n": 4}, "classifier_seconds": True})
    record_wall_clock(
        store, "r", 2.0, counted="n", rate="n/s", share=("share", "classifier_seconds")
    )
    assert "share" not in store.summary["metrics"]
    store = _Store({"metrics": {"n": 4}, "classifier_seconds": 0.5, "share": 9})
    record_wall_clock(
        store, "r", 2.0, counted="n", rate="n/s", share=("share", "classifier_seconds")
    )
    assert store.summary["metrics"]["share"] == 0.25


def test_the_text_tables_count_is_never_fewer_than_it_shows() -> None:
    from assay.report.text_html import render_text_section

    minimal = [
        {"sentence": f"s{i}", "original": f"s{i}", "count": 1, "margin": -0.5, "outputs": []}
        for i in range(7)
    ]
    for total in (3, None, "7"):
        text = {"oracle": "differential", "classifiers": [], "minimal": minimal}
        text["distinct_minimal"] = total
        html = render_text_section({"run": {"technique": "text", "summary": {"text": text}}})
        assert "7 distinct minimal failing sentences, most often found first" in html, total


def test_the_backdoor_tables_note_says_how_each_strategy_corrects() -> None:
    from assay.backdoor.summary import _how_corrected

    assert "dominant colour (as Neo does)" in _how_corrected("neo")
    for strategy in ("assay",):
        assert "refilled from the clean images" in _how_corrected(strategy)
        assert "dominant" not in _how_corrected(strategy)


def test_a_table_whose_conversion_needs_a_newer_package_is_read_column_by_column() -> None:
    """An ``ImportError`` that is no missing module (pyarrow too old for the table's
    library) is met the same way."""
    from assay.fairness.loading import _as_frame

    class _OldArrow:
        def to_pandas(self) -> Any:
            raise ImportError("pyarrow>=8.0.0 is required for this conversion")

        def to_dict(self, *, as_series: bool = True) -> dict[str, list[Any]]:
            return {"age": [30, 41], "sex": ["F", "M"]}

    frame = _as_frame(_OldArrow())
    assert frame["sex"].tolist() == ["F", "M"] and frame["age"].tolist() == [30, 41]
