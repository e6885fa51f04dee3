"""An invariance run of two classifiers, one constant, split into units (``--units``): the
merged summary (``text.units.merge_summaries``) must say not everything was tested, as the
single search does (left44t); mutation45's UT6 (the merged summary's ``untested_part``
dropped) survived every test, none of which ran such a run in units."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_left44t_one_constant_headline import CLASSIFIERS, GRAMMAR

from assay.cli.app import main


def test_one_constant_classifier_of_two_is_not_everything_tested_in_units(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "c.py").write_text(CLASSIFIERS, encoding="utf-8")
    (tmp_path / "g.cfg").write_text(GRAMMAR, encoding="utf-8")
    with pytest.raises(SystemExit) as ended:
        main([
            "text", f"{tmp_path / 'c.py'}:constant", f"{tmp_path / 'c.py'}:lab",
            "--grammar", str(tmp_path / "g.cfg"), "--oracle", "invariance", "--units", "2",
            "--max-queries", "300", "--seed", "1", "--store", str(tmp_path / "r.db"),
        ])  # fmt: skip
    said = capsys.readouterr()
    out = said.out + said.err
    assert int(ended.value.code or 0) == 2, out
    # (in units the classifiers' scores are not watched: a constant classifier is told as
    # one giving one label, ``text.untested._constant_of``)
    assert "NOT EVERYTHING WAS TESTED: c.py:constant ('clean') gave one label" in out, out
    assert "nothing was tested of it" in out and "\nNOTHING WAS TESTED" not in out, out
