"""What every run records about how it was made: library versions and the rerun command."""

from __future__ import annotations

import json
import os
import shlex
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from assay._version import __version__
from assay.core.search_starts import wall_from_starts
from assay.core.shell_bytes import for_terminal
from assay.core.terminal import shell_join, shell_word, shown_command
from assay.core.witnesses import pinned_keep
from assay.errors import UsageError

__all__ = [
    "api_call",
    "code_environment",
    "earlier_wall_seconds",
    "import_setting",
    "imported_so",
    "launch_dir",
    "pasteable",
    "record_wall_clock",
    "rerun_command",
    "rerun_note",
    "shown_call",
    "store_option",
    "stored_serving",
    "versions",
]


def versions() -> dict[str, str]:
    import platform

    out = {"assay": __version__, "python": platform.python_version(), "numpy": np.__version__}
    for mod in ("sklearn", "pandas", "onnxruntime", "skops"):
        m = sys.modules.get(mod)
        if m is not None:
            out[mod] = str(getattr(m, "__version__", "?"))
    return out


def rerun_command(
    argv: Sequence[str] | None,
    seed: int,
    call: tuple[str, Any, Mapping[str, Any]] | None = None,
) -> str:
    """The command line that reproduces a run: the one given, with its seed made explicit;
    for a run made through the Python API (no ``argv``), the ``call`` (function name, model,
    keyword arguments) as ``api_call`` writes it."""
    if argv is None:
        if call is None:
            return f"(Python API; seed {seed})"
        return api_call(*call, seed=seed)
    args = list(argv)
    if "--seed" not in args and not any(a.startswith("--seed=") for a in args):
        args += ["--seed", str(seed)]
    return shlex.join(["assay", *args])


def shown_call(options: Mapping[str, Any], **named: Any) -> dict[str, Any]:
    """The keywords an API call's rerun shows (``api_call``), in the order a caller writes
    them: the data and the test's own ``options`` first (as given), then the budget and the
    rest of ``named``; a keyword at its default is given as None and left out (it reran
    ``max_queries=`` before ``data=`` and ``determinism_check=True``, never typed).  The one
    value shown that the caller may not have given is the seed: a run's findings follow from
    it, so the rerun names the one drawn."""
    return {**options, **named}


# what an API call's description leaves out: callbacks and the engine's own plumbing
_NOT_SHOWN = {"seed", "argv", "setup", "started", "on_progress", "on_start", "on_note"}


def api_call(function: str, model: Any, arguments: Mapping[str, Any], *, seed: int) -> str:
    """How a run was started from Python, with its seed: ``assay.check_fairness(<Pipeline>,
    data=<DataFrame 200 x 3>, protected=['sex'], max_queries=600, seed=1)``: values as
    written, objects (a model, a function, a DataFrame) by their name or type and shape, and
    then the call says so (``OBJECTS_GIVEN``, a Python comment): give them again to rerun
    the run (a function is not written ``'module:function'``: the rerun's classifiers would
    be named so, and its findings' columns with them).  Credentials in a URL are masked."""
    from assay.core.redact import redact_text
    from assay.core.store import DEFAULT_STORE
    from assay.core.units import DEFAULT_DASK_UNITS

    if arguments.get("executor") == "dask" and arguments.get("units") is None:
        # the units Dask ran: the call's findings in-process too (as ``_units_said``)
        arguments = {**arguments, "units": DEFAULT_DASK_UNITS}
    shown = [] if model is None else [_shown(model)]
    shown += [
        f"{key}={_shown(value)}"
        for key, value in arguments.items()
        if value is not None
        and key not in _NOT_SHOWN
        and not (
            key == "store" and isinstance(value, str | os.PathLike) and Path(value) == DEFAULT_STORE
        )
    ]
    shown.append(f"seed={seed}")
    call = f"assay.{function}({', '.join(shown)})"
    return redact_text(call if _is_python(call) else f"{call}{OBJECTS_GIVEN}")


# said after a shown call that gives an object by its name or type (``<lab_decl>``,
# ``<DataFrame 200 x 3>``): as printed it is no Python; with the objects given again it is
OBJECTS_GIVEN = "  # each <...> stands for a Python object given to the call: pass it again"


def _is_python(call: str) -> bool:
    """Whether ``call`` runs as printed: no object is written ``<...>`` in it."""
    import ast

    try:
        ast.parse(call, mode="eval")
    except SyntaxError:
        return False
    return True


# a list longer than this, shown, is summed up by its length and first items: a glob's 20,000
# image paths (or clean= of 100 PIL images) were spelled out whole in the stored command, its
# repr, the Jupyter view, the JUnit file and every report (1.2 MB for 20,000 paths)
SHOWN_AT_MOST = 240


def _shown(value: Any) -> str:
    if isinstance(value, dict):  # (``label_map={0: {"pos": "positive"}}``: as written)
        whole = _shown_items(value)
        return whole if len(whole) <= SHOWN_AT_MOST else f"<dict of {len(value):,} items>"
    if isinstance(value, list | tuple) and len(value) > 3:
        whole = _shown_items(value)
        if len(whole) <= SHOWN_AT_MOST:
            return whole
        first = ", ".join(_shown(v) for v in value[:3])
        return f"<{type(value).__name__} of {len(value):,} items: {first}, ...>"
    return _shown_items(value)


def _shown_items(value: Any) -> str:
    if isinstance(value, str) and len(value) > 120:  # (a grammar given as text)
        return f"<text of {len(value):,} characters: {value[:60]!r}...>"
    if value is None or isinstance(value, bool | int | float | str):
        return repr(value)
    if isinstance(value, os.PathLike):
        return repr(os.fspath(value))
    if isinstance(value, list | tuple) and all(
        v is None or isinstance(v, bool | int | float | str | os.PathLike) for v in value
    ):
        items = ", ".join(_shown(v) for v in value)
        return (
            f"[{items}]"
            if isinstance(value, list)
            else f"({items}{',' if len(value) == 1 else ''})"
        )
    if isinstance(value, list | tuple):
        return f"[{', '.join(_shown(v) for v in value)}]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_shown(k)}: {_shown(v)}" for k, v in value.items()) + "}"
    shape = getattr(value, "shape", None)
    name = type(value).__name__
    if isinstance(shape, tuple) and all(isinstance(n, int) for n in shape):
        return f"<{name} {' x '.join(str(n) for n in shape)}>"
    path = getattr(value, "path", None)  # (a RunStore)
    if isinstance(path, Path):
        return repr(str(path))
    shown = str(getattr(value, "__name__", None) or name)
    return shown if shown.startswith("<") else f"<{shown}>"  # (a lambda: <lambda>)


def launch_dir(argv: Sequence[str] | None) -> str | None:
    """The directory a command-line run was started in (its rerun command's relative paths
    are that directory's; ``config["cwd"]``); ``None`` for a run made through the API."""
    return None if argv is None else os.getcwd()


_OLD_DEFAULT_BATCH = 1000


def stored_serving(record: Any) -> Any:
    """A stored run's serving options (``invocation["serving"]``), their ``--template`` file
    by a path that reads from here.  Runs store it absolute since the nineteenth session; one
    stored before kept it as given, relative to the folder it was started in
    (``config["cwd"]``), where it is looked for.  A template found nowhere is refused naming
    the file, where it was looked for, and how to resume (the file put back there), rather
    than failing as an unreadable --template of this session's folder."""
    config = record.config or {}
    serving = (config.get("invocation") or {}).get("serving")
    if not isinstance(serving, Mapping):
        return serving
    if serving.get("batch_size") == _OLD_DEFAULT_BATCH and "batch" not in str(record.command):
        # (a run stored before left41 kept --batch-size's old default, 1000, untyped: it split
        # a served model's requests only; resumed, a local model's calls stay whole)
        serving = {**serving, "batch_size": None}
    template = serving.get("template")
    if not isinstance(template, str) or os.path.isabs(template):
        return serving
    if any(c in template for c in '{}\n"') or len(template) > 255:
        return serving  # not a file's name: the loader refuses it, never echoing it
    where = config.get("cwd")
    at = os.path.join(where, template) if isinstance(where, str) else os.path.abspath(template)
    if os.path.isfile(at):
        return {**serving, "template": at}
    fix = (
        f"put the template back at {at} (the run's folder, {where}, joined with it) and "
        "resume again, from any folder"
        if isinstance(where, str)
        else "the run did not record the folder it was started in: resume it from the "
        "folder that holds the template"
    )
    raise UsageError(
        f"run {record.id} asks its served model through the template {template!r}, which "
        "the run stored as given (a relative path: it was made before templates were "
        f"stored by their full path), and there is no such file at {at}; {fix}",
        argument="--template",
    )


def pasteable(
    command: str,
    config: Mapping[str, Any] | None,
    *,
    anywhere: bool = False,
    summary: Mapping[str, Any] | None = None,
) -> str:
    """A run's rerun ``command`` as it can be pasted here: after ``cd DIR &&`` when the run
    was started in another directory, or when the command names a file by a relative path
    (``lr.skops --data people.csv``: the line printed in the run's folder is pasted from
    another too, as the resume line is; left41); ``anywhere``: after ``cd DIR &&`` always (a
    report, read wherever it was copied to).  With the run's ``summary``, a choice the run
    made from the model's measured speed is pinned."""
    command = _longer_deadline(_pinned(pinned_keep(command, config), config, summary), config)
    command = _batch_said(command, config)
    command = _units_said(command, config)
    command = _classes_said(command, config)
    if not command.startswith("assay "):
        return command
    command = _with_environment(shown_command(command), config)
    where = (config or {}).get("cwd")
    if not isinstance(where, str):
        return command if anywhere else for_terminal(command)
    try:
        if (
            not anywhere
            and Path(where).resolve() == Path.cwd().resolve()
            and not _names_relative_paths(command, where)
        ):
            return for_terminal(command)
    except OSError:
        return command if anywhere else for_terminal(command)
    except ValueError:  # (a folder this locale cannot name, ``shell_bytes``: said by cd)
        pass
    line = f"{shell_join(['cd', where])} && {command}"
    # (printed here: as it pastes in this terminal's encoding; a report's, as it is)
    return line if anywhere else for_terminal(line)


def _names_relative_paths(command: str, where: str) -> bool:
    """Whether ``command`` names a file or folder of ``where`` by a relative path (a word,
    an ``--option=value``'s value, a ``file.py:function``'s file)."""
    try:
        words = shlex.split(command)
    except ValueError:
        return True  # (unreadable: the folder said, as a report does)
    for word in words[1:]:
        for part in {word, word.partition("=")[2], word.rpartition(":")[0]}:
            if not part or part.startswith("-") or os.path.isabs(part) or "://" in part:
                continue
            try:
                if os.path.exists(os.path.join(where, part)):
                    return True
            except (OSError, ValueError):
                continue
    return False


def _with_environment(command: str, config: Mapping[str, Any] | None) -> str:
    """The command after the environment variables that changed the run's findings
    (``config["environment"]``, e.g. ``ASSAY_TEXT_LANES=2``): the same seed and budget give
    the same findings only with them set again."""
    env = (config or {}).get("environment")
    env = {**env, **_old_spacing(config)} if isinstance(env, Mapping) else _old_spacing(config)
    if not env:
        return command
    settings = " ".join(f"{name}={shell_word(str(value))}" for name, value in sorted(env.items()))
    return f"{settings} {command}"


def _old_spacing(config: Mapping[str, Any] | None) -> dict[str, str]:
    """``ASSAY_TEXT_SPACING=1`` for a text run stored before its joining rule was kept
    (``text.spacing``: its grammar beyond ASCII joined as English), else nothing."""
    grammar = (config or {}).get("grammar")
    text = grammar.get("text") if isinstance(grammar, Mapping) else None
    if not isinstance(text, str) or text.isascii() or "spacing" in (config or {}):
        return {}
    return {"ASSAY_TEXT_SPACING": "1"}


def code_environment(
    argv: Sequence[str] | None, models: Sequence[Mapping[str, Any] | None]
) -> dict[str, str]:
    """``PYTHONPATH`` for a command-line run (``argv``) whose model or classifiers
    (``models``: their ``spec_info``) were imported from folders a fresh shell's ``assay``
    does not search (``import_path``: ``models.import_path``), in the order found: the
    working folder as ``.`` (the rerun runs there: ``cd DIR &&``), others absolute.  Kept in
    ``config["environment"]``, which the rerun command sets before ``assay`` as it sets
    ``ASSAY_TEXT_LANES``.  Nothing for a Python call (its rerun is the call)."""
    if argv is None:
        return {}
    here = launch_dir(argv)
    folders: list[str] = []
    for info in models:
        kept = (info or {}).get("import_path")  # (a list; one folder as a string before)
        for where in [kept] if isinstance(kept, str) else kept if isinstance(kept, list) else []:
            if not isinstance(where, str) or not where:
                continue
            shown = "." if here is not None and _same_folder(where, here) else where
            if shown not in folders:
                folders.append(shown)
    return {"PYTHONPATH": os.pathsep.join(folders)} if folders else {}


def import_setting(config: Mapping[str, Any] | None) -> str | None:
    """``PYTHONPATH=...`` (shell-quoted) for a command about a stored run that imports its
    model again (``assay resume``, ``assay verify``), pasteable in any folder: the run's
    ``code_environment`` with ``.`` as the folder the run was started in; None when the
    run kept none."""
    env = (config or {}).get("environment")
    given = env.get("PYTHONPATH") if isinstance(env, Mapping) else None
    if not isinstance(given, str) or not given:
        return None
    where = (config or {}).get("cwd")
    folders = [
        where if part == "." and isinstance(where, str) else part
        for part in given.split(os.pathsep)
    ]
    return f"PYTHONPATH={shell_word(os.pathsep.join(folders))}"


def imported_so(config: Mapping[str, Any] | None, line: str) -> str:
    """``line``, a command about a stored run that imports its model again (``assay resume``,
    ``assay verify``), with the run's ``import_setting`` before it when it kept one: pasted in
    a fresh shell it imports the model as the run did."""
    return f"{setting} {line}" if (setting := import_setting(config)) else line


def _same_folder(a: str, b: str) -> bool:
    try:
        return Path(a).resolve() == Path(b).resolve()
    except (OSError, RuntimeError):
        return False


def rerun_note(
    config: Mapping[str, Any] | None,
    command: str = "",
    *,
    summary: Mapping[str, Any] | None = None,
    files_now: bool = False,
) -> str | None:
    """What a run's rerun ``command`` cannot promise: a run bounded by time (``--max-time``;
    ``assay demo``'s ``--seconds``) stops where the machine's speed took it, so the same seed
    finds what it found only as far as a rerun gets in the same time; and, from the run's
    ``summary``, a model that answered the same input differently or a fairness answer whose
    exact analysis its time cut (``rerun_caveats``).  ``files_now``: also the files the run
    read (its fingerprints) that changed or are gone since (``integrity``), for a stored run
    shown later (``assay show``, ``assay report``; hashing them again costs a read of each).
    ``None`` when there is nothing to say: a run bounded by queries alone, of a
    deterministic model."""
    from assay.core.rerun_caveats import Terms, summary_caveats

    # (a Python call names its arguments; `assay demo` takes no exact-analysis option)
    terms: Terms = (
        "api"
        if command.startswith("assay.")
        else "demo"
        if command.startswith("assay demo")
        else "cli"
    )
    timed = _time_budget_note(config, command, summary)
    late = None if terms == "demo" else _late_switch_note(config, summary, terms == "api")
    from assay.core.piped_paths import piped_note

    named = (config or {}).get("piped")
    named = [str(x) for x in named] if isinstance(named, list) else []
    piped = None if terms == "api" else piped_note(command, named)
    notes = [*(n for n in (piped, timed, late) if n), *summary_caveats(summary, terms=terms)]
    if files_now:
        from assay.core.integrity import changed_files_note

        changed = changed_files_note((config or {}).get("fingerprints"))
        notes = [changed, *notes] if changed else notes
    return "; ".join(notes) if notes else None


def _time_budget_note(
    config: Mapping[str, Any] | None, command: str, summary: Mapping[str, Any] | None = None
) -> str | None:
    budget = (config or {}).get("budget")
    max_time = budget.get("max_time") if isinstance(budget, Mapping) else None
    if isinstance(max_time, bool) or not isinstance(max_time, (int, float)):
        return None
    demo = command.startswith("assay demo")  # (it takes no query budget)
    api = command.startswith("assay.")
    queries = "max_queries" if api else "--max-queries"
    exact = (
        ""
        if demo
        else "the same seed reproduces its findings exactly only when a query budget "
        f"({queries}), not the time, ends the run; "
    )
    given = f"max_time={float(max_time):g}" if api else f"--max-time {float(max_time):g}"
    said = (
        f"this run had a time budget ({f'--seconds {float(max_time):g}' if demo else given}): "
        f"{exact}rerun on another machine or under another load, it stops elsewhere and "
        "finds more, fewer or other findings"
    )
    metrics = (summary or {}).get("metrics")
    asked = metrics.get("queries") if isinstance(metrics, Mapping) else None
    if demo or isinstance(asked, bool) or not isinstance(asked, int) or asked <= 0:
        return said
    # the count reached does not reproduce these findings (a query budget is planned
    # otherwise: another share for each phase), but it gives a run of their size that does
    instead = f"max_queries={asked}" if api else f"--max-queries {asked}"
    return (
        f"{said}; this run's search asked {asked:,} queries: {instead} in place of the time "
        "budget gives a run of about its size whose findings the seed reproduces (not "
        "these: a query budget shares itself among the phases otherwise)"
    )


def _pinned(
    command: str, config: Mapping[str, Any] | None, summary: Mapping[str, Any] | None
) -> str:
    """The fairness walk's ``--optimize auto`` settles on a mode by timing the model's first
    calls (the one choice not made by the seed): the rerun command names the mode it chose,
    so that the same seed and query budget give the same findings on a machine under another
    load."""
    if not command.startswith("assay ") or (config or {}).get("optimize") != "auto":
        return command
    if (config or {}).get("strategy") not in (None, "walk"):
        return command  # (another strategy takes no --optimize: the command would be refused)
    search = (summary or {}).get("search")
    mode = search.get("optimize") if isinstance(search, Mapping) else None
    if mode not in ("queries", "time"):
        return command
    if mode == "queries" and isinstance(search, Mapping) and search.get("optimize_switched"):
        if _late_switch(summary):  # no mode switches where it did: auto, said by the note
            return command
        # switched after timing its first round: "queries" would be query-efficient from the
        # start, another search (146,940 IDIs against this run's 147,988 on German credit)
        mode = "time-then-queries"
    try:
        words = shlex.split(command)
    except ValueError:
        return command
    if words[1:2] != ["fairness"]:  # (`assay demo`, `assay resume` take no --optimize)
        return command
    if any(w == "--optimize" or w.startswith("--optimize=") for w in words):
        return command
    return f"{command} --optimize {mode}"


def _units_said(command: str, config: Mapping[str, Any] | None) -> str:
    """A run on Dask given no ``--units`` ran ``DEFAULT_DASK_UNITS`` (8) units, each its own
    draw of the seed: the rerun command says them (``--units 8``), so that the command, run
    with another executor (in-process, a cluster of another size), still gives the same
    findings; without them an in-process run is one search, another campaign (repro40)."""
    execution = (config or {}).get("execution")
    if not isinstance(execution, Mapping) or execution.get("executor") != "dask":
        return command
    units = execution.get("units")
    if isinstance(units, bool) or not isinstance(units, int) or not command.startswith("assay "):
        return command
    try:
        words = shlex.split(command)
    except ValueError:
        return command
    if words[1:2] not in (["fairness"], ["text"], ["backdoor"]):
        return command
    if any(w == "--units" or w.startswith("--units=") for w in words):
        return command
    return f"{command} --units {units}"


def _classes_said(command: str, config: Mapping[str, Any] | None) -> str:
    """A run stored before its command kept the class names it read from ``--classes @FILE``
    (repro47: now a JSON list of them) reran ``@FILE``: the file read again, its names
    reordered or edited since, the line tested other classes than the run did, saying
    nothing.  Its names, kept in the run's config (``invocation.classes``), are given in the
    file's place, as a run stored now gives them (ops48)."""
    invocation = (config or {}).get("invocation")
    names = invocation.get("classes") if isinstance(invocation, Mapping) else None
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        return command
    if "@" not in command or not command.startswith("assay "):
        return command
    try:
        words = shlex.split(command)
    except ValueError:
        return command
    listed = json.dumps(names, ensure_ascii=False)
    for i, word in enumerate(words):
        if word == "--classes" and i + 1 < len(words) and words[i + 1].startswith("@"):
            words[i + 1] = listed
        elif word.startswith("--classes=@"):
            words[i] = f"--classes={listed}"
        else:
            continue
        return shlex.join(words)
    return command


def _late_switch(summary: Mapping[str, Any] | None) -> int | None:
    """The round after which a fairness walk's ``--optimize auto`` turned query-efficient,
    when it was not the first (under a time budget alone, auto times rounds until their cost
    is clear): ``time-then-queries`` switches after the first round, another search (2,589
    IDIs in 6,042 queries against 2,851 in 6,010), so the rerun command keeps auto."""
    search = (summary or {}).get("search")
    rounds = search.get("optimize_switched_round") if isinstance(search, Mapping) else None
    if isinstance(rounds, bool) or not isinstance(rounds, int) or rounds <= 1:
        return None
    return rounds


def _late_switch_note(
    config: Mapping[str, Any] | None, summary: Mapping[str, Any] | None, api: bool
) -> str | None:
    rounds = _late_switch(summary)
    if rounds is None or (config or {}).get("optimize") != "auto":
        return None
    auto = "optimize='auto'" if api else "--optimize auto"
    pinned = "optimize='time-then-queries'" if api else "--optimize time-then-queries"
    queries = "max_queries" if api else "--max-queries"
    return (
        f"its {auto} timed the model's first {rounds} rounds before it turned "
        f"query-efficient; the rerun keeps {auto} and times the model again, so it turns "
        f"where its own timing says ({pinned} would turn after the first round: another "
        f"search); a run given {queries} in place of the time budget settles its mode on "
        f"its first round (under a query budget {auto} decides at once: query-efficient "
        f"from the second round, or never), not after the {rounds} this run timed, so its "
        "search may part from this one's after the first round"
    )


def _longer_deadline(command: str, config: Mapping[str, Any] | None) -> str:
    """A run that a slow model's calls ended is resumed with a longer ``--call-timeout`` (its
    resume line suggests one), which the run keeps (``config["budget"]``): the rerun command
    gives that deadline, so that pasting it does not end on the first command's again."""
    from assay.core.calls import DEFAULT_CALL_TIMEOUT

    budget = (config or {}).get("budget")
    wanted = budget.get("call_timeout") if isinstance(budget, Mapping) else None
    if isinstance(wanted, bool) or not isinstance(wanted, (int, float)):
        return command
    return _option_set(command, "--call-timeout", float(wanted), float(DEFAULT_CALL_TIMEOUT))


def _batch_said(command: str, config: Mapping[str, Any] | None) -> str:
    """A served run resumed with ``--batch-size N`` (``core.resume_batch``: a 413 stopped
    it) keeps ``N`` in its serving options: the rerun command gives it, so that pasting it
    does not meet the 413 again with the first command's batches (left42s)."""
    inv = (config or {}).get("invocation")
    serving = inv.get("serving") if isinstance(inv, Mapping) else None
    wanted = serving.get("batch_size") if isinstance(serving, Mapping) else None
    if isinstance(wanted, bool) or not isinstance(wanted, int):
        return command
    if wanted == _OLD_DEFAULT_BATCH and "batch" not in command:
        return command  # (a run stored before left41: its untyped default, as stored_serving)
    return _option_set(command, "--batch-size", wanted, None)


def _option_set(command: str, option: str, wanted: float, default: float | None) -> str:
    """``command`` (a test's: fairness, text, backdoor) with ``option`` given ``wanted``,
    when it gives another value (or none, and ``default`` differs from ``wanted``)."""
    try:
        words = shlex.split(command)
    except ValueError:
        return command
    if words[:1] != ["assay"] or words[1:2] not in (["fairness"], ["text"], ["backdoor"]):
        return command  # (`assay demo` takes neither option)
    at = next((i for i, w in enumerate(words) if w.split("=")[0] == option), None)
    given = [] if default is None else [str(default)]
    if at is not None:
        given = words[at].split("=", 1)[1:] if "=" in words[at] else words[at + 1 : at + 2]
    if at is not None and not given:
        return command  # (an option without its value: the command as it was)
    try:
        if given and float(given[0]) == float(wanted):
            return command
    except ValueError:
        return command
    if at is None:
        return f"{command} {option} {wanted:g}"
    words[at : at + (1 if "=" in words[at] else 2)] = [option, f"{wanted:g}"]
    return shlex.join(words)


def store_option(path: str | os.PathLike[str]) -> list[str]:
    """``["--store", path]`` for a command printed for a run in ``path``; nothing for the
    default store (``.assay/runs.db``, where commands look without ``--store``)."""
    from assay.core.store import DEFAULT_STORE

    given = Path(path)
    if given.resolve() == DEFAULT_STORE.resolve():
        return []
    return ["--store", given.as_posix()]


def record_wall_clock(
    store: Any,
    run_id: str,
    seconds: float,
    *,
    counted: str,
    rate: str,
    share: tuple[str, str] | None = None,
) -> None:
    """Put the run's wall-clock seconds (from its start, loading included) in its summary's
    metrics, and metric ``rate``: metric ``counted`` per one of those seconds (never a rate
    over part of the run); ``share``: (metric, summary key) -- the seconds the summary holds
    under the key, as a share of the same wall clock.  The summary says how many sessions
    the run took so far (``sessions``: ``config["sessions"]``, counted as each resume or
    finish starts; 1: never stopped), so every run has the key."""
    record = store.get_run(run_id)
    summary = dict(record.summary or {})
    metrics = summary.get("metrics")
    if not isinstance(metrics, dict) or seconds <= 0:
        return
    summary["sessions"] = int(record.config.get("sessions") or 1)
    if counted in metrics:  # (a backdoor model scan counts no images)
        metrics[rate] = round(float(metrics[counted] or 0) / seconds, 6)
    if share is not None:
        inside = summary.get(share[1])
        if isinstance(inside, int | float) and not isinstance(inside, bool):
            metrics[share[0]] = round(min(float(inside) / seconds, 1.0), 6)
    # four significant digits: a short run's 0.11 s beside 88 images per second read as if
    # the rate were 91 (10 images in 0.1134 s)
    metrics["wall-clock seconds"] = float(f"{seconds:.4g}")
    store.checkpoint(run_id, summary=summary)


def earlier_wall_seconds(record: Any) -> float:
    """The wall-clock seconds a run's earlier sessions took, for the session that resumes
    it (so that its rates stay per wall-clock second from the run's start): the figure its
    last ended session recorded (``metrics["wall-clock seconds"]``, every session before it
    counted), or the engine's own seconds kept by the last checkpoint when that is more
    (a session killed after it), or, where the run kept its sessions' search starts
    (``core.search_starts``), the last one's and the engine's seconds since: a session
    killed in its search then counts from its own start, its loading and checks included
    (before, the engine's seconds alone)."""
    metrics = (record.summary or {}).get("metrics") or {}
    recorded = metrics.get("wall-clock seconds") if isinstance(metrics, dict) else None
    engine = (record.progress or {}).get("elapsed")
    figures = [
        float(x)
        for x in (recorded, engine)
        if isinstance(x, int | float) and not isinstance(x, bool) and x > 0
    ]
    return max([*figures, wall_from_starts(record)], default=0.0)
