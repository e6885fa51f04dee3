"""mutation49: lines printed to be pasted (prune's delete, a rerun of ``--classes @FILE``,
a JUnit file's exit words): they name what the run used (report48, left48r, ops48)."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

from assay.core.command_exit import no_run_exit
from assay.core.retention import API_NAMES, CLI_NAMES, naming_store
from assay.core.runinfo import _classes_said

NAMES = ["b c", "a"]
CONFIG = {"invocation": {"classes": NAMES}}


def test_prune_names_its_store_in_the_delete_it_offers(tmp_path: Path) -> None:
    # (RET1, RET2) the store prune was given: in the command, and in the Python call
    where = tmp_path / "my runs.db"
    cli = naming_store(CLI_NAMES, where)
    assert cli["delete"] == f"assay delete RUN --store {shlex.quote(where.as_posix())}"
    api = naming_store(API_NAMES, where)
    assert api["delete"] == f"assay.delete_runs([RUN], store={where.as_posix()!r})"
    assert naming_store(CLI_NAMES, None) == CLI_NAMES  # (the default store: as it was)
    assert naming_store(CLI_NAMES, None) is not CLI_NAMES


def test_a_classes_file_is_rerun_as_the_names_the_run_read() -> None:
    # (RI2-RI5) --classes @FILE and --classes=@FILE both: the run's names in the file's place
    listed = json.dumps(NAMES)
    said = _classes_said("assay fairness m.py --classes @c.txt --data d.csv", CONFIG)
    assert shlex.split(said)[3:5] == ["--classes", listed]
    said = _classes_said("assay fairness m.py --classes=@c.txt --data d.csv", CONFIG)
    assert shlex.split(said)[3] == f"--classes={listed}"
    # names given as a list already, a run that kept none, names not all text, no command
    given = f"assay fairness m.py --classes {shlex.quote(listed)}"
    assert _classes_said(given, CONFIG) == given
    assert _classes_said("assay fairness m.py --classes @c.txt", {}) == (
        "assay fairness m.py --classes @c.txt"
    )
    odd = {"invocation": {"classes": ["a", 1]}}
    assert _classes_said("assay fairness m.py --classes @c.txt", odd).endswith("@c.txt")
    python = "check_fairness(model, classes='@c.txt')"
    assert _classes_said(python, CONFIG) == python


def test_a_refusals_exit_words_are_its_codes() -> None:
    # (CE1) each code its own words
    assert no_run_exit("fairness", 2) == (
        "assay fairness exited 2 (not everything or nothing was tested, or a usage error)"
    )
    assert no_run_exit("backdoor", 3).startswith("assay backdoor exited 3 (")
    assert "exited 2" not in no_run_exit("backdoor", 3)
    assert no_run_exit("text", 77) == "assay text exited 77 (exit 77)"
