"""The API's keyword arguments, in the caller's terms.

``check_fairness(model, data=frame, protected="sex", max_query=5000)`` raised ``TypeError:
_setup() got an unexpected keyword argument 'max_query'``: a private function's name, and
nothing about the one meant.  The API functions check the options they pass on first.  And
an error about an argument named it as the command line spells it (``argument --protected``,
``argument --max-queries``) to a Python caller, who wrote ``protected=`` and
``max_queries=``: ``in_callers_terms`` names it as the caller wrote it.
"""

from __future__ import annotations

import contextlib
import contextvars
import difflib
import functools
import inspect
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, TypeVar

from assay.core.map_lines import lines_as_dict
from assay.core.slow_resume import longer_deadline
from assay.errors import ClusterError, ModelError, ModelUnavailable, StoreError, UsageError

__all__ = [
    "BATCH_HINT",
    "calls_for_commands",
    "check_keywords",
    "from_the_command_line",
    "in_callers_terms",
    "on_the_command_line",
]

F = TypeVar("F", bound=Callable[..., Any])

# set while a command calls an API function that takes no ``argv`` (``assay resume``
# calling ``resume_run``): its errors stay in the command line's terms
_COMMAND_LINE: contextvars.ContextVar[bool] = contextvars.ContextVar("command_line", default=False)


@contextlib.contextmanager
def on_the_command_line() -> Iterator[None]:
    """Within it, ``in_callers_terms`` leaves errors as the command line names them."""
    token = _COMMAND_LINE.set(True)
    try:
        yield
    finally:
        _COMMAND_LINE.reset(token)


def from_the_command_line() -> bool:
    """Whether a command calls the API function now running (``on_the_command_line``)."""
    return _COMMAND_LINE.get()


def _names(fn: Callable[..., Any]) -> set[str]:
    kinds = (inspect.Parameter.KEYWORD_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return {p.name for p in inspect.signature(fn).parameters.values() if p.kind in kinds}


def check_keywords(
    function: str, given: Mapping[str, Any], takers: Iterable[Callable[..., Any]]
) -> None:
    """A ``TypeError`` naming ``function`` (the one the user called) and the closest names it
    takes, for every keyword in ``given`` that none of ``takers`` (the function itself and
    the one its options are passed to) accepts."""
    accepted: set[str] = set()
    for fn in takers:
        accepted |= _names(fn)
    for key in given:
        if key in accepted:
            continue
        close = difflib.get_close_matches(key, sorted(accepted), n=3, cutoff=0.6)
        hint = f"; did you mean {' or '.join(close)}?" if close else ""
        raise TypeError(
            f"{function}() got an unexpected keyword argument {key!r}{hint} (it takes: "
            f"{', '.join(sorted(a for a in accepted if not a.startswith('_')))})"
        )


def in_callers_terms(
    *takers: Callable[..., Any], renamed: Mapping[str, str] | None = None
) -> Callable[[F], F]:
    """Decorate an API function: a ``UsageError`` about a command-line option (``--max-queries``,
    ``MODEL``, ``RUN_ID``) that the function (or one of ``takers``, those its options are
    passed to) takes as a keyword is raised naming the keyword (``max_queries``, ``model``,
    ``run_id``), and a ``StoreError``'s advice names ``store=``, not ``--store``, when the
    function was called from Python (the command line passes ``argv`` or a ``setup``, or
    calls it ``on_the_command_line``: its own terms).
    ``renamed``: an option whose keyword is named otherwise (``check_text``'s classifiers,
    ``MODEL`` on the command line: ``{"model": "models"}``)."""
    other_names = dict(renamed or {})

    def decorate(fn: F) -> F:
        accepted: set[str] = _names(fn)
        for taker in takers:
            accepted |= _names(taker)
        by_position = _positional(fn)

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if len(args) > len(by_position):
                raise TypeError(_too_many(fn.__name__, by_position, len(args)))
            try:
                return fn(*args, **kwargs)
            except ModelError as exc:
                if not _command_line(kwargs):  # (the same error, its cause and type kept)
                    said = _model_error_for_python(str(exc), exc)
                    exc.args = (_failure_in_keywords(said, accepted, other_names),)
                raise
            except ClusterError as exc:
                if not _command_line(kwargs):
                    exc.args = (_failure_in_keywords(str(exc), accepted, other_names),)
                raise
            except StoreError as exc:
                if _command_line(kwargs) or type(exc) is not StoreError or "store" not in accepted:
                    raise
                said = str(exc)
                if "--store" not in said:
                    raise
                raise StoreError(_store_in_keywords(said)) from None
            except UsageError as exc:
                if _command_line(kwargs):
                    raise
                given = exc.argument or ""
                name = given.lstrip("-").replace("-", "_").lower()
                name = other_names.get(name, name)
                # ("give the URL again: assay resume RUN --model URL": the call, to a caller;
                # "give --range (e.g. --range 0,255)" of an argument named as the caller
                # named it, ``clean``: ``value_range=(0, 255)``, hostile49)
                said = _prose_in_keywords(
                    calls_for_commands(exc.bare_message), accepted, other_names
                )
                if (name == given or name not in accepted) and said == exc.bare_message:
                    raise
                raise UsageError(
                    said,
                    argument=name if name in accepted else exc.argument,
                    path=exc.path,
                    line=exc.line,
                    column=exc.column,
                ) from None

        return wrapper  # type: ignore[return-value]

    return decorate


# a model's failure that reads as a limit on its inputs a call (``models.checked`` says it;
# ``cli.model_again`` reads it to give the resume line its --batch-size)
BATCH_HINT = "--batch-size N makes assay's calls no larger"
# a model failure whose fix is an option the run keeps (``--cutoff``): a new run, no resume
_NEW_RUN = "a resumed run keeps this one's options"


def _model_error_for_python(message: str, exc: ModelError) -> str:
    """A model's failure as a Python caller reads it: the option that splits assay's calls
    as its keyword (``serving={"batch_size": N}``, not the command line's ``--batch-size
    N``), and, raised out of a run, the run that keeps what was found and the call that
    continues it once the model is fixed (the command line prints "run RUN: failed, N
    findings stored; ... continue with: assay resume RUN"; a notebook was told neither:
    ``core.call_exit`` names the run on the error)."""
    said = message.replace(BATCH_HINT, 'serving={"batch_size": N} makes assay\'s calls no larger')
    if exc.run_id is None or f"run {exc.run_id} " in said:
        return said
    n = exc.n_findings
    stored = f"{n:,} finding{'' if n == 1 else 's'} stored"
    where = f", store={exc.store!r}" if exc.store else ""
    again = "(the model, and data or images held in memory, given again)"
    if exc.run_status == "verified":  # (verify_run: the run is read, never changed)
        # (verify_run takes no serving=; its own batch_size splits its calls: left50)
        said = message.replace(BATCH_HINT, "batch_size=N makes assay's calls no larger")
        return (
            f"{said}; run {exc.run_id} is as it was ({stored}); once the model answers, "
            f"verify it again with assay.verify_run({exc.run_id!r}{where}) {again}"
        )
    if BATCH_HINT in message:  # (resume_run takes it too: a local model's calls, left49h)
        again = again[:-1] + "; batch_size=N makes its calls no larger)"
    if exc.run_status == "unfinished":  # (its search ended; what follows it is missing)
        return (
            f"{said}; run {exc.run_id} stopped after its search ended, {stored}, not "
            "finished; once the problem is fixed, finish it (no new search) with "
            f"assay.resume_run({exc.run_id!r}{where}) {again}"
        )
    how = "stopped, its model unavailable" if isinstance(exc, ModelUnavailable) else "failed"
    kept = f"{said}; run {exc.run_id} {how}, {stored}"
    if _NEW_RUN in said:  # (its options are what failed, and a resume keeps them)
        return kept
    # (a slow model, not a broken one: the command line's resume line gives it 4 times the
    # deadline, --call-timeout 4 of 1; a Python caller was told the call without it)
    where += longer_deadline(message)
    return (
        f"{kept}; once the problem is fixed, continue it with assay.resume_run("
        f"{exc.run_id!r}{where}) {again}"
    )


# the served-model options a model's failure advises (``--rate-limit``, ``--header-env``):
# a Python caller gives them in ``serving={...}``
_SERVING = (
    "rate-limit",
    "header-env",
    "concurrency",
    "timeout",
    "retries",
    "max-error-rate",
    "batch-size",
)
_SERVING_FLAG = re.compile(r"--(" + "|".join(_SERVING) + r")\b(?!-)(?: (\d+(?:\.\d+)?)\b)?")


def _failure_in_keywords(message: str, accepted: set[str], renamed: Mapping[str, str]) -> str:
    """A model's or a cluster's failure as a Python caller reads it: its options as the
    call's keywords (``--call-timeout`` -> ``call_timeout``, ``--max-time`` -> ``max_time``)
    and the served-model ones as ``serving``'s keys (``--rate-limit`` ->
    ``serving["rate_limit"]``), but those of an ``assay`` command quoted for the shell (the
    same rule as a usage error's, ``_prose_in_keywords``)."""

    def serving(part: str) -> str:
        if "serving" not in accepted:
            return part

        def key(m: re.Match[str]) -> str:
            name = m[1].replace("-", "_")  # (a keyword of its own, resume_run's batch_size)
            if name in accepted:
                return m[0]
            return f'serving["{name}"]' if m[2] is None else f'serving={{"{name}": {m[2]}}}'

        return _SERVING_FLAG.sub(key, part)

    said = _outside_commands(calls_for_commands(message), serving)
    return _prose_in_keywords(said, accepted, renamed)


def _positional(fn: Callable[..., Any]) -> tuple[str, ...]:
    """The names of the parameters ``fn`` takes by position, in order."""
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return tuple(p.name for p in inspect.signature(fn).parameters.values() if p.kind in kinds)


def _too_many(function: str, by_position: tuple[str, ...], given: int) -> str:
    """Python's own "takes from 0 to 2 positional arguments but 3 were given", with what
    the extra ones must be given as: ``function`` takes its other arguments by name."""
    takes = " and ".join(by_position) or "nothing"
    example = ", ".join([*by_position, "NAME=VALUE", "..."])
    return (
        f"{function}() takes {takes} by position, but {given} arguments were given by "
        f"position; give the others by name: {function}({example})"
    )


def _command_line(kwargs: Mapping[str, Any]) -> bool:
    """Whether the command line made the call (in its own terms, its errors too)."""
    return _COMMAND_LINE.get() or kwargs.get("argv") is not None or kwargs.get("setup") is not None


def _store_in_keywords(message: str) -> str:
    """A store's advice (``give another --store``, ``pass --store elsewhere``) in the API's
    keyword; the default store (a path the caller never wrote) named in full."""
    from assay.core.store import DEFAULT_STORE

    if message.startswith(f"{DEFAULT_STORE}:"):
        message = f"{DEFAULT_STORE.absolute()}{message[len(str(DEFAULT_STORE)) :]}"

    def turn(part: str) -> str:
        part = part.replace("give another --store", "give store= another path")
        part = part.replace("pass --store elsewhere", "give store= another path")
        return re.sub(r"--store\b ?", "store=", part)

    # (an ``assay resume RUN --store PATH`` printed whole stays as typed, or is the call)
    return _outside_commands(calls_for_commands(message), turn)


# an option, and the number given it: advised ("give --call-timeout 120", "(--call-timeout
# 120; ...)"), the keyword as typed, ``call_timeout=120``; said of a run ("at or above
# --fail-on 0", "with --cutoff 600"), prose as before: ``fail_on 0`` (left53)
_FLAG = re.compile(r"--([a-z][a-z-]*)(?: (-?\d+(?:\.\d+)?)\b(?![.,]\d))?")
_ADVISED = ("give ", "(", "try ", "e.g. ", "use ", "set ", "pass ")
# the options listed before one in the same advice ("give --images, --max-trigger 6 and
# --fpr 0.01": each of them advised, not only the first after "give")
_LISTED_BEFORE = re.compile(r"(?:--[a-z][a-z-]*(?: -?\d+(?:\.\d+)?)?(?:,? and |,? or |, ))+$")
# an option and its value where the keyword takes more than the command line's FILE
_API_FORMS = {
    "--input-shape C,H,W": "input_shape=(C, H, W)",
    "--label decided": 'label="decided"',
    "--label-map FILE": "label_map= (a file, or a dict {CLASSIFIER: {LABEL: COMMON}}, the "
    "classifier by its position from 0 or its name)",
    "--missing drop": 'missing="drop"',
    "--missing value": 'missing="value"',
    "--no-second-opinion": "second_opinion=False",
    "--executor inprocess": 'executor="inprocess"',
    "--strategy strip": 'strategy="strip"',
    "--strategy assay": 'strategy="assay"',
}


def _keyword_of(flag: str) -> str:
    """The keyword an ``_API_FORMS`` option sets: ``--missing drop`` -> ``missing``, a
    switch's negative ``--no-second-opinion`` -> ``second_opinion``."""
    name = flag.split()[0][2:]
    return name.removeprefix("no-").replace("-", "_")


# an option and its value where the keyword takes a tuple: ``--range 0,255``
_PAIR = re.compile(r"--range (-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)\b")
# an option taking one of a few words: ``--strategy strip`` -> ``strategy="strip"``
_CHOICE = re.compile(r"--(strategy|oracle|mode) ([a-z][a-z0-9]*)\b")


# a command line quoted whole for the shell (``a stopped run: assay resume RUN_ID
# --batch-size 8``, ``assay fairness --export``), to the end of its clause: its options stay
# as typed.  Prose naming assay ("assay reads 16-bit images as 0..65535 ...; give --range",
# "--input-shape C,H,W tells assay the model takes them so") is no command: its options are
# the caller's keywords (a message holding "assay " kept every option unturned, left52c)
_QUOTED_COMMAND = re.compile(
    r"\bassay (?:fairness|text|backdoor|demo|runs|show|report|resume|verify|delete|prune"
    r"|salvage|code)\b[^;()]*?(?=[;()]|, |\. |\.?$)"
)


def _prose_in_keywords(
    message: str, accepted: set[str], renamed: Mapping[str, str] | None = None
) -> str:
    """A message's command-line options in the caller's keywords (``--max-queries`` ->
    ``max_queries``; ``renamed``: an option whose keyword is named otherwise, ``--range`` ->
    ``value_range``), but those of an ``assay`` command it quotes for the shell
    (``_QUOTED_COMMAND``); left alone when it already gives the Python form beside the
    command line's ("in Python ...")."""
    if "in Python" in message:  # (written for both already)
        return message
    return _outside_commands(message, lambda part: _options_in_keywords(part, accepted, renamed))


def _outside_commands(message: str, turn: Callable[[str], str]) -> str:
    """``message`` with ``turn`` applied to each stretch of it outside the ``assay``
    commands it quotes (``_QUOTED_COMMAND``), which stay as typed."""
    parts = _QUOTED_COMMAND.split(message)
    commands = [m.group(0) for m in _QUOTED_COMMAND.finditer(message)]
    return "".join(turn(p) + c for p, c in zip(parts, [*commands, ""], strict=True))


def _options_in_keywords(
    message: str, accepted: set[str], renamed: Mapping[str, str] | None = None
) -> str:
    """``_prose_in_keywords`` of a message (or a part of one) quoting no command."""
    other = dict(renamed or {})
    if other.get("range") in accepted:  # ("--range 0,255": value_range=(0, 255))
        message = _PAIR.sub(lambda m: f"{other['range']}=({m[1]}, {m[2]})", message)
    message = _CHOICE.sub(lambda m: f'{m[1]}="{m[2]}"' if m[1] in accepted else m[0], message)

    for flag, python in _API_FORMS.items():  # (a keyword taking more than the option)
        if _keyword_of(flag) in accepted:
            message = message.replace(flag, python)
    if "label_map" in accepted:  # (its lines, counted from 1, as the dict, from 0)
        message = lines_as_dict(message)

    def keyword(m: re.Match[str]) -> str:
        name = m.group(1).replace("-", "_")
        name = other.get(name, name)
        if name not in accepted:
            return m.group(0)
        if m.group(2) is not None:  # (advised, ``call_timeout 120`` read as two words)
            before = _LISTED_BEFORE.sub("", m.string[: m.start()])
            if before.endswith(_ADVISED):
                return f"{name}={m.group(2)}"
            return f"{name} {m.group(2)}"
        after = m.string[m.end() :]
        # a switch given alone ("pass --force to continue"): its Python form is name=True
        alone = not after or after.startswith((" to ", " again", ",", ";", ".", ")"))
        return f"{name}=True" if alone and m.string[: m.start()].endswith("pass ") else name

    return _FLAG.sub(keyword, message)


# ``assay resume RUN ...`` / ``assay verify RUN ...`` in a message, to the end of its clause
# (with the ``PYTHONPATH=...`` a shell needs before it, which a Python caller's call does not:
# its ``sys.path`` already imports the model)
_RERUN = re.compile(
    r"(?:\bPYTHONPATH=(?:'[^']*'|[^\s;,()]+) )?"
    r"\bassay (resume|verify) ([^\s;,()]+)((?: [^\s;,()]+)*)"
)
_FUNCTIONS = {"resume": "resume_run", "verify": "verify_run"}
# the options a printed resume or verify command gives, as the functions' keywords
_SWITCHES = {"--force": "force", "--allow-pickle": "allow_pickle"}
_VALUED = {
    "--model": "model",
    "--store": "store",
    "--call-timeout": "call_timeout",
    "--batch-size": "batch_size",
    "--label-map": "label_map",
    "--model-type": "model_type",
}


def calls_for_commands(message: str) -> str:
    """``message`` with each ``assay resume RUN ...`` or ``assay verify RUN ...`` it holds
    written as the Python call that does the same (``assay.resume_run('RUN', model=URL)``),
    for an API caller; a command with an option the function has no keyword for (a report
    file, which the API does not write) is left as it is."""

    def call(m: re.Match[str]) -> str:
        words = m.group(3).split()
        keywords: dict[str, list[str]] = {}
        i = 0
        while i < len(words):
            word = words[i]
            if word in _SWITCHES:
                keywords[_SWITCHES[word]] = ["True"]
                i += 1
            elif word in _VALUED and i + 1 < len(words):
                keywords.setdefault(_VALUED[word], []).append(_value(words[i + 1]))
                i += 2
            else:
                return m.group(0)
        shown = [_value(m.group(2))] + [
            f"{key}={values[0] if len(values) == 1 else '[' + ', '.join(values) + ']'}"
            for key, values in keywords.items()
        ]
        return f"assay.{_FUNCTIONS[m.group(1)]}({', '.join(shown)})"

    return _RERUN.sub(call, message)


def _value(word: str) -> str:
    """A command's value as the call's: a placeholder (``URL``, ``RUN``) as it is, a number
    as written, anything else quoted."""
    if (word.isidentifier() and word.isupper()) or word == "True":
        return word
    try:
        float(word)
    except ValueError:
        return repr(word)
    return word
