"""A symbolic link planted at an output's path (``report.html -> ~/.bashrc`` in a repository
a CI job runs assay in): every writer replaces the link by its file (``core.outfile``) and
never writes, tries nor removes the link's target; a pipe or a device is still written
through."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from assay.backdoor.filter import save_filter
from assay.backdoor.images import ImageSpec
from assay.backdoor.patches import Trigger
from assay.cli.checks import check_creatable, check_writable
from assay.cli.leftover import error_junit
from assay.core.exports import write_table
from assay.core.outfile import new_file, write_whole

PRECIOUS = "export PATH=/usr/bin  # the user's own file\n"


def _planted(tmp_path: Path, name: str) -> tuple[Path, Path]:
    victim = tmp_path / "home" / ".bashrc"
    victim.parent.mkdir(exist_ok=True)
    victim.write_text(PRECIOUS, encoding="utf-8")
    link = tmp_path / name
    link.symlink_to(victim)
    return link, victim


def test_a_file_written_over_a_link_replaces_the_link(tmp_path: Path) -> None:
    link, victim = _planted(tmp_path, "report.json")
    write_whole(link, '{"run": 1}\n')
    assert not link.is_symlink() and link.read_text() == '{"run": 1}\n'
    assert victim.read_text() == PRECIOUS
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "report.json"]  # no temp


def test_a_link_to_nothing_is_replaced_not_followed(tmp_path: Path) -> None:
    link = tmp_path / "out.csv"
    link.symlink_to(tmp_path / "elsewhere" / "made.csv")  # (followed: a file made there)
    (tmp_path / "elsewhere").mkdir()
    write_whole(link, b"a,b\n")
    assert not link.is_symlink() and link.read_bytes() == b"a,b\n"
    assert not (tmp_path / "elsewhere" / "made.csv").exists()


def test_a_failed_write_leaves_the_path_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "r.html"
    path.write_text("earlier")
    with pytest.raises(RuntimeError), new_file(path) as fh:
        fh.write("half")
        raise RuntimeError("disk full")
    assert path.read_text() == "earlier"
    assert [p.name for p in tmp_path.iterdir()] == ["r.html"]


def test_a_device_is_written_through() -> None:
    write_whole(os.devnull, "nothing")
    assert Path(os.devnull).exists() and not Path(os.devnull).is_file()


def test_every_writer_leaves_the_target_of_a_planted_link(tmp_path: Path) -> None:
    frame = pd.DataFrame({"sex": ["F", "=1+1"], "y": [0, 1]})
    for name in ("ex.csv", "ex.jsonl", "ex.json"):
        link, victim = _planted(tmp_path, name)
        write_table(frame, link)
        assert not link.is_symlink() and "sex" in link.read_text(), name
        assert victim.read_text() == PRECIOUS, name
    link, victim = _planted(tmp_path, "filter.json")
    spec = ImageSpec(height=8, width=8, channels=1, flatten=True, range_values=(0.0, 16.0))
    content = np.ones((2, 2, 1))
    save_filter(link, spec, [Trigger(box=(5, 5, 2, 2), content=content, target=7,
                                     flip_rate=1.0, source=0)])  # fmt: skip
    assert not link.is_symlink() and "triggers" in json.loads(link.read_text())
    assert victim.read_text() == PRECIOUS


def test_the_error_junit_of_a_refused_command_replaces_a_link(tmp_path: Path) -> None:
    victim = tmp_path / "ci" / "old.xml"
    victim.parent.mkdir()
    victim.write_text('<?xml version="1.0"?>\n<testsuites name="another tool"/>\n')
    link = tmp_path / "junit.xml"
    link.symlink_to(victim)
    assert error_junit(link, "fairness", "usage_error", "no such file")
    assert not link.is_symlink() and "no such file" in link.read_text()
    assert "another tool" in victim.read_text()


@pytest.mark.parametrize("argument", ["--html", "--export"])
def test_the_check_before_the_run_never_touches_the_target(tmp_path: Path, argument: str) -> None:
    link, victim = _planted(tmp_path, "r.html")
    (check_creatable if argument == "--export" else check_writable)(link, argument)
    assert victim.read_text() == PRECIOUS  # before: a report's target was removed
    assert link.is_symlink() == (argument == "--export")  # an earlier report's link: gone


def test_a_retrained_model_replaces_links_at_its_files(tmp_path: Path) -> None:
    from sklearn.linear_model import LogisticRegression

    from assay.fairness.mitigate import save_model
    from assay.fairness.schema import Feature, Schema

    schema = Schema(
        features=(Feature("a", "integer", low=0, high=9), Feature("b", "integer", low=0, high=1)),
        protected=("b",),
    )
    rng = np.random.default_rng(0)
    x = rng.integers(0, 2, (40, 2)).astype(float)
    model = LogisticRegression().fit(x, (x[:, 0] > 0).astype(int))
    planted = [_planted(tmp_path, f"retrained{end}") for end in (".skops", ".model.json")]
    written = save_model(model, tmp_path / "retrained", schema=schema)
    assert {p.name for p in written} >= {"retrained.skops", "retrained.model.json"}
    for link, victim in planted:
        assert not link.is_symlink() and link.stat().st_size > 0
        assert victim.read_text() == PRECIOUS


def test_a_link_to_a_device_is_replaced_a_system_name_written_through(tmp_path: Path) -> None:
    link = tmp_path / "report.html"
    link.symlink_to(os.devnull)  # (planted: report.html -> /dev/sda alike)
    write_whole(link, "<html>")
    assert not link.is_symlink() and link.read_text() == "<html>"
    assert Path(os.devnull).exists() and not Path(os.devnull).is_file()
    read, write = os.pipe()
    try:
        write_whole(f"/dev/fd/{write}", "through the descriptor")  # (its own, not reopened)
        assert os.read(read, 100) == b"through the descriptor"
    finally:
        os.close(read)
        os.close(write)
