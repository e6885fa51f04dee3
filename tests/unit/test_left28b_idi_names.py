"""left26's Left: a fairness IDI's JUnit case is named in the data's own values, so renaming
a category makes the same model behaviour another case.  That is the choice (docs/report-
format.md says so): the encoded codes the alternative would use shift whenever a category is
added, which would rename every IDI of that column (and two renamed categories could swap
codes and keep names of other inputs); values change only when the user changes them."""

from __future__ import annotations

from pathlib import Path

import pytest

import test_left26_idi_case_names as left26  # isort: skip

CITY = left26.FEATURES[0]


def _with_cities(cities: list[str]) -> list[dict]:
    return [{**CITY, "categories": cities}, *left26.FEATURES[1:]]


def test_a_category_added_keeps_the_names_of_the_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    york = left26._names(tmp_path, "a", [left26._idi(1, 1)])  # York is code 1
    monkeypatch.setattr(left26, "FEATURES", _with_cities(["Hull", "Leeds", "York", "Bath"]))
    again = left26._names(tmp_path, "b", [left26._idi(2, 1)])  # York is code 2 now
    assert york == again and "city=York" in york[0], (york, again)


def test_a_renamed_category_names_its_idis_anew(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    york = left26._names(tmp_path, "a", [left26._idi(1, 1)])
    monkeypatch.setattr(left26, "FEATURES", _with_cities(["Leeds", "York city", "Bath"]))
    renamed = left26._names(tmp_path, "b", [left26._idi(1, 1)])
    assert york != renamed and "city=York city" in renamed[0], (york, renamed)
    # (documented: a rename is a new case for CI; the old one no longer fails)
    doc = (Path(__file__).resolve().parents[2] / "docs" / "report-format.md").read_text()
    assert "renaming a category" in " ".join(doc.split())
