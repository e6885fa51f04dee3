"""left49r: the JSON report names its store from the run's folder too (``store.in_folder``,
ops49), but the HTML page and the JUnit file, which name the store only inside their
commands' absolute paths, did not: a reader of a CI artifact's page or JUnit file could not
tell where the store lies in the project.  Both now show the store where they name it."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from test_ops49_store_named import _document

from assay.report import render_html, render_junit


def _props(doc: dict[str, object]) -> dict[str, str]:
    root = ET.fromstring(render_junit(doc))
    return {p.get("name", ""): p.get("value", "") for p in root.iter("property")}


def test_the_page_and_the_junit_file_name_the_store_from_the_runs_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "project" / ".assay").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "project")
    doc = _document(Path(".assay/runs.db"), str(tmp_path / "project"))
    where = (tmp_path / "project" / ".assay" / "runs.db").as_posix()
    page = " ".join(render_html(doc).split())
    said = (
        f"The run store: <code>{where}</code>, <code>.assay/runs.db</code> from the folder "
        "the run was started in"
    )
    assert said in page, page[page.find("Rebuild") : page.find("Rebuild") + 800]
    props = _props(doc)
    assert props["store"] == where and props["store_in_folder"] == ".assay/runs.db", props


def test_a_store_elsewhere_is_named_by_its_path_alone(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    doc = _document(tmp_path / "a" / "s.db", str(tmp_path / "b"))
    where = (tmp_path / "a" / "s.db").as_posix()
    page = " ".join(render_html(doc).split())
    assert f"The run store: <code>{where}</code>." in page
    assert "from the folder the run was started in" not in page
    props = _props(doc)
    assert props["store"] == where and "store_in_folder" not in props, props
