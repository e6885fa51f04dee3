"""mutation50b: a store lost to a SIGBUS names a report "written" only when a regular file
this command wrote is at its path (``cli.store_lost._whole``): a link there, to a file or
not, is not one (``core.outfile`` writes a report by renaming a new file over its path, so
a link left at the path is no report of this command's).  Following the link, or taking any
entry at the path for a report, passed every test."""

from __future__ import annotations

from pathlib import Path

from test_left50_bus_reports import LOST, run_made  # noqa: F401  (the fixture)

from assay.cli.store_lost import left_behind
from assay.core import store_bus


def test_a_link_at_a_reports_path_is_not_named_written(
    tmp_path: Path,
    run_made: str,  # noqa: F811
) -> None:
    old = tmp_path / "old.json"
    old.write_text('{"an": "earlier run"}\n')
    report, html = tmp_path / "r.json", tmp_path / "r.html"
    report.symlink_to(old)  # (a link to a regular file: no report of this command's)
    html.symlink_to(tmp_path / "nowhere.html")  # (dangling)
    with left_behind("fairness", {"report": report, "html": html}):
        said = store_bus._THEN[-1](LOST)
    assert "wrote" not in said, said
    assert f"not written: --report {report}, --html {html}" in said, said
    assert old.read_text() == '{"an": "earlier run"}\n'  # (what the link points at: kept)


def test_a_file_written_whole_is_no_longer_in_progress(tmp_path: Path) -> None:
    from assay.core.outfile import in_progress, new_file, write_whole

    write_whole(tmp_path / "a.json", "{}\n")
    with new_file(tmp_path / "b.html") as fh:
        fh.write("<html>")
        assert len(in_progress()) == 1 and not in_progress()[0].endswith("b.html")
    assert in_progress() == []  # (renamed over its path: a fault now removes nothing)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json", "b.html"]
