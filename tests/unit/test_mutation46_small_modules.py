"""mutation46: surviving mutants of the forty-fourth session's small modules, each killed here:
a lost stdout's words and exit code (``cli.lost_stdout``), a resumed run's added label map
(``text.label_map_added``), the queries held back for a noisy LLM's replay and the noise that
explains its held findings (``text.replay_hold``), each session's kept search start
(``core.search_starts``), numbers written in digits (``core.numerals``)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from assay.cli import leftover, lost_stdout
from assay.core.numerals import unwritten, written_float, written_int
from assay.core.search_starts import (
    SEARCHES,
    keep_search_start,
    keep_session_start,
    kept_starts,
    wall_from_starts,
)
from assay.errors import UsageError
from assay.text.label_map_added import merged_label_map
from assay.text.replay_hold import HOLD_SHARE, held_back, noise_explains

# -- a lost stdout ---------------------------------------------------------------------------


@pytest.fixture
def fresh_command() -> Any:
    lost_stdout.forget()
    leftover.forget()
    yield
    lost_stdout.forget()
    leftover.forget()


def test_a_listing_whose_stdout_is_lost_exits_2_and_says_so(fresh_command: None) -> None:
    lost_stdout.answer("the list of runs")
    assert lost_stdout.exit_code(0) == 0  # (nothing lost yet)
    line = lost_stdout.failed("No space left on device")
    assert line == (
        "assay: error: stdout cannot be written (No space left on device): the list of runs "
        "is lost (exit 2)"
    )
    assert lost_stdout.exit_code(0) == 2
    assert lost_stdout.exit_code(1) == 1 and lost_stdout.exit_code(4) == 4  # (its own stand)


def test_a_run_whose_stdout_is_lost_goes_on_with_its_own_exit_code(fresh_command: None) -> None:
    for command in (None, "resume", "fairness"):
        lost_stdout.forget()
        leftover.forget(command)
        line = lost_stdout.failed("Input/output error")
        assert line.endswith("the rest of the output is dropped, the run goes on"), line
        assert lost_stdout.exit_code(0) == 0
    leftover.forget("verify")
    line = lost_stdout.failed("Input/output error")
    assert "assay verify goes on (what it does and its exit code stand)" in line


def test_a_new_command_forgets_the_last_one_s_answer(fresh_command: None) -> None:
    lost_stdout.answer("the list of runs")
    lost_stdout.forget()
    lost_stdout.failed("No space left on device")
    assert lost_stdout.exit_code(0) == 0


# -- a resumed run's added label map ----------------------------------------------------------


def _merge(kept: Any, added: Any) -> dict[int, dict[str, str]]:
    return merged_label_map(
        kept, added, ["gpt", "rule"], ["negative", "positive"], where="map.txt", argument="--m"
    )


def test_a_resume_adds_lines_and_a_refusal_mapped_to_no_answer() -> None:
    kept = {0: {"Positive.": "positive"}}
    got = _merge(kept, {0: {"I can't help": "", "Positive.": "positive"}, 1: {"neg": "negative"}})
    assert got == {
        0: {"Positive.": "positive", "I can't help": ""},
        1: {"neg": "negative"},
    }
    assert _merge(None, {1: {}}) == {}  # (a classifier with no line is no entry)


def test_a_resume_refuses_a_changed_line_and_a_new_common_label() -> None:
    with pytest.raises(UsageError, match="maps it to 'positive'"):
        _merge({0: {"Positive.": "positive"}}, {0: {"Positive.": "negative"}})
    with pytest.raises(UsageError, match="none of the run's common labels"):
        _merge({0: {}}, {0: {"Neutral.": "neutral"}})


# -- the noisy LLM's replay ------------------------------------------------------------------


def test_queries_are_held_back_only_from_a_budget_for_a_classifier_seen_noisy() -> None:
    assert held_back({"sentences": 20, "changed": 1}, 6000) == int(6000 * HOLD_SHARE) == 1000
    assert held_back({"sentences": 20, "changed": 3}, 6000) == 1000  # (15 %: still held)
    assert held_back({"sentences": 20, "changed": 4}, 6000) == 0  # (20 %: too noisy to tell)
    assert held_back({"sentences": 20, "changed": 0}, 6000) == 0  # deterministic
    assert held_back({"sentences": 20, "changed": 1}, None) == 0  # no budget
    assert held_back({"sentences": 0, "changed": 0}, 6000) == 0 and held_back(None, 6000) == 0


def test_noise_explains_a_few_held_findings_and_not_many() -> None:
    probe = {"sentences": 20, "changed": 1}  # 5 % flips: a noise finding held ~9.75 %
    q = 1 - 0.95**2
    assert noise_explains(7, 58, probe) == pytest.approx(58 * q)
    assert noise_explains(30, 58, probe) is None  # far beyond what noise keeps
    assert noise_explains(0, 58, probe) is None  # none held
    assert noise_explains(3, 58, {"sentences": 20, "changed": 0}) is None
    # the edge: P(X >= k) for X ~ Bin(58, q) crosses 1 % between 11 and 12 held
    assert noise_explains(11, 58, probe) is not None and noise_explains(12, 58, probe) is None


# -- each session's kept search start ---------------------------------------------------------


class _Store:
    def __init__(self, budget: dict[str, Any], elapsed: float | None) -> None:
        self.record = SimpleNamespace(
            config={"budget": budget},
            progress={} if elapsed is None else {"elapsed": elapsed},
            status="running",  # (a real record's; ops49's clock reads it)
        )

    def get_run(self, run_id: str) -> Any:
        return self.record

    def set_budget(self, run_id: str, **changes: Any) -> None:
        self.record.config["budget"].update(changes)


def test_a_session_s_search_start_is_at_least_the_last_session_s_search_and_its_own() -> None:
    store = _Store({SEARCHES: [[5.0, 0.0]]}, elapsed=10.0)
    # the last session's search began 5 s in; its engine ran 10 s since; this one 2 s so far
    assert keep_search_start(store, "r", 1.0, session=2.0) == 17.0  # type: ignore[arg-type]
    assert store.record.config["budget"][SEARCHES] == [[5.0, 0.0], [17.0, 10.0]]
    assert wall_from_starts(store.record) == 17.0  # (its engine's 10 s, all before it)
    store.record.progress["elapsed"] = 14.0
    assert wall_from_starts(store.record) == 21.0
    store.record.progress["elapsed"] = 3.0  # (an engine count behind: never less)
    assert wall_from_starts(store.record) == 17.0


def test_search_starts_are_kept_to_64_and_read_only_when_numbers() -> None:
    budget = {SEARCHES: [[float(i), 0.0] for i in range(64)]}
    store = _Store(budget, elapsed=0.0)
    keep_search_start(store, "r", 100.0)  # type: ignore[arg-type]
    kept = store.record.config["budget"][SEARCHES]
    assert len(kept) == 64 and kept[0] == [1.0, 0.0] and kept[-1] == [100.0, 0.0]
    assert kept_starts({SEARCHES: [[1, 2], ["x", 2], [3], 4, [5, 6.5, 7]]}) == [
        [1.0, 2.0],
        [5.0, 6.5],
    ]


def test_a_session_start_is_the_earlier_sessions_seconds_and_its_own() -> None:
    import time

    store = _Store({}, elapsed=None)
    keep_session_start(store, "r", time.monotonic() - 2.0, 30.0)  # type: ignore[arg-type]
    (run, own), *_ = store.record.config["budget"][SEARCHES]
    assert 31.9 < run < 40 and own == 0.0


# -- numbers written in digits ------------------------------------------------------------------


def test_numbers_are_ascii_digits_with_a_sign_and_no_grouping() -> None:
    assert written_int(" -12 ") == -12 and written_int("+7") == 7
    for text in ("1_0", "\u0668", "\u00b2", "8.0", "", "-", "\uff11"):
        assert written_int(text) is None, text
    assert written_float("1e-3") == 0.001 and written_float("1_0") is None
    assert written_float("\u0668") is None and written_float("x") is None
    assert unwritten("28_28") == "'_' (digits are not grouped: write 2828)"
    assert unwritten("_") == "'_'"
    assert unwritten("\u0668,8") == "the character '\u0668' (U+0668): digits are 0-9"
    assert unwritten("12") is None


# -- stdin, stdout or stderr closed at the start ----------------------------------------------

_PROBE = (
    "import sys\n"
    "from assay.cli.std_fds import open_closed\n"
    "closed = open_closed()\n"
    "print('out', file=sys.stdout)\n"
    "print(repr(sys.stdin.read()), closed, file=sys.stderr)\n"
)


@pytest.mark.parametrize(
    ("redirect", "said"),
    [("<&-", "'' ['stdin']"), (">&-", "'' ['stdout']")],
)
def test_a_closed_descriptor_is_opened_on_the_null_device(redirect: str, said: str) -> None:
    import os
    import subprocess
    import sys

    src = str(__import__("pathlib").Path(__file__).resolve().parents[2] / "src")
    run = subprocess.run(
        ["sh", "-c", f'"$0" -c "$1" {redirect}', sys.executable, _PROBE],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": src},
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    assert said in run.stderr
    warned = "stdout was closed when assay started" in run.stderr
    assert warned is (redirect == ">&-")


def test_a_decimal_option_holding_a_grouping_underscore_is_refused() -> None:
    import os
    import subprocess
    import sys
    from pathlib import Path

    src = str(Path(__file__).resolve().parents[2] / "src")
    run = subprocess.run(
        [sys.executable, "-m", "assay", "backdoor", "nothing.py", "--fpr", "0_1"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": src},
        timeout=120,
    )
    assert run.returncode == 2
    assert "Invalid value for '--fpr': '0_1' holds '_'" in run.stderr
