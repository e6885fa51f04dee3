"""A refusal told to a Python caller names keywords, even where its prose names assay.

``core.keywords`` left every option of a message holding "assay " in the command line's
form (meant for a quoted ``assay resume ...``), so "assay reads 16-bit images ...; give
--range", "--input-shape C,H,W tells assay ...", "(assay does not guess it) ... --label
decided" and "deeper than assay generates ... --max-depth 24" told an API caller options
(hostile52b's Left 2).  Now the rule is per option: those of a quoted ``assay COMMAND`` stay
as typed, the others are the keywords."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import assay
from assay.core.keywords import _prose_in_keywords, in_callers_terms
from assay.errors import StoreError, UsageError


def _predict(x: Any) -> np.ndarray:
    p = np.zeros((len(np.asarray(x)), 3))
    p[:, 0] = 1.0
    return p


def test_a_backdoor_shape_refusal_names_input_shape(tmp_path: Path) -> None:
    """ "... --input-shape C,H,W tells assay the model takes them so": the keyword."""
    rng = np.random.default_rng(0)
    with pytest.raises(UsageError) as info:
        assay.check_backdoor(
            _predict, images=rng.random((10, 3, 32, 30)), clean=rng.random((20, 32, 30, 3)),
            store=str(tmp_path / "r.db"), seed=0,
        )  # fmt: skip
    said = str(info.value)
    assert "input_shape=(C, H, W) tells assay" in said and "--input-shape" not in said, said


def test_a_backdoor_16_bit_refusal_names_value_range(tmp_path: Path) -> None:
    """ "assay reads 16-bit images as 0..65535 ... with --range": ``value_range``."""
    from PIL import Image

    folder = tmp_path / "scans"
    folder.mkdir()
    for i in range(3):
        Image.fromarray(np.full((8, 8), 200 + i, dtype=np.uint16)).save(folder / f"s{i}.png")
    clean = np.random.default_rng(0).random((20, 8, 8, 1))
    with pytest.raises(UsageError) as info:
        assay.check_backdoor(
            _predict, images=str(folder), clean=clean, store=str(tmp_path / "r.db"), seed=0
        )
    said = str(info.value)
    assert "assay reads 16-bit" in said and "with value_range" in said, said
    assert "--range" not in said, said


def _scorecard(x: Any) -> np.ndarray:
    x = pd.DataFrame(x)
    risk = x["debt"] / 10_000 - x["income"] / 40_000 + 1.5
    return np.asarray(np.clip(575 - 60 * risk, 300, 850), dtype=np.float64)


def test_a_fairness_label_refusal_names_cutoff_and_label(tmp_path: Path) -> None:
    """ "(assay does not guess it) ... then --label decided, or leave --label out"."""
    rng = np.random.default_rng(0)
    n = 600
    people = pd.DataFrame(
        {
            "sex": rng.choice(["F", "M"], n),
            "income": rng.integers(15, 120, n) * 1000,
            "debt": rng.integers(0, 50, n) * 500,
        }
    )
    people["repaid"] = np.where(people["income"] > 50_000, "yes", "no")
    with pytest.raises(UsageError) as info:
        assay.check_fairness(
            _scorecard, people, label="repaid", cutoff=600, protected="sex", max_queries=1500,
            seed=1, store=str(tmp_path / "r.db"),
        )  # fmt: skip
    said = str(info.value)
    assert "assay does not guess it" in said, said
    assert 'then label="decided", or leave label out' in said and "with cutoff 600" in said
    assert "--label" not in said and "--cutoff" not in said, said


def _classifiers() -> list[Any]:
    def a(batch: list[str]) -> list[str]:
        return ["pos" if "fine" in s else "neg" for s in batch]

    def b(batch: list[str]) -> list[str]:
        return ["pos" if "okay" in s else "neg" for s in batch]

    a.classes_ = b.classes_ = ["neg", "pos"]  # type: ignore[attr-defined]
    return [a, b]


def _chain(n: int) -> list[str]:
    return [f'Y{i} -> Y{i + 1} | "w{i}" Y{i + 1}' for i in range(n)] + [f'Y{n} -> "deep"']


def test_a_text_refusal_names_max_depth(tmp_path: Path) -> None:
    """ "... within --max-depth 24 holds it ...: it is deeper than assay generates"."""
    grammar = tmp_path / "g.cfg"
    head = ['s -> "the soup was" adj tail', 'adj -> "okay" | "fine"', 'tail -> ":)" | "" | Y0']
    rule = '%directional tail: Y0 -> ":)" up pos'
    grammar.write_text("\n".join([*head, *_chain(305), rule]) + "\n")
    with pytest.raises(UsageError) as info:
        assay.check_text(
            _classifiers(), grammar=str(grammar), oracle="directional", max_queries=300, seed=1,
            store=str(tmp_path / "r.db"),
        )  # fmt: skip
    said = str(info.value)
    assert "deeper than assay generates" in said and "within max_depth 24" in said, said
    assert "--max-depth" not in said, said


def test_a_text_runs_note_names_max_depth_in_its_report(tmp_path: Path) -> None:
    """A Python run's note "... within --max-depth 24 ...: they are deeper than assay
    generates" in its report (``assay report`` of the run) names the keyword."""
    from assay.core.store import RunStore
    from assay.report.document import build_document

    grammar = tmp_path / "g.cfg"
    grammar.write_text(
        "\n".join(['s -> "the soup was" adj | "it was" Y0', 'adj -> "okay" | "fine"'])
        + "\n"
        + "\n".join(_chain(305))
        + "\n"
    )
    store = tmp_path / "r.db"
    result = assay.check_text(
        _classifiers(), grammar=str(grammar), max_queries=300, seed=1, store=str(store)
    )
    with RunStore(store) as opened:
        doc = build_document(opened, result.run_id)
    texts = [s.get("text") or "" for s in doc["run"]["summary"]["sections"]]
    said = next(t for t in texts if "can never be generated" in t)
    assert "deeper than assay generates" in said and "within max_depth 24" in said, said


def test_a_quoted_command_keeps_its_options_and_the_prose_turns() -> None:
    """Per option: the printed command as typed, the advice around it in keywords."""
    said = (
        "the endpoint is busy; give a --call-timeout longer than that (a stopped run: "
        "assay resume RUN_ID --batch-size 8 --call-timeout 90), or run again later; "
        "see them: assay runs --store x.db"
    )
    turned = _prose_in_keywords(said, {"call_timeout", "batch_size", "store"})
    assert turned == said.replace("a --call-timeout longer", "a call_timeout longer"), turned
    range_said = "assay reads 16-bit images as 0..65535: give --range 0,1 or --range."
    assert _prose_in_keywords(range_said, {"value_range"}, {"range": "value_range"}) == (
        "assay reads 16-bit images as 0..65535: give value_range=(0, 1) or value_range."
    )


def test_a_store_errors_printed_command_stays_a_command() -> None:
    """A ``StoreError`` naming ``assay resume RUN --store PATH``: the call to a Python
    caller, not ``assay resume RUN store=PATH`` (half a command, half a keyword)."""

    @in_callers_terms()
    def api(*, store: str = "x.db") -> None:
        raise StoreError(
            "x.db: the index cannot be written; give another --store, or continue the run "
            "with assay resume abc123 --store /tmp/x.db"
        )

    with pytest.raises(StoreError) as info:
        api()
    said = str(info.value)
    assert "give store= another path" in said, said
    assert "assay.resume_run('abc123', store='/tmp/x.db')" in said, said
