"""mutation35: ``core.named_code`` beyond hostile34b's one case (a fairness run's one model).

hostile34b's integration test resumes and verifies a fairness run of one ``m.py:predict``.
No test reached a text run's several classifiers (the check read ``model`` of every run:
a hostile store's text run imported its ``.py`` classifiers on ``assay resume``), specs
given again on the command line (``GivenAgain``: each in place of its own, the rest still
checked), the record's own permissions, or a path holding a line break (noted as two lines:
the second path trusted).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from assay.core.named_code import check_run_named, remember, was_named
from assay.core.redact import GivenAgain
from assay.errors import UsageError


@pytest.fixture(autouse=True)
def _state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This account's record, empty: nothing was named as a model yet."""
    state = tmp_path / "state"
    monkeypatch.setenv("XDG_STATE_HOME", str(state))
    return state


def _record(technique: str, **invocation: Any) -> Any:
    return SimpleNamespace(id="run-1", technique=technique, config={"invocation": invocation})


def _files(tmp_path: Path, *names: str) -> list[str]:
    specs = []
    for name in names:
        (tmp_path / name).write_text("def f(texts):\n    return ['a'] * len(texts)\n")
        specs.append(f"{tmp_path / name}:f")
    return specs


def test_a_text_runs_classifiers_are_checked(tmp_path: Path) -> None:
    a, b = _files(tmp_path, "a.py", "b.py")
    record = _record("text", models=[a, b], model=None)
    with pytest.raises(UsageError, match="never imported as a model") as err:
        check_run_named(record, None, verb="resume")
    assert err.value.argument == "--model" and "a.py" in str(err.value)
    remember(tmp_path / "a.py")
    with pytest.raises(UsageError, match=r"b\.py"):
        check_run_named(record, None, verb="resume")
    remember(tmp_path / "b.py")
    check_run_named(record, None, verb="resume")  # both named by this account: imported


def test_specs_given_again_stand_for_themselves_alone(tmp_path: Path) -> None:
    a, b = _files(tmp_path, "a.py", "b.py")
    record = _record("text", models=[a, b])
    # both named again on the command line (``--model A --model B``): nothing to ask
    check_run_named(record, GivenAgain((a, b)), verb="verify")
    # one URL given again (credentials): the stored file beside it is still checked
    with pytest.raises(UsageError, match=r"a\.py"):
        check_run_named(record, GivenAgain(("http://h/p",)), verb="verify")
    with pytest.raises(UsageError, match=r"b\.py"):
        check_run_named(record, a, verb="verify")
    check_run_named(record, [object(), object()], verb="verify")  # the models themselves


def test_a_runs_one_model_named_again_in_other_words_is_the_users(tmp_path: Path) -> None:
    (spec,) = _files(tmp_path, "m.py")
    record = _record("fairness", model=spec)
    with pytest.raises(UsageError):
        check_run_named(record, None, verb="resume")
    check_run_named(record, "m.py:f", verb="resume")  # (relative: the user's own naming)


def test_the_record_is_this_accounts_alone(tmp_path: Path, _state: Path) -> None:
    old = os.umask(0o022)
    try:
        remember(tmp_path / "m.py")
    finally:
        os.umask(old)
    record = _state / "assay" / "named-code"
    assert stat.S_IMODE(record.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(record.stat().st_mode) == 0o600
    assert was_named(tmp_path / "m.py")


def test_a_path_holding_a_line_break_notes_no_other_path(tmp_path: Path) -> None:
    evil = tmp_path / "evil.py"
    remember(f"{tmp_path}/x\n{evil}")
    assert not was_named(evil)
    assert not was_named(f"{tmp_path}/x\n{evil}")  # (asked for each time instead)
