"""A report, export or filter written over an earlier one keeps the earlier file's
permission bits (hostile34: a report made private with ``chmod 600`` was rewritten ``644``,
readable by every user of the machine, by the next run or ``assay report``)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from assay.cli.checks import check_writable
from assay.core.outfile import write_whole

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def test_a_file_replaced_keeps_its_permission_bits(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    path.write_text("old")
    path.chmod(0o600)
    write_whole(path, "new")
    assert path.read_text() == "new"
    assert _mode(path) == 0o600


def test_an_earlier_report_removed_before_the_run_lends_its_bits(tmp_path: Path) -> None:
    path = tmp_path / "r.html"
    path.write_text("an earlier run's report")
    path.chmod(0o640)
    check_writable(path, "--html")  # removes the earlier report (a stopped run leaves none)
    assert not path.exists()
    write_whole(path, "<html>")
    assert _mode(path) == 0o640


def test_a_new_file_and_a_link_take_the_umask(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        fresh = tmp_path / "new.csv"
        write_whole(fresh, "a\n")
        assert _mode(fresh) == 0o644
        target = tmp_path / "target"
        target.write_text("kept")
        target.chmod(0o600)
        link = tmp_path / "r.xml"
        link.symlink_to(target)
        write_whole(link, "<x/>")
        assert not link.is_symlink() and _mode(link) == 0o644
        assert target.read_text() == "kept" and _mode(target) == 0o600
    finally:
        os.umask(umask)
