"""An API-made run's verdict in the API's terms, and its text and backdoor rerun calls
reproduce it (status39, words38's Left 2 and 5).

On main the verdict line of a run made from Python said "106 findings at or above --fail-on
0 (exit 1)" in its report document, HTML and ``assay show`` (``core.verdict.verdict_line``,
``report.verdict_text``), a command-line option beside a Python call; now ``fail_on 0`` and
``passed`` beside ``assay report``'s exit code.  words38 ``eval``ed fairness's rerun call;
text's and backdoor's were only read as strings: here both (``result.command`` and the report
document's ``rerun``), their objects given again, make a run of the same findings."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from typer.testing import CliRunner

import assay
from assay.cli.app import app, register
from assay.core.store import RunStore
from assay.report import build_document

register()


def _model(x: object) -> np.ndarray:
    rows = np.asarray(x, dtype=np.float64)
    return ((rows[:, 1] == 1) & (rows[:, 2] > 38)).astype(int)


def test_an_api_runs_verdict_is_said_in_the_apis_terms(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    df = pd.DataFrame(
        {"age": rng.integers(18, 70, 200), "sex": rng.integers(0, 2, 200),
         "hours": rng.integers(20, 60, 200)}
    )  # fmt: skip
    store = str(tmp_path / "s.db")
    r = assay.check_fairness(_model, df, protected="sex", max_queries=300, seed=1, store=store)
    assert r.n_findings > 0
    doc = build_document(RunStore(store), r.run_id)
    # main: "... at or above --fail-on 0 (exit 1)"
    assert "--fail-on" not in doc["verdict"], doc["verdict"]
    assert doc["verdict"] == (
        f"the run's verdict: {r.n_findings:,} findings at or above fail_on 0 (passed: False; "
        "assay report exits 1)"
    )
    html = tmp_path / "r.html"
    res = CliRunner().invoke(app, ["report", r.run_id, "--store", store, "--html", str(html)])
    assert res.exit_code == 1
    page = html.read_text(encoding="utf-8")
    assert f"fails: {r.n_findings:,} findings at or above fail_on 0" in page
    assert "--fail-on" not in res.stdout.splitlines()[-1]
    shown = CliRunner().invoke(app, ["show", r.run_id, "--store", store])
    assert "at or above fail_on 0 (passed: False;" in shown.stdout


def _same(first: Any, call: str, objects: dict[str, Any]) -> None:
    """``call`` (a rerun call, its objects written ``<name>`` or ``<ndarray ...>``) made
    with ``objects`` given again finds what ``first`` found (its seconds aside)."""
    for pattern, name in objects.items():
        if pattern != "__values__":
            call = re.sub(pattern, name, call)
    again = eval(call, {"assay": assay, **objects.get("__values__", {})})
    assert again.run_id != first.run_id and again.command == first.command
    before = first.findings(limit=None).drop(columns=["seconds"], errors="ignore")
    after = again.findings(limit=None).drop(columns=["seconds"], errors="ignore")
    assert len(before) > 0 and after.equals(before), call


def lexicon(sentences: list[str]) -> np.ndarray:
    return np.array([int("good" in s or "great" in s) for s in sentences])


def negation_blind(sentences: list[str]) -> np.ndarray:
    return np.array([int(("good" in s or "great" in s) and "not" not in s) for s in sentences])


lexicon.classes_ = ["neg", "pos"]  # type: ignore[attr-defined]
negation_blind.classes_ = ["neg", "pos"]  # type: ignore[attr-defined]


def test_a_text_runs_rerun_call_reproduces_it(tmp_path: Path) -> None:
    store = str(tmp_path / "t.db")
    r = assay.check_text(
        [lexicon, negation_blind], grammar="builtin:reviews", max_queries=400, seed=3,
        store=store, units=2, max_depth=8, keep_findings=8, determinism_check=False,
    )  # fmt: skip
    assert r.command == (
        "assay.check_text([<lexicon>, <negation_blind>], grammar='builtin:reviews', "
        f"max_depth=8, max_queries=400, units=2, keep_findings=8, determinism_check=False, "
        f"store={store!r}, seed=3)  # each <...> stands for a Python object given to the call: "
        "pass it again"
    )  # (as printed no Python: it says what its <...> stand for; left44u)
    given = {
        "<lexicon>": "lexicon",
        "<negation_blind>": "negation_blind",
        "__values__": {"lexicon": lexicon, "negation_blind": negation_blind},
    }
    _same(r, r.command, given)
    _same(r, build_document(RunStore(store), r.run_id)["rerun"], given)


def test_a_backdoor_scans_rerun_call_reproduces_it(tmp_path: Path) -> None:
    from assay.backdoor.demo import PlantedTrigger, checker, trojaned_digits

    trigger = PlantedTrigger(box=(5, 5, 3, 3), content=checker(3), target=7)
    d = trojaned_digits(seed=0, triggers=[trigger])
    x, y = d.clean_images, d.clean_labels
    images = trigger.apply(x[np.flatnonzero(y[200:] != 7)[:10] + 200]) * 16
    clean = x[:60] * 16
    store = str(tmp_path / "b.db")
    r = assay.check_backdoor(
        d.model, images=images, clean=clean, input_shape="64", value_range="0,16", seed=1,
        store=store, max_queries=3000,
    )  # fmt: skip
    assert r.command.startswith(
        "assay.check_backdoor(<MLPClassifier>, images=<ndarray 10 x 8 x 8 x 1>, "
        "clean=<ndarray 60 x 8 x 8 x 1>, input_shape='64', value_range='0,16', "
    )
    given = {
        "<MLPClassifier>": "model",
        r"images=<ndarray[^>]*>": "images=images",
        r"clean=<ndarray[^>]*>": "clean=clean",
        "__values__": {"model": d.model, "images": images, "clean": clean},
    }
    _same(r, r.command, given)
    _same(r, build_document(RunStore(store), r.run_id)["rerun"], given)


def test_a_call_says_its_objects_only_when_it_gives_one() -> None:
    """left44u: ``result.command`` wrote a function given as ``<lab_decl>`` (no Python as
    printed) unsaid.  A call of specs alone runs as printed and says nothing more; one
    giving an object (by name or type) says what its ``<...>`` stand for, as a Python
    comment: the call, its objects given again, still evaluates."""
    from assay.core.runinfo import OBJECTS_GIVEN, api_call

    specs = api_call("check_text", ["mymod:lab", "b.py:f"], {"grammar": "g.cfg"}, seed=1)
    assert specs == "assay.check_text(['mymod:lab', 'b.py:f'], grammar='g.cfg', seed=1)"
    objects = api_call("check_text", [lexicon, "b.py:f"], {"grammar": "<b> a"}, seed=1)
    assert objects == (
        f"assay.check_text([<lexicon>, 'b.py:f'], grammar='<b> a', seed=1){OBJECTS_GIVEN}"
    )
    assert eval(objects.replace("<lexicon>", "1"), {"assay": _Echo()}) == 1


class _Echo:
    def check_text(self, models: list[Any], **_: Any) -> Any:
        return models[0]
