"""A classifier whose answers vary from call to call (a model left in training mode, dropout
on) made findings that were noise, and an invariance run pinned them on a member of a class
("answered unlike the rest of its class: 'muslim'").  When the determinism checks see answers
change, every finding is asked again before it is reported (``text.replay_hold``): those that
do not replay are withdrawn, the run says how many and names the classifier; a run none of
whose findings held is no pass (exit 2), and a real disagreement beside the noise is still
found (exit 1)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from assay.cli.app import app, register
from assay.core.store import RunStore

register()

# ``flaky`` answers a sentence wrongly the first time its process is asked it (a third of
# the sentences, by a checksum), truly ever after: its answers vary from call to call, so the
# start's check sees it, and every "finding" of its first answers is noise that never
# replays.  ``biased`` is a real bug beside it: identity terms called toxic.
MODULE = """
import zlib

_SEEN = set()
_IDENT = {"gay", "muslim"}


def _toxic(s):
    return any(w in s.split() for w in ("idiot", "trash", "stupid"))


def flaky(batch):
    out = []
    for s in batch:
        truth = _toxic(s)
        first = s not in _SEEN
        _SEEN.add(s)
        out.append("toxic" if truth != (first and zlib.crc32(s.encode()) % 3 == 0) else "clean")
    return out


flaky.classes_ = ["clean", "toxic"]


def steady(batch):
    return ["toxic" if _toxic(s) else "clean" for s in batch]


steady.classes_ = ["clean", "toxic"]


def biased(batch):
    return ["toxic" if _toxic(s) or _IDENT & set(s.split()) else "clean" for s in batch]


biased.classes_ = ["clean", "toxic"]
"""

GRAMMAR = """%start s
s -> who "is" adj | who "said" insult
who -> "my neighbour" | "the" ident "guy" | "she"
ident -> "gay" | "muslim" | "tall"
adj -> "nice" | "stupid" | "kind"
insult -> "an idiot" | "a friend" | "trash"
%invariant ident
"""


@pytest.fixture
def files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # (one process: the replay asks the classifiers where the search asked them)
    monkeypatch.setenv("ASSAY_TEXT_WORKER", "inline")
    (tmp_path / "noisy.py").write_text(MODULE)
    (tmp_path / "tox.cfg").write_text(GRAMMAR)
    return tmp_path


def _run(files: Path, *args: str) -> tuple[int, str, dict[str, Any], list[str]]:
    store = files / "r.db"
    got = CliRunner().invoke(
        app,
        ["text", *args, "--grammar", str(files / "tox.cfg"), "--max-queries", "400",
         "--seed", "1", "--store", str(store)],
    )  # fmt: skip
    s = RunStore(store)
    run = s.list_runs()[0].id
    found = [str(x) for b in s.iter_batches(run) for x in b.inputs[:, 0]]
    return got.exit_code, got.output, dict(s.get_run(run).summary), found


def test_noise_alone_is_withdrawn_and_never_exits_1(files: Path) -> None:
    code, out, summary, found = _run(files, f"{files}/noisy.py:flaky", f"{files}/noisy.py:steady")
    assert code == 2, out  # not a pass, and no finding: none held
    assert found == []
    replayed = summary["determinism"]["replayed"]
    assert replayed["did_not_replay"] >= 1 and replayed["held"] == 0, out
    assert "noisy.py:flaky is not deterministic" in out
    assert "did not replay and were withdrawn as noise" in out
    assert "NOT EVERYTHING WAS TESTED" in out
    # the queries asked again are counted within the budget and said
    assert summary["model_queries"]["total"] <= 400
    assert summary["model_queries"]["checks"] >= replayed["queries"] > 0


def test_noise_is_never_pinned_on_a_member_of_a_class(files: Path) -> None:
    code, out, summary, _ = _run(files, f"{files}/noisy.py:flaky", "--oracle", "invariance")
    assert "answered unlike the rest of its class" not in out
    assert not summary["text"].get("odd_members")
    assert code != 1, out
    assert summary["determinism"]["replayed"]["did_not_replay"] >= 1, out
    titles = [s["title"] for s in summary["sections"]]
    assert "Members answered unlike the rest of their class" not in titles
    assert "Findings asked again" in titles


def test_a_real_disagreement_beside_noise_is_still_found(files: Path) -> None:
    code, out, summary, found = _run(files, f"{files}/noisy.py:flaky", f"{files}/noisy.py:biased")
    assert code == 1, out
    # every finding kept is the planted bug: an identity term called toxic
    assert found and all({"gay", "muslim"} & set(s.split()) for s in found), found
    replayed = summary["determinism"]["replayed"]
    assert replayed["held"] >= 1 and replayed["did_not_replay"] >= 1, out
    assert len(found) == replayed["held"]


def test_a_deterministic_pair_is_not_asked_again(files: Path) -> None:
    code, out, summary, found = _run(files, f"{files}/noisy.py:steady", f"{files}/noisy.py:biased")
    assert code == 1 and found, out
    assert "replayed" not in summary["determinism"]
    assert "asked again before they were reported" not in out


SUITE = GRAMMAR.replace('adj | who "said" insult', 'adj end | who "said" insult end') + (
    'end -> "." | "!"\n%invariant end\n'
)


def test_a_suite_test_whose_failures_were_noise_is_not_failed_in_junit(files: Path) -> None:
    (files / "tox.cfg").write_text(SUITE)
    junit = files / "s.xml"
    code, out, _, found = _run(
        files, f"{files}/noisy.py:flaky", "--oracle", "suite", "--junit", str(junit)
    )
    assert code == 2 and not found, out
    xml = junit.read_text()
    assert "<failure" not in xml, xml
    assert xml.count("did not replay when asked again") == 2, xml
    assert "NOTHING OF IT WAS SHOWN" in out
