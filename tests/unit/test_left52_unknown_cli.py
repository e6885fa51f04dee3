"""A value a strict encoder (``handle_unknown='error'``) was not fitted on is refused before
any run; the refusal gave a command-line user the Python line ``frame[frame[...].isin(known)]``
as the way to set its rows aside (hostile51c).  On the command line it now says to remove
them from the data file, naming the values the encoder knows; Python callers keep the line."""

from __future__ import annotations

from pathlib import Path

import skops.io as sio
from test_hostile51c_unknown_refused import _fitted
from typer.testing import CliRunner

from assay.cli.app import app, register

register()


def test_the_command_line_is_told_to_edit_the_file(tmp_path: Path) -> None:
    model, frame = _fitted("error")
    frame.loc[[3, 7], "race"] = "Martian"
    sio.dump(model, tmp_path / "m.skops")
    frame.to_csv(tmp_path / "d.csv", index=False)
    result = CliRunner().invoke(
        app,
        ["fairness", str(tmp_path / "m.skops"), "--data", str(tmp_path / "d.csv"),
         "--protected", "race", "--label", "label", "--max-queries", "300",
         "--store", str(tmp_path / "s.db")],
    )  # fmt: skip
    assert result.exit_code == 2, result.output
    said = " ".join(result.output.split())
    assert "the value is 'Martian' (2 data rows)" in said
    assert "remove them from the data file: the encoder knows 'A', 'B' for 'race'" in said
    assert "isin(known)" not in said
