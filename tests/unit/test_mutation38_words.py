"""mutation38: words a user reads of the thirty-sixth session's code (PH2, SM16, SM17 in
bench/RESULTS.md, mutation38's table)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any

import pytest

from assay.errors import BudgetExhausted
from assay.fairness import phases


def test_a_flip_check_cut_before_asking_says_before_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """PH2: --max-time ran out before the flip check sent anything: "before it" (under the
    mutant "during it: its queries were asked", of none)."""
    model = SimpleNamespace(sent=0)

    @contextmanager
    def deadlined(*_: Any, **__: Any) -> Iterator[Any]:
        yield model

    def cut(*_: Any, **__: Any) -> dict[str, Any]:
        raise BudgetExhausted("out of time", reason="time")

    monkeypatch.setattr(phases, "_deadlined", deadlined)
    monkeypatch.setattr(phases, "_combinations", lambda _setup: 1)
    monkeypatch.setattr(phases, "flip_rate", cut)
    setup: Any = SimpleNamespace(model=model, test=SimpleNamespace(schema=None, data=None))
    check = phases._flip_check(setup, 1, None, 12.0, float("inf"), 100)
    assert check["skipped"] == phases.RAN_OUT_BEFORE


@pytest.mark.parametrize(("left", "said"), [(1, "1 query of"), (3, "3 queries of")])
def test_the_budget_left_before_asking_again_is_counted_in_words(left: int, said: str) -> None:
    """SM17: "1 query", "3 queries" of the budget left."""
    from assay.backdoor.summary import _not_asked_again

    search = SimpleNamespace(phase="again", model=SimpleNamespace(remaining=lambda: left))
    why = _not_asked_again(search)
    assert why is not None and f"({said} its budget left)" in why
    assert _not_asked_again(SimpleNamespace(phase="done")) is None


@pytest.mark.parametrize("shape", [(True, 8), ()])
def test_a_shape_of_booleans_or_of_nothing_is_refused(shape: tuple[Any, ...]) -> None:
    """IM1, IM2: ``input_shape=(True, 8)`` is no shape (a bool is an int to Python), nor
    ``()``: refused naming the argument (under the mutants read as "1,8" and "")."""
    from assay.backdoor.images import shape_text
    from assay.errors import UsageError

    with pytest.raises(UsageError) as exc:
        shape_text(shape)
    assert exc.value.argument == "--input-shape"


def test_a_stored_cap_no_version_wrote_leaves_the_command_as_it_is() -> None:
    """WI6: a run's stored ``keep_findings`` that ``parse_keep`` refuses (hand-edited, or
    from a future version) prints the command as stored, never a traceback."""
    from assay.core.witnesses import pinned_keep

    command = "assay fairness --dataset german --seed 1"
    assert pinned_keep(command, {"keep_findings": "lots"}) == command


def test_the_budget_left_is_said_only_when_it_stopped_the_asking() -> None:
    """SM13: eight queries left were enough to ask the eight images again; a scan that did
    not (``--max-time``, a stop) says why it ended, not "8 queries of its budget left"."""
    from assay.backdoor.summary import _not_asked_again

    search = SimpleNamespace(phase="again", model=SimpleNamespace(remaining=lambda: 8))
    why = _not_asked_again(search)
    assert why is not None and "(the run ended before them)" in why


def test_budget_notes_are_the_budget_sections_alone() -> None:
    """RS6: ``result.budget_notes`` (the Jupyter view's "budget:" lines) are the Budget
    section's notes, not every section's."""
    from assay.fairness.result import FairnessResult

    sections = [{"title": "Determinism", "note": "asked twice"}, {"title": "Budget", "note": "cut"}]
    view: Any = SimpleNamespace(summary={"sections": sections}, _callers=lambda s: s)
    assert FairnessResult.budget_notes.fget(view) == ["cut"]  # type: ignore[attr-defined]


def test_a_long_tuple_is_summed_up_as_a_list_is() -> None:
    """RI1: ``clean=tuple(images)`` (or any tuple of many items) is summed up in the stored
    command as a list is, not spelled out whole."""
    from assay.core.runinfo import _shown

    shown = _shown(tuple(f"/data/image_{i:05d}.png" for i in range(2_000)))
    assert shown.startswith("<tuple of 2,000 items: ") and len(shown) < 200, shown[:300]


def test_a_range_of_booleans_is_refused() -> None:
    """IM6: ``value_range=(False, True)`` is no range of pixel values (under the mutant read
    as "0,1")."""
    from assay.backdoor.images import range_text
    from assay.errors import UsageError

    with pytest.raises(UsageError) as exc:
        range_text((False, True))
    assert exc.value.argument == "--range"


def test_an_old_walk_run_without_a_stored_strategy_pins_its_optimize() -> None:
    """RI6: a run stored before the config named its strategy (the walk then) still gets
    the mode auto chose pinned in its rerun command."""
    from assay.core.runinfo import pasteable

    summary = {"search": {"optimize": "queries"}}
    got = pasteable("assay fairness --dataset german", {"optimize": "auto"}, summary=summary)
    assert got.endswith(" --optimize queries"), got


@pytest.mark.parametrize(
    ("skipped", "confirmation", "said"),
    [
        ("--max-time ran out during it", {"queries": 0}, "spent without a result"),  # UM3
        ("--max-time ran out during it", {"queries": 8}, "the repeated-call check cut"),  # UM4
        (None, {"queries": 8, "cut": "x"}, "the re-check of the stored IDIs cut"),  # UM5
        ("--max-time ran out before it", {"queries": 8}, "the repeated-call check cut"),  # UM6
        (None, {"queries": 8}, None),
        ("skipped: the model failed", {"queries": 8}, None),  # UM7: not --max-time's
    ],
)
def test_what_the_cut_checks_bought(
    skipped: str | None, confirmation: dict[str, Any], said: str | None
) -> None:
    """UM3-UM7: each branch of ``checks_unmeasured``."""
    from assay.fairness.unmeasured import checks_unmeasured

    got = checks_unmeasured({"determinism": {"skipped": skipped, "confirmation": confirmation}})
    assert (got is None) if said is None else (got is not None and got.startswith(said)), got


def test_a_range_keeps_every_digit_of_its_floats() -> None:
    """IM5: ``value_range=(0.1234567, 1.0)`` as "0.1234567,1.0" (under the mutant rounded)."""
    from assay.backdoor.images import range_text

    assert range_text((0.1234567, 1.0)) == "0.1234567,1.0"


def test_a_run_without_its_served_model_exits_3() -> None:
    """VD2: a run left ``model_unavailable`` (its served model gone) exits 3, the model's
    failure, as a failed one does (under the mutant 130, "interrupted")."""
    from assay.core.verdict import EXIT_MODEL, exit_code

    assert exit_code(0, "model_unavailable") == exit_code(0, "failed") == EXIT_MODEL


def test_a_backdoor_check_cut_after_asking_says_so_in_its_section(tmp_path: Any) -> None:
    """SD5: the Determinism section of a backdoor run whose check could not be made says
    the queries it had asked were spent without a result (words37 tested the line only)."""
    from assay.backdoor.steadiness import record_steadiness
    from assay.core.store import RunStore

    with RunStore(tmp_path / "s.db") as store:
        store.create_run(
            run_id="r", technique="backdoor", seed=1, command="t", config={}, model={},
            versions={},
        )  # fmt: skip
        store.checkpoint("r", summary={"headline": "h"})
        record_steadiness(store, "r", {"skipped": "--max-time ran out", "queries": 12})
        sections = store.get_run("r").summary["sections"]
    text = " ".join(str(s.get("text", "")) for s in sections)
    assert "It had asked 12 queries, spent without a result." in text, sections


def test_a_demonstration_that_tested_nothing_is_no_pass() -> None:
    """VD3: a demonstration's exit 1 and 0 swap (finding its bugs is its pass); its exit 2,
    nothing tested, stays 2 (under the mutant 0)."""
    from assay.core.verdict import demo_exit

    assert [demo_exit(c) for c in (0, 1, 2, 3, 130)] == [1, 0, 2, 3, 130]
