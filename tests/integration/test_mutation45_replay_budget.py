"""The replay of a noisy classifier's findings (``text.replay_hold``) within ``--max-queries``
(mutation45): with room for some asks only, every sentence the classifier is asked, loading
and the determinism checks included, stays within the budget, an invariance finding is
counted as the two sentences it asks, and the findings the room left no second ask are
withdrawn on their one and counted so, with no ask failing on the budget.  Mutants that
forgot the checks' or loading's queries, or counted an invariance finding as one sentence,
passed the forty-third session's tests (their budgets had room for every ask)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from assay.cli.app import app, register
from assay.core.store import RunStore

register()

# ``flaky`` answers a third of the sentences wrongly the first time its process asks them
# (by a checksum), truly ever after; every sentence it is asked is logged to ``asked.log``
MODULE = """
import zlib
from pathlib import Path

_SEEN = set()
_LOG = Path(__file__).with_name("asked.log")


def _toxic(s):
    return any(w in s.split() for w in ("idiot", "trash", "stupid"))


def flaky(batch):
    batch = list(batch)
    with _LOG.open("a") as f:
        f.write(f"{len(batch)}\\n")
    out = []
    for s in batch:
        first = s not in _SEEN
        _SEEN.add(s)
        out.append("toxic" if _toxic(s) != (first and zlib.crc32(s.encode()) % 3 == 0) else "clean")
    return out


flaky.classes_ = ["clean", "toxic"]
"""

GRAMMAR = """%start s
s -> who "is" adj | who "said" insult
who -> "my neighbour" | "the" ident "guy" | "she"
ident -> "gay" | "muslim" | "tall"
adj -> "nice" | "stupid" | "kind"
insult -> "an idiot" | "a friend" | "trash"
%invariant ident
"""


@pytest.mark.parametrize("budget", [36, 40])
def test_the_replay_stays_within_the_query_budget(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, budget: int
) -> None:
    monkeypatch.setenv("ASSAY_TEXT_WORKER", "inline")  # (one process: the log is the model's)
    (tmp_path / "noisy.py").write_text(MODULE)
    (tmp_path / "tox.cfg").write_text(GRAMMAR)
    got = CliRunner().invoke(
        app,
        ["text", f"{tmp_path}/noisy.py:flaky", "--oracle", "invariance",
         "--grammar", str(tmp_path / "tox.cfg"), "--max-queries", str(budget),
         "--seed", "1", "--store", str(tmp_path / "r.db")],
    )  # fmt: skip
    asked = sum(int(n) for n in (tmp_path / "asked.log").read_text().split())
    assert asked <= budget, (asked, got.output)
    s = RunStore(tmp_path / "r.db")
    summary = s.get_run(s.list_runs()[0].id).summary or {}
    replayed = summary["determinism"]["replayed"]
    assert "failed" not in replayed, replayed  # (no ask refused by the budget)
    # the room was short of a second ask for some: withdrawn on their one, counted
    assert replayed["asked_once_only"] >= 1 and replayed["findings"] >= 2, replayed
    assert replayed["queries"] == 2 * (replayed["findings"] + replayed["asked_twice"])
    assert got.exit_code == 2, got.output  # (nothing held: no pass)
