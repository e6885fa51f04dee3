"""STRIP's second opinion made one a CI job can rely on (bd42; bd41's Left 3, 5, 6).

A budget too tight for the opinion leaves a blended trojan "0 of 40 images carry a confirmed
trigger": not a pass (NOT EVERYTHING WAS TESTED, exit 2), as images a budget left unscanned;
``assay verify`` replays the opinion's flags by its own rule; the API refuses
``second_opinion=False`` where no opinion is asked, as the command line does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

import assay
from assay.backdoor.replay import replay_backdoor
from assay.core.findings import FindingBatch
from assay.core.model import Capabilities
from assay.errors import UsageError

from test_bd41_second_opinion import _command, _data, blend_trojan, clean_model  # isort: skip

# the blended trojan's own scans and its images asked again ask 898 queries: 1,200 leaves
# fewer than the opinion's screen (40 + 32 images, 8 blends each)
TIGHT = "1200"


def test_a_budget_too_tight_for_the_opinion_is_not_a_pass(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before: "0 of 40 ...; STRIP's second opinion not asked (the query budget left 294)",
    exit 0, on a trojan the opinion flags with the budget it needs."""
    code = _command(tmp_path, "blend_trojan", "--max-queries", TIGHT)
    out = capsys.readouterr().out
    assert code == 2, out
    assert "NOT EVERYTHING WAS TESTED" in out and "0 of 40 images" in out, out
    assert "STRIP's second opinion was not asked" in out and "--no-second-opinion" in out, out
    # turned off on purpose: the user passes on patch triggers alone, as before bd41
    code = _command(tmp_path, "blend_trojan", "--max-queries", TIGHT, "--no-second-opinion")
    out = capsys.readouterr().out
    assert code == 0 and "NOT EVERYTHING" not in out, out


def _api(tmp_path: Path, model: Any, **kw: Any) -> assay.BackdoorResult:
    images, clean = _data()
    kw = {"images": images, "clean": clean, "n_classes": 4, "seed": 0, **kw}
    return assay.check_backdoor(model, store=tmp_path / "runs.db", **kw)


def test_the_advice_names_how_many_more_queries_it_needs(tmp_path: Path) -> None:
    r = _api(tmp_path, clean_model, max_queries=int(TIGHT))
    assert r.not_a_pass is not None and r.not_a_pass[0] == "not everything was tested"
    short = r.summary["second_opinion"]["short"]
    assert f"raise max_queries by {short:,} or more" in r.not_a_pass[1], r.not_a_pass
    roomy = _api(tmp_path, clean_model, max_queries=int(TIGHT) + short)
    assert roomy.not_a_pass is None and roomy.passed, roomy.headline  # the advice suffices
    assert "nothing more than clean images show" in roomy.headline, roomy.headline


def test_a_trojan_found_under_a_tight_budget_still_fails(tmp_path: Path) -> None:
    """A found trigger fails the run whatever the opinion: its skip changes no exit 1."""
    images, clean = _data()
    images[1::2, :3, :3] = 1.0  # a patch on the odd images ...

    def patched(x: np.ndarray) -> np.ndarray:
        p = blend_trojan(x)
        corner = np.asarray(x).reshape(len(x), 8, 8)[:, :3, :3].min(axis=(1, 2))
        p[corner > 0.99] = [0.97, 0.01, 0.01, 0.01]
        return p

    r = assay.check_backdoor(
        patched, images=images, clean=clean, n_classes=4, seed=0, store=tmp_path / "r.db"
    )
    q = int(r.summary["metrics"]["queries in all (the images' own scans and the rest)"])
    # (the determinism check's too since left45r: the scan's own count as before)
    q -= int(r.summary["metrics"]["queries asked by the determinism check"])
    second = r.summary["second_opinion"]["queries"]
    tight = assay.check_backdoor(
        patched,
        images=images,
        clean=clean,
        n_classes=4,
        seed=0,
        store=tmp_path / "r.db",
        max_queries=q - second + 100,  # (the screen needs 584)
    )
    assert "not asked" in tight.headline and tight.n_findings > 0, tight.headline
    assert not tight.passed and tight.not_a_pass is None  # (failed by its finding alone)


@pytest.mark.parametrize(
    "kw", [{"strategy": "strip"}, {"strategy": "neo"}, {"images": None}], ids=str
)
def test_the_api_refuses_no_opinion_where_none_is_asked(tmp_path: Path, kw: Any) -> None:
    """Before: ignored (the command line refused ``--no-second-opinion`` there)."""
    images, clean = _data()
    args: dict[str, Any] = {"images": images, "clean": clean, "n_classes": 4, **kw}
    with pytest.raises(UsageError, match="second_opinion") as refused:
        assay.check_backdoor(
            clean_model, second_opinion=False, store=tmp_path / "runs.db", seed=0, **args
        )
    assert refused.value.argument == "second_opinion"


class Steady:
    """8x8 images, 4 classes: random answers, but class 0 for an image whose top row is white
    (0.985: entropy 0.14 bits, a blend adds and clips so it stays white), surely so (0.9999)
    when its second row is white too; ``fixed``: no such rule."""

    capabilities = Capabilities(modality="image", n_classes=4, outputs="proba")  # type: ignore[arg-type]

    def __init__(self, fixed: bool = False) -> None:
        self.fixed = fixed

    def predict(self, x: Any) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64)
        seeds = (x.reshape(len(x), -1).sum(axis=1) * 1e6).astype(np.int64) % 2**31
        p = np.stack([np.random.default_rng(int(s)).dirichlet(np.ones(4)) for s in seeds])
        if self.fixed:
            return p
        top = np.all(x[:, 0, :, 0] >= 0.999, axis=1)
        both = top & np.all(x[:, 1, :, 0] >= 0.999, axis=1)
        p[top] = [0.985, 0.005, 0.005, 0.005]
        p[both] = [0.9999, 1e-4 / 3, 1e-4 / 3, 1e-4 / 3]
        return p


def test_verify_replays_the_opinions_flags_by_its_own_rule() -> None:
    """Two of the run's calibration clean images keep one answer surely (entropy ~0): STRIP's
    1 % threshold sits at them, and the opinion's flags (0.14 bits, under a fifth of the clean
    median ~1.5) read "no longer holds" on the unchanged model before (0 of 4 holding)."""
    rng = np.random.default_rng(0)
    clean = rng.uniform(0.0, 0.8, size=(60, 8, 8, 1))
    clean[[40, 50], :2] = 1.0
    images = rng.uniform(0.0, 0.8, size=(4, 8, 8, 1))
    images[:, 0] = 1.0
    batch = FindingBatch(
        kind="strip-flag",
        inputs=images[:, None],
        outputs=np.zeros((4, 1), dtype=np.int64),
        severity=np.ones(4),
        columns={"image": np.arange(4)},
        details={"threshold": 0.3, "strategy": "assay-second-opinion"},
    )

    def replay(model: Steady) -> Any:
        return replay_backdoor(
            [batch],
            model,  # type: ignore[arg-type]
            clean,
            seed=0,
            threshold=0.9,
            scan_threshold=0.9,
            strip_fpr=0.01,
            strip_blends=20,
        )

    held = replay(Steady())
    assert (held.total, held.still_failing, held.skipped) == (4, 4, 0), held
    assert replay(Steady(fixed=True)).still_failing == 0


@pytest.mark.parametrize("units", [None, 2])
def test_verify_of_a_scan_holds_every_flag_of_the_unchanged_model(
    tmp_path: Path, units: int | None
) -> None:
    """(Each unit's flags against its own calibration's line.)"""
    from assay.backdoor.api import replay_backdoor_run
    from assay.core.store import RunStore

    _, clean = _data()
    r = _api(tmp_path, blend_trojan, units=units)
    store = RunStore(tmp_path / "runs.db")
    res = replay_backdoor_run(store, store.get_run(r.run_id), model=blend_trojan, clean=clean)
    assert res.total == r.n_findings > 0 and res.still_failing == res.total, res
    fixed = replay_backdoor_run(store, store.get_run(r.run_id), model=clean_model, clean=clean)
    assert fixed.still_failing == 0, fixed


def test_a_run_in_units_says_the_units_opinions(tmp_path: Path) -> None:
    """Before: each unit's opinion made findings, the merged headline said nothing of it."""
    r = _api(tmp_path, blend_trojan, units=2)
    assert "NOT CLEAN by STRIP's second opinion (in each of the 2 units" in r.headline, r.headline
    merged = r.summary["second_opinion"]
    assert merged["units"] == 2 and merged["given"] >= 1 and merged["flagged"], merged
    # (with the common-pattern check's flags in a unit whose STRIP opinion was not given)
    pattern = merged.get("pattern") or {}
    assert r.n_findings == len(merged["flagged"]) + len(pattern.get("flagged") or [])
    quiet = _api(tmp_path, clean_model, units=2)
    assert "nothing more than clean images show" in quiet.headline, quiet.headline
    assert quiet.passed
    # a unit's budget too small for it: not a pass, as one search's
    tight = _api(tmp_path, clean_model, units=2, max_queries=1400)
    assert tight.not_a_pass is not None, tight.headline
    assert "not asked (in 2 of 2 units" in tight.not_a_pass[1], tight.not_a_pass


def test_the_opinions_images_are_marked_and_its_queries_said(tmp_path: Path) -> None:
    """Before: every row "poisoned: false", ``findings()`` empty on a failed run, and the
    opinion's queries in "queries in all" only."""
    r = _api(tmp_path, blend_trojan)
    flagged = r.summary["second_opinion"]["flagged"]
    rows = {row["image"]: row for row in r.summary["rows"]}
    assert all(rows[i]["strip_flag"] and not rows[i]["poisoned"] for i in flagged)
    assert sum(bool(row.get("strip_flag")) for row in rows.values()) == len(flagged)
    table = next(s["table"] for s in r.summary["sections"] if s.get("title") == "Images")
    assert "strip_flag" in table["columns"] and "blend_entropy" in table["columns"]
    frame = r.findings()
    assert sorted(frame["image"]) == flagged and frame["strip_flag"].all()
    q = r.summary["second_opinion"]["queries"]
    assert f"STRIP's second opinion ({q:,} queries, " in r.headline, r.headline
    assert r.summary["metrics"]["queries of STRIP's second opinion"] == q


def test_the_filter_says_it_does_not_block_the_opinions_images(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before: "it holds no trigger ..., so it blocks nothing" and nothing of the images it flagged
    (12 then, 8 since left47b drew its blends without replacement)."""
    import json

    code = _command(tmp_path, "blend_trojan", "--export-filter", str(tmp_path / "f.json"))
    out = capsys.readouterr().out
    assert code == 1
    assert "it does not block the 8 image(s) STRIP's second opinion flagged" in out, out
    covers = json.loads((tmp_path / "f.json").read_text(encoding="utf-8"))["covers"]
    assert "no check for a trigger blended" in covers


def test_the_advice_suffices_for_an_opinion_that_flags(tmp_path: Path) -> None:
    """Raising the budget by what the skip said gives the whole opinion on the trojan; a
    budget between its screen and the whole blends what it can and says how many it left
    (before: the given opinion ran out of budget mid-step, its words lost, "the scan ended
    before it asked 8 of the images ... again", on hostile41b's CNN)."""
    short = _api(tmp_path, blend_trojan, max_queries=int(TIGHT)).summary["second_opinion"]
    whole = _api(tmp_path, blend_trojan, max_queries=int(TIGHT) + short["short"])
    assert "NOT CLEAN by STRIP's second opinion" in whole.headline, whole.headline
    assert whole.summary["second_opinion"]["unblended"] == 0
    cut = _api(tmp_path, blend_trojan, max_queries=int(TIGHT) + short["short"] - 40)
    opinion = cut.summary["second_opinion"]
    assert opinion["given"] and opinion["unblended"] == 5, opinion
    assert "5 of the 40 unconfirmed images were not blended" in cut.headline, cut.headline
    assert cut.n_findings == len(opinion["flagged"]) > 0 and not cut.passed
