"""``--json`` takes no value: ``assay fairness --dataset german --json g.json`` read ``g.json``
as the MODEL ("no such file, and not a callable spec or URL: g.json"), the user left to
guess that ``--json`` prints to stdout and that the report file is ``--report``."""

from __future__ import annotations

from typing import Any

from assay.errors import UsageError

__all__ = ["json_taken_as_model", "json_value_said"]


def json_taken_as_model(exc: UsageError, kwargs: dict[str, Any]) -> UsageError:
    """``exc`` (a MODEL refused) said as ``--json``'s value taken for the model, when the run
    was given ``--json`` and a MODEL naming a ``.json`` file that is not there."""
    model = kwargs.get("model")
    if not kwargs.get("as_json") or not isinstance(model, str) or exc.argument != "MODEL":
        return exc
    if not model.lower().endswith(".json") or "no such file" not in exc.bare_message:
        return exc
    return UsageError(
        f"takes no value (it prints the run's summary as JSON on stdout), so {model} "
        f"was read as the MODEL, and there is no such file; to write the JSON report to a "
        f"file, give --report {model}, and name the model (or --dataset NAME alone for a "
        "built-in model)",
        argument="--json",
    )


def json_value_said(message: str, args: list[str]) -> str:
    """The parser's "Got unexpected extra argument(s) (g.json)" for ``m.skops --json g.json``
    (the MODEL given too), with why: the word after ``--json`` is no value of it."""
    if "unexpected extra argument" not in message:
        return message
    options = args[: args.index("--")] if "--" in args else args
    after = [options[i + 1] for i, a in enumerate(options[:-1]) if a == "--json"]
    if not after or (f"({after[0]})" not in message and f"({after[0]} " not in message):
        return message
    return (
        f"{message}: --json takes no value (it prints the run's summary as JSON on stdout); "
        f"to write the JSON report to a file, give --report {after[0]}"
    )
