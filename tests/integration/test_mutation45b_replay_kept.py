"""The replay of a noisy classifier's findings when the store kept fewer findings than the
run counted (``--keep-findings``: the most severe ``TOP`` and a sample beyond it are kept
as witnesses, every finding is counted): mutation45 found ``hold_findings``'s guard (withdraw
only when every finding was kept to be asked again) untested.  Without it the store was cut
back to the witnesses that held: the run's count of what it found fell from 96 to the 31 it
asked again and saw fail again, and the findings it never asked were lost with the noise.
And a directional finding stored without the relation it broke (by an assay before the
relation was stored) is not asked again: no relation judges it (its guard was untested)."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_left44t_noise_withdrawn import GRAMMAR, MODULE
from typer.testing import CliRunner

import assay.text.engine as engine
from assay.cli.app import app, register
from assay.core.findings import FindingBatch
from assay.core.store import RunStore

register()

WORDS = "nice stupid kind calm loud quiet brave shy warm cold bold keen fair glad wise rude mild"
# 230 sentences: about a third of them answered wrongly by ``flaky`` the first time
BIG = GRAMMAR.replace(
    '"nice" | "stupid" | "kind"', " | ".join(f'"{w}"' for w in (WORDS + " neat odd sad").split())
).replace(
    '"my neighbour" | "the" ident "guy" | "she"',
    '"my neighbour" | "the" ident "guy" | "she" | "he" | "the" ident "girl" | "my aunt"',
)


def test_findings_the_store_did_not_keep_are_not_lost_by_the_replay(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASSAY_TEXT_WORKER", "inline")
    (tmp_path / "noisy.py").write_text(MODULE)
    (tmp_path / "tox.cfg").write_text(BIG)
    store = tmp_path / "r.db"
    got = CliRunner().invoke(
        app,
        [
            "text", f"{tmp_path}/noisy.py:flaky", f"{tmp_path}/noisy.py:biased",
            "--grammar", str(tmp_path / "tox.cfg"), "--max-queries", "2000", "--seed", "1",
            "--store", str(store), "--keep-findings", "2",
        ],
    )  # fmt: skip
    s = RunStore(store)
    run = s.list_runs()[0].id
    summary = s.get_run(run).summary
    replayed = summary["determinism"]["replayed"]
    found = int(summary["headline"].split("Found by the search, before: ")[1].split()[0])
    kept = sum(len(b) for b in s.iter_batches(run))
    # the case: more found than kept, some of those kept did not replay
    assert kept < found and replayed["findings"] == kept, (found, kept, replayed)
    assert 0 < replayed["held"] < kept and replayed["did_not_replay"] >= 1, replayed
    # nothing withdrawn, so nothing lost: every finding still counted and kept, and said so
    assert replayed["withdrawn"] == 0, replayed
    assert s.count_findings(run) == found, (s.count_findings(run), found)
    assert sum(len(b) for b in s.iter_batches(run)) == kept
    out = " ".join(got.output.split())
    assert "(not withdrawn: not every finding was kept to be asked again)" in out, out
    # those the store did not keep were never asked, whatever the budget: said so (they
    # read "not asked again (the query budget)", 2,000 queries and 1,700 of them unspent)
    said = f"; {found - kept} not kept by the store (--keep-findings) stand unconfirmed"
    assert said in out and "(the query budget)" not in out, out
    assert got.exit_code == 1, got.output


DIRECTIONAL = """%start s
s -> who "is" neg adj
who -> "my neighbour" | "she" | "he" | "my aunt"
neg -> "" | "not"
adj -> "nice" | "stupid" | "kind" | "calm" | "rude" | "loud"
%directional neg: "" -> "not" flip
"""


@pytest.mark.pure_text
def test_directional_findings_stored_without_their_relation_are_not_asked_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASSAY_TEXT_WORKER", "inline")
    (tmp_path / "noisy.py").write_text(MODULE)
    (tmp_path / "tox.cfg").write_text(DIRECTIONAL)
    made = engine.Engine._batch

    def older(self: engine.Engine, rows: list[dict[str, object]]) -> FindingBatch:
        b = made(self, rows)  # (as an assay before the relation was stored wrote it)
        b.columns.pop("relation", None)
        return b

    monkeypatch.setattr(engine.Engine, "_batch", older)
    store = tmp_path / "r.db"
    got = CliRunner().invoke(
        app,
        [
            "text", f"{tmp_path}/noisy.py:flaky", "--oracle", "directional",
            "--grammar", str(tmp_path / "tox.cfg"), "--max-queries", "400", "--seed", "1",
            "--store", str(store),
        ],
    )  # fmt: skip
    # none confirmed: no pass, and not for want of queries (86 of the 400 were asked)
    assert got.exit_code == 2, got.output
    s = RunStore(store)
    run = s.list_runs()[0].id
    batches = list(s.iter_batches(run))
    assert batches and all("relation" not in b.columns for b in batches)
    total = s.count_findings(run)
    replayed = s.get_run(run).summary["determinism"]["replayed"]
    assert replayed["findings"] == replayed["queries"] == replayed["withdrawn"] == 0, replayed
    assert total == sum(len(b) for b in batches) > 0
    out = " ".join(got.output.split())
    said = f"0 of {total} asked, 0 held, 0 did not replay; {total} stored by an earlier assay"
    assert said + " without their relation stand unconfirmed" in out, out
    assert (
        f"{total} could not be asked again ({total} stored by an earlier assay without "
        "their relation)" in out
    ), out
    assert "query budget" not in out and "--max-queries (each" not in out, out
