"""What a command that stops early leaves for CI and for the person who reads it.

A command that ends on an error or an interrupt (``cli.app.guarded``) knows which run it
had started (``started``, told by the commands when the run exists or is resumed): it
finishes that run as it stands (``stop_run``: an interrupted run marked so and resumable, its
reports written, its resume line printed; a run that had ended keeps its verdict).  A command
stopped before any run existed (a bad argument, an unreadable model, a Ctrl-C while loading)
writes its ``--junit`` file as one errored case naming the problem (``error_junit``): a CI
job that reads the file then sees the error, never an earlier run's pass nor nothing.
"""

from __future__ import annotations

import contextlib
import os
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from assay.cli.argv import home_expanded
from assay.core.outfile import write_whole
from assay.errors import UsageError

__all__ = [
    "ReportsLeftAlone",
    "ReportsWritten",
    "about",
    "began",
    "command_name",
    "current",
    "error_junit",
    "error_junit_text",
    "forget",
    "interrupted_before_it_began",
    "junit_in_argv",
    "running_command",
    "spoken_of",
    "started",
    "typed",
    "unexported_why",
]


class ReportsLeftAlone(UsageError):
    """A refusal that leaves the command's report files as they are (``assay resume`` of a
    run that ended: the files its resume line names are that run's own verdict)."""


class ReportsWritten(ReportsLeftAlone):
    """A failure said after the command wrote its run's reports (an ``--export`` not
    written): they stand (they keep the command's exit code, ``core.command_exit``), not
    written and said a second time."""


_RUN: dict[str, Any] = {}
_TYPED: list[str] = []  # the command line as typed (``typed``), for a JUnit file of no run


def unexported_why(flag: str = "--export") -> str:
    """What the exit code 2 of a command whose ``flag`` file (``--export``,
    ``--export-filter``), written after its run's search, was not written means: kept with
    the run and said in its reports (``core.command_exit``)."""
    return f"its {flag} file was not written; its findings are kept"


def typed(args: list[str]) -> None:
    """The command line this process runs (its arguments after ``assay``)."""
    _TYPED[:] = [str(a) for a in args]


def started(run_id: str, store: str | os.PathLike[str]) -> None:
    """The command's run exists now (made, or resumed) in ``store``."""
    _RUN.update(run_id=run_id, store=Path(store))


def about(run_id: str, store: str | os.PathLike[str]) -> None:
    """The command reads the stored run ``run_id`` of ``store`` (``show``, ``report``,
    ``verify``): the commands it prints for a run are for this one (``cli.run_placeholders``)."""
    _RUN.update(about=(run_id, Path(store)))


def spoken_of() -> tuple[str, Path] | None:
    """(run id, store) of the run the command made, resumed or reads, if any."""
    made = current()
    if made is not None:
        return made
    about_run: tuple[str, Path] | None = _RUN.get("about")
    return about_run


def forget(command: str | None = None) -> None:
    """A command (``command``: its name, ``fairness``, ``resume``) starts: no run is its yet."""
    _RUN.clear()
    if command is not None:
        _RUN["command"] = command


def began() -> None:
    """The command's run began under it (made, or resumed past its checks): the exit code
    the command ends with is the run's (``core.command_exit``).  A resume refused before
    (a changed model file, a bad option) leaves the run's as it was."""
    _RUN["began"] = True


def running_command() -> str | None:
    """The name of the command this process runs when its run began under it (``began``),
    None otherwise."""
    return command_name() if _RUN.get("began") else None


def command_name() -> str | None:
    """The name of the command this process runs (``forget``'s), None outside one."""
    name = _RUN.get("command")
    return str(name) if name is not None else None


def current() -> tuple[str, Path] | None:
    """(run id, store) of the run the command made or resumed, if any."""
    if "run_id" not in _RUN:
        return None
    return str(_RUN["run_id"]), Path(_RUN["store"])


def _replaceable(path: Path) -> bool:
    """Whether ``path`` may be written: nothing there yet, or a JUnit file (an earlier run's,
    which a CI job would otherwise read as this one's).  Any other file is left alone: the
    error may have come before assay knew which files the command reads."""
    try:
        if not path.exists():  # (its missing folders made, as a run's own reports make them)
            return _creatable_folder(path.parent)
        if not path.is_file():
            return False
        with path.open("rb") as f:
            head = f.read(4096)
    except OSError:
        return False
    return not head or b"<testsuites" in head or b"<testsuite" in head


def _creatable_folder(folder: Path) -> bool:
    """Whether ``folder`` is one, or could be made: its nearest existing ancestor is a
    folder (a CI job's ``--junit reports/junit.xml`` before ``reports`` exists: hostile53b)."""
    while str(folder) and not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return not str(folder) or folder.is_dir()


def _drop_broken(path: Path) -> None:
    """Remove a JUnit file left empty or cut short (a full disk): CI reads a missing report
    as an error, an empty one as no tests at all."""
    try:
        if not _replaceable(path) or not path.is_file():
            return
        ET.parse(path)
    except ET.ParseError:
        with contextlib.suppress(OSError):
            path.unlink()
    except OSError:
        return


def error_junit(
    path: Path | str | None,
    command: str,
    kind: str,
    message: str,
    before: str = "before a run was made",
    code: int | None = None,
) -> bool:
    """Write ``path`` as a JUnit file of one errored case (``kind``: usage_error,
    model_error, store_error, internal_error, interrupted) naming the problem (the command
    stopped ``before``: a refused resume, before it resumed its run); True when written."""
    if path is None or not str(path):
        return False
    path = Path(path)
    if not _replaceable(path):
        return False
    body = error_junit_text(command, kind, message, before, code)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_whole(path, body)  # (a link at the path is replaced, never followed)
    except OSError:
        _drop_broken(path)
        return False
    return True


def error_junit_text(
    command: str, kind: str, message: str, before: str, code: int | None = None
) -> str:
    """The text of ``error_junit``'s file."""
    from assay.cli.no_run_name import no_run_name, parsed
    from assay.core.command_exit import no_run_exit
    from assay.report._text import safe_text

    # named by what was typed, as its run would be (``cli.no_run_name``): two failed commands
    # in one CI job are two suites
    params = parsed(command, _TYPED)
    title = safe_text(no_run_name(command, params))
    counts = {"tests": "1", "failures": "0", "errors": "1"}
    root = ET.Element("testsuites", {"name": "assay", **counts})
    suite = ET.SubElement(root, "testsuite", {"name": title, **counts, "skipped": "0"})
    # the exit code, as a run's JUnit file says it (report48: a refusal's said none, where
    # the terminal and --json said exit 2), and what was typed, with its seed: a CI reader
    # can run it again (secrets masked)
    said = [("command_exit", no_run_exit(command, code))] if code is not None else []
    if _TYPED or said:
        props = ET.SubElement(suite, "properties")
        for name, value in [*said, *(_typed_properties(params) if _TYPED else [])]:
            ET.SubElement(props, "property", name=name, value=safe_text(value))
    case_name = "no run" if command != "resume" or "run was made" in before else "not resumed"
    case = ET.SubElement(suite, "testcase", classname=title, name=case_name, time="0")
    text = safe_text(f"assay {command} stopped {before}: {message}")
    error = ET.SubElement(case, "error", message=text[:500], type=kind)
    error.text = text
    ET.indent(root)
    body = '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")
    return body + "\n"


def _typed_properties(params: dict[str, Any] | None) -> list[tuple[str, str]]:
    """``command`` (``cd DIR && assay ARGS``, as a run's JUnit file gives it, after
    ``PYTHONPATH=...`` when its model was imported through it: ``models.import_path``) and
    ``seed`` when the command line gave one."""
    from assay.core.redact import redact_text
    from assay.core.runinfo import code_environment, import_setting
    from assay.core.terminal import shell_join
    from assay.models.import_path import import_entries

    words = _TYPED[: _TYPED.index("--")] if "--" in _TYPED else _TYPED
    seeds = [
        w.split("=", 1)[1] if "=" in w else (words[i + 1] if i + 1 < len(words) else "")
        for i, w in enumerate(words)
        if w == "--seed" or w.startswith("--seed=")
    ]
    try:
        here = shell_join(["cd", os.getcwd()]) + " && "
    except OSError:  # (its folder removed)
        here = ""
    given = (params or {}).get("models") or [(params or {}).get("model")]
    specs = [str(m) for m in given if isinstance(m, str)]
    infos = [{"import_path": import_entries(spec)} for spec in specs]
    env = code_environment(_TYPED, infos)
    setting = import_setting({"environment": env, "cwd": os.getcwd()}) if env else None
    line = shell_join(["assay", *_TYPED])
    line = f"{setting} {line}" if setting else line
    out = [("command", redact_text(here + line))]
    return out + ([("seed", seeds[-1])] if seeds and seeds[-1] else [])


def junit_in_argv(args: list[str]) -> str | None:
    """The value of ``--junit`` in a command line (``--junit F`` or ``--junit=F``)."""
    for i, arg in enumerate(args):
        if arg == "--":
            return None
        if arg == "--junit" and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith("--junit="):  # (a shell left its ~ as it is)
            value: str = home_expanded(arg.split("=", 1)[1])
            return value
    return None


def interrupted_before_it_began(args: list[str]) -> None:
    """A command line interrupted before its command began (a Ctrl-C or a CI job's timeout
    while assay loads, 0.4-4 s by the machine's load): its ``--junit`` file one errored case,
    as for any command stopped before a run existed, and an earlier run's JSON and HTML
    reports removed.  The earlier file is removed first: a second interrupt during the
    writing leaves no file (an error to CI), never an earlier run's pass."""
    typed(args)
    junit = junit_in_argv(args)
    if junit is not None and str(junit):
        path = Path(junit)
        with contextlib.suppress(OSError):
            if _replaceable(path) and path.is_file() and not path.is_symlink():
                path.unlink()
    options = args[: args.index("--")] if "--" in args else args
    drop_stale_reports(options)
    command = args[0] if args and not args[0].startswith("-") else "assay"
    error_junit(junit, command, "interrupted", "interrupted before the command began")
    from assay.cli.early_json import interrupted_json

    interrupted_json(args, "interrupted before the command began")  # (--json: its document)


def drop_stale_reports(args: list[str]) -> None:
    """Remove the JSON and HTML reports a command line that the parser refused names, when
    they are assay's own (an earlier run's, which a CI job would read as this one's): a
    command refused later is checked before anything runs, where the same reports are
    removed (``checks.check_writable``).  Any other file is left alone."""
    for option, marker in (("--report", b'"assay_version"'), ("--html", b"<title>assay ")):
        for value in _values(args, option):
            path = Path(value)
            try:
                if path.is_symlink() or not path.is_file():
                    continue
                with path.open("rb") as f:
                    head = f.read(4096)
                if marker in head:
                    path.unlink()
            except OSError:
                continue


def _values(args: list[str], option: str) -> list[str]:
    """Every value of ``option`` in a command line (``--x F`` or ``--x=F``)."""
    out: list[str] = []
    for i, arg in enumerate(args):
        if arg == "--":
            break
        if arg == option and i + 1 < len(args):
            out.append(args[i + 1])
        elif arg.startswith(option + "="):
            out.append(home_expanded(arg.split("=", 1)[1]))
    return out
