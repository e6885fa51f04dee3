"""Two runs' JUnit files in one CI job (two models, ``sex`` then ``race``, two scans) are
two suites with cases of their own: the suite name and every case's classname carry what
the run tested (``report.junit_subject``), while a rerun of the same command (another run
id, seed, time) keeps them, so CI follows its trends.  On main both files were suite
``assay.fairness``, classname ``assay.fairness``, case "no finding at or above the
threshold": merged into one test by GitLab and Jenkins."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from assay.report import render_junit


def _doc(technique: str, model: dict[str, Any], config: dict[str, Any], **run: Any) -> dict:
    return {
        "run": {
            "id": run.get("id", f"{technique}-1"),
            "technique": technique,
            "status": "completed",
            "seed": run.get("seed", 1),
            "created": run.get("created", 1.0e9),
            "command": f"assay {technique} ...",
            "model": model,
            "config": config,
            "summary": {"tested": 100},
        },
        "findings": {"total": 0, "examples": []},
        "headline": "no discriminatory input found",
        "schema_version": 2,
    }


def _names(doc: dict) -> tuple[str, set[tuple[str, str]]]:
    suite = ET.fromstring(render_junit(doc)).find("testsuite")
    assert suite is not None
    cases = {(c.get("classname") or "", c.get("name") or "") for c in suite.iter("testcase")}
    return suite.get("name") or "", cases


def _fair(spec: str, protected: list[str], **run: Any) -> dict:
    return _doc("fairness", {"spec": spec}, {"protected": protected}, **run)


def test_two_fairness_runs_are_two_suites_and_a_rerun_keeps_its_names() -> None:
    sex = _names(_fair("pipe.joblib", ["sex"]))
    race = _names(_fair("pipe.joblib", ["race"]))
    other = _names(_fair("other.joblib", ["sex"]))
    assert sex[0] == "assay.fairness [pipe.joblib; protected sex]"
    assert len({sex[0], race[0], other[0]}) == 3
    assert not sex[1] & race[1] and not sex[1] & other[1]  # no (classname, name) shared
    assert all(classname == sex[0] for classname, _ in sex[1])
    again = _names(_fair("pipe.joblib", ["sex"], id="fairness-2", seed=9, created=2.0e9))
    assert again == sex


def test_text_and_backdoor_runs_name_what_they_tested() -> None:
    classifiers = {"classifiers": [{"spec": "a.py:f"}, {"spec": "b.py:g"}]}
    text = _doc("text", classifiers, {"oracle": "invariance", "grammar": {"source": "x.cfg"}})
    assert _names(text)[0] == "assay.text [a.py:f, b.py:g; invariance; x.cfg]"
    scan = _doc(
        "backdoor",
        {"spec": "m.pt"},
        {"mode": "inputs", "strategy": "strip", "source": {"images": "/ci/1/suspect/"}},
    )
    assert _names(scan)[0] == "assay.backdoor [m.pt; input scan of suspect, strategy strip]"
    model = _doc("backdoor", {"spec": "m.pt"}, {"mode": "model"})
    assert _names(model)[0] == "assay.backdoor [m.pt; model scan]"


def test_a_password_in_a_model_url_is_not_in_the_names() -> None:
    name, cases = _names(_fair("http://alice:s3cret@host/predict", ["sex"]))
    assert "s3cret" not in name and all("s3cret" not in c for c, _ in cases)
    assert name.startswith("assay.fairness [http://")
