"""ops48: a backdoor run stored before repro47 kept ``--classes @FILE`` in its command; its
"to reproduce" line (``assay show``, ``assay runs``, the reports) read the file again, so a
file edited since (its names reordered) reran another test, saying nothing.  The run's
names are kept in its config (``invocation.classes``): the line now gives them, as a run
stored now does.  (Its resume reads the config's names, never the file.)"""

from __future__ import annotations

import json
import shlex
from pathlib import Path

from typer.testing import CliRunner

from assay.cli.app import app, register
from assay.core.runinfo import pasteable
from assay.core.store import RunStore

NAMES = ["Coke 330ml, can", "Fanta 500ml", "Sprite, 1l"]
OLD = "assay backdoor served.py:answer --images i.npy --classes @/data/classes.txt --seed 0"


def _classes(line: str) -> object:
    words = shlex.split(line)
    for i, word in enumerate(words):
        if word == "--classes":
            return words[i + 1]
        if word.startswith("--classes="):
            return word.split("=", 1)[1]
    return None


def test_an_old_runs_classes_file_is_rerun_as_the_names_it_read() -> None:
    config = {"invocation": {"classes": NAMES}}
    line = pasteable(OLD, config)
    assert json.loads(str(_classes(line))) == NAMES, line  # (was: @/data/classes.txt)
    same = pasteable(OLD.replace("--classes @", "--classes=@"), config)
    assert json.loads(str(_classes(same))) == NAMES, same


def test_a_line_without_the_names_kept_is_left_as_it_was() -> None:
    assert _classes(pasteable(OLD, {})) == "@/data/classes.txt"
    typed = OLD.replace("@/data/classes.txt", "no,yes")
    assert _classes(pasteable(typed, {"invocation": {"classes": ["no", "yes"]}})) == "no,yes"


def test_assay_show_of_an_old_run_gives_its_names(tmp_path: Path) -> None:
    (tmp_path / "classes.txt").write_text("\n".join(reversed(NAMES)) + "\n")  # (edited since)
    store = tmp_path / "s.db"
    command = f"assay backdoor builtin:trojan --classes @{tmp_path / 'classes.txt'} --seed 0"
    with RunStore(store) as runs:
        runs.create_run(
            run_id="backdoor-old", technique="backdoor", seed=0, command=command,
            config={"invocation": {"classes": NAMES}}, model={}, versions={},
        )  # fmt: skip
        runs.checkpoint("backdoor-old", status="completed", summary={})
    register()
    shown = CliRunner().invoke(app, ["show", "backdoor-old", "--store", str(store)])
    line = next(x for x in shown.output.splitlines() if "to reproduce:" in x)
    assert json.loads(str(_classes(line.split("to reproduce: ", 1)[1]))) == NAMES, line
