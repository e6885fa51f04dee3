"""left18a: every sentence a text run sends a classifier counts within ``--max-queries``,
loading's included (the 2 sentences asked to learn what a classifier answers, and the up to
64 asked of one answering labels by name undeclared): a user paying per sentence is owed a
bound that holds.  Counted here in the classifiers themselves (callables that note every
sentence they are asked), so that nothing sent can hide from the count."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

from assay.cli.app import app, register
from assay.core.store import RunStore
from assay.errors import UsageError
from assay.text.api import check_text, resume_text, setup_text
from assay.text.pipeline import WORKER_ENV

register()
FAKES = Path(__file__).resolve().parents[1] / "fixtures" / "text_fakes.py"
NEGATIONS = {"not", "never", "hardly", "no"}


def _score(text: str, negation: bool) -> float:
    words = text.lower().replace(",", " ").split()
    s = sum(w in {"good", "great", "tasty", "friendly"} for w in words) - sum(
        w in {"bad", "awful", "rude", "cold"} for w in words
    )
    return -s if negation and any(w in NEGATIONS for w in words) else s


def _proba(texts: Sequence[str], negation: bool) -> np.ndarray:
    p = 1 / (1 + np.exp(-1.5 * np.asarray([_score(t, negation) for t in texts]) - 0.1))
    return np.stack([1 - p, p], axis=1)


def _counting(fn: Callable[[Sequence[str]], Any], name: str, seen: list[str]) -> Any:
    def ask(texts: Sequence[str]) -> Any:
        seen.extend(texts)
        return fn(texts)

    ask.__name__ = name
    return ask


@pytest.fixture(autouse=True)
def _inline(monkeypatch: pytest.MonkeyPatch) -> None:
    # the classifiers answer in this process, so that what they are asked is seen here
    monkeypatch.setenv(WORKER_ENV, "inline")
    monkeypatch.delenv("ASSAY_TEXT_RECHECK", raising=False)


def _pair(named: bool = False) -> tuple[list[Any], list[str], list[str]]:
    a: list[str] = []
    b: list[str] = []
    aware = _counting(lambda t: _proba(t, True), "aware", a)
    if named:  # answers its labels by name, undeclared: loading reads them off 64 more
        aware.classes_ = ["neg", "pos"]  # (declared: read by them)
        blind = _counting(
            lambda t: ["pos" if p[1] > 0.5 else "neg" for p in _proba(t, False)], "blind", b
        )
    else:
        blind = _counting(lambda t: _proba(t, False), "blind", b)
    return [aware, blind], a, b


def _text(
    tmp_path: Path, *extra: str, models: tuple[str, ...] = ("builtin:vader", "builtin:textblob")
) -> Any:
    return CliRunner().invoke(
        app,
        [
            "text", *models, "--grammar", "builtin:reviews", "--max-queries", "150", "--seed",
            "1", "--store", str(tmp_path / "runs.db"), *extra,
        ],
    )  # fmt: skip


@pytest.mark.parametrize("checks", [True, False])
@pytest.mark.parametrize("budget", [3, 40, 100, 250])
def test_a_callable_is_never_asked_more_than_max_queries(
    tmp_path: Path, budget: int, checks: bool
) -> None:
    models, a, b = _pair()
    r = check_text(
        models,
        grammar="builtin:reviews",
        max_queries=budget,
        seed=1,
        store=tmp_path / "r.db",
        determinism_check=checks,
    )
    assert len(a) <= budget and len(b) <= budget, (len(a), len(b), budget)
    asked = r.summary["model_queries"]
    # the summary says every sentence asked, by whom: loading's 2 among them
    assert asked["loading"] == 2
    assert asked["total"] == len(a) == len(b)
    assert asked["total"] == asked["search"] + asked["checks"] + 2
    assert asked["max_queries"] == budget
    assert r.summary["metrics"]["queries asked by loading the classifiers"] == 2


def test_labels_read_by_name_count_within_the_budget(tmp_path: Path) -> None:
    models, a, b = _pair(named=True)
    r = check_text(
        models, grammar="builtin:reviews", max_queries=100, seed=2, store=tmp_path / "n.db"
    )
    assert len(a) <= 100 and len(b) <= 100
    loading = r.summary["model_queries"]["loading"]
    assert 2 + 32 <= loading <= 2 + 64  # the 64 drawn, duplicates asked once
    assert r.summary["model_queries"]["total"] == len(b)


def test_a_budget_loading_would_spend_is_refused_before_it_is_exceeded(tmp_path: Path) -> None:
    models, a, b = _pair(named=True)
    with pytest.raises(UsageError) as got:
        check_text(
            models, grammar="builtin:reviews", max_queries=50, seed=2, store=tmp_path / "x.db"
        )
    assert got.value.argument == "max_queries" and "blind" in str(got.value)  # (API terms)
    assert "give at least max_queries" in str(got.value), str(got.value)
    assert len(a) <= 50 and len(b) <= 50  # the label probe was never sent
    assert not RunStore(tmp_path / "x.db").list_runs()  # no run made
    models, a, b = _pair()
    for budget in (1, 2):
        with pytest.raises(UsageError, match="leaves no query for the search"):
            check_text(
                models, grammar="builtin:reviews", max_queries=budget, store=tmp_path / "y.db"
            )
        assert len(a) <= budget and len(b) <= budget
        a.clear()
        b.clear()


def test_built_in_classifiers_ask_nothing_while_loading(tmp_path: Path) -> None:
    r = check_text(
        ["builtin:tfidf", "builtin:tfidf-nonegation"],
        grammar="builtin:reviews",
        max_queries=300,
        seed=1,
        store=tmp_path / "b.db",
    )
    asked = r.summary["model_queries"]
    assert asked["loading"] == 0
    assert asked["total"] == asked["search"] + asked["checks"] <= 300


def test_the_command_line_says_every_query_asked(tmp_path: Path) -> None:
    got = _text(tmp_path, models=(f"{FAKES}:lexicon", f"{FAKES}:negation_blind"))
    assert got.exit_code == 1, got.output
    line = next(x for x in got.output.splitlines() if x.startswith("queries asked:"))
    assert "loading the classifiers 2" in line and "--max-queries 150" in line, line
    total = int(line.split(":", 1)[1].split()[0].replace(",", ""))
    assert total <= 150


SPECS = [f"{FAKES}:lexicon", f"{FAKES}:negation_blind"]


def _interrupted(store: RunStore, monkeypatch: pytest.MonkeyPatch, checkpoints: int) -> Any:
    """A run of ``SPECS`` (seed 3, 1,500 queries) stopped after a few checkpoints, as a
    kill leaves it: marked interrupted, resumable."""
    import assay.core.run as core_run

    monkeypatch.setenv("ASSAY_CHECKPOINT_SECONDS", "0")
    orig = core_run.execute

    def cut(*a: Any, **k: Any) -> Any:
        k.setdefault("stop_after_checkpoints", checkpoints)
        return orig(*a, **k)

    monkeypatch.setattr("assay.text.phases.execute", cut)
    first = check_text(SPECS, grammar="builtin:reviews", store=store, seed=3, max_queries=1500)
    monkeypatch.setattr("assay.text.phases.execute", orig)
    assert first.status not in ("completed", "budget_exhausted"), first.status
    store.checkpoint(first.run_id, status="interrupted")
    return first


def _disk_full(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """CSV writes fail as on a full disk until the returned function is called."""
    import errno

    import pandas as pd

    real = pd.DataFrame.to_csv

    def full(self: Any, *a: Any, **k: Any) -> Any:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_csv", full)
    return lambda: monkeypatch.setattr(pd.DataFrame, "to_csv", real)


def _sha(result: Any) -> str:
    return hashlib.sha1(result.findings().to_csv().encode()).hexdigest()


def whole_checks(whole: Any) -> int:
    return int(whole.summary["model_queries"]["checks"])


def test_a_resumed_session_says_what_its_loading_asked_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = check_text(setup=setup_text(SPECS, grammar="builtin:reviews", max_queries=1500),
                       store=tmp_path / "w.db", seed=3, max_queries=1500)  # fmt: skip
    store = RunStore(tmp_path / "cut.db")
    first = _interrupted(store, monkeypatch, 3)
    again = resume_text(first.run_id, store=store)
    assert _sha(again) == _sha(whole)  # the same search budget in every session
    asked = again.summary["model_queries"]
    assert asked["loading"] == 2
    # (its first session's answers to loading's probe given back: nothing asked again;
    # left28b: it asked them again, 2, out of the re-check's reserve)
    assert "loading_resumed" not in asked and asked["checks"] == whole_checks(whole)
    assert asked["search"] == whole.summary["model_queries"]["search"]


# -- assay text --export: refused before anything runs; a failure after it loses nothing --


def _no_run(tmp_path: Path) -> bool:
    return not (tmp_path / "runs.db").exists() or not RunStore(tmp_path / "runs.db").list_runs()


def test_an_export_under_a_file_is_refused_before_anything_runs(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("a file\n")
    for target in ("notes.txt/fails.csv", "notes.txt/deeper/fails.csv"):
        got = _text(tmp_path, "--export", str(tmp_path / target))
        assert got.exit_code == 2, got.output
        assert "--export" in got.output and target.split("/")[-1] in got.output
        assert "notes.txt is a file" in got.output, got.output
        assert "loading the classifiers" not in got.output and _no_run(tmp_path)


def test_an_unwritable_folder_is_found_by_trying_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Root is told a folder is writable where an NFS server or a policy refuses: the
    missing folders are made (and removed again) and the file tried before the run."""
    from assay.cli import checks

    real_mkdir = Path.mkdir

    def refused(self: Path, *a: Any, **k: Any) -> None:
        if "locked" in self.parts:
            raise PermissionError(13, "Permission denied")
        real_mkdir(self, *a, **k)

    monkeypatch.setattr(Path, "mkdir", refused)
    with pytest.raises(UsageError, match=r"cannot create .*locked.*Permission denied"):
        checks.check_creatable(tmp_path / "locked" / "sub" / "f.csv", "--export")
    got = _text(tmp_path, "--export", str(tmp_path / "locked" / "f.csv"))
    assert got.exit_code == 2 and "argument --export" in got.output, got.output
    assert _no_run(tmp_path)
    monkeypatch.setattr(Path, "mkdir", real_mkdir)
    checks.check_creatable(tmp_path / "new" / "sub" / "f.csv", "--export")
    assert not (tmp_path / "new").exists()  # tried, then left as it was


def test_an_export_that_fails_after_the_run_loses_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pandas as pd

    writable = _disk_full(monkeypatch)
    out = tmp_path / "fails.csv"
    got = _text(tmp_path, "--export", str(out), "--junit", str(tmp_path / "j.xml"))
    assert got.exit_code == 2, got.output
    # the run's verdict and reports first, then what failed and how to write it again
    assert "disagreements found in" in got.output and (tmp_path / "j.xml").is_file()
    assert "No space left on device" in got.output and "nothing found is lost" in got.output
    line = got.output[got.output.index("write them with: ") :].split("\n")[0]
    again = line.removeprefix("write them with: ").split()
    assert again[:2] == ["assay", "report"] and again[-2:] == ["--export", str(out)], line
    writable()
    wrote = CliRunner().invoke(app, again[1:])
    assert wrote.exit_code == 1, wrote.output  # the run's verdict (left26)
    store = RunStore(tmp_path / "runs.db")
    run = store.list_runs()[0]
    assert len(pd.read_csv(out)) == run.n_findings > 0


def test_a_resumed_runs_export_that_fails_loses_nothing_either(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pandas as pd

    first = _interrupted(RunStore(tmp_path / "runs.db"), monkeypatch, 2)
    writable = _disk_full(monkeypatch)
    out = tmp_path / "new" / "folder" / "fails.csv"  # made by the export, as by assay text
    got = CliRunner().invoke(
        app, ["resume", first.run_id, "--store", str(tmp_path / "runs.db"), "--export", str(out)]
    )
    assert got.exit_code == 2, got.output
    assert "disagreements found in" in got.output and "nothing found is lost" in got.output
    line = got.output[got.output.index("write them with: ") :].split("\n")[0]
    again = line.removeprefix("write them with: ").split()
    writable()
    wrote = CliRunner().invoke(app, again[1:])
    assert wrote.exit_code == 1, wrote.output  # the run's verdict (left26)
    ended = RunStore(tmp_path / "runs.db").get_run(first.run_id)
    assert ended.status in ("completed", "budget_exhausted")
    assert len(pd.read_csv(out)) == ended.n_findings > 0
