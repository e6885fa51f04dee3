"""The JUnit suite name of a command that made no run (``cli.leftover.error_junit``).

Every such file was ``assay.COMMAND`` with one case ``no run``: two failed commands in one CI
job (two models, or ``--protected sex`` then ``race``) were one test to GitLab or Jenkins,
the second's error hiding the first's.  The name is now built as a run's is
(``report.junit_subject.suite_name``) from what was typed: the model spec (or classifiers),
the data file, the protected attributes, the grammar and oracle, the scan, the options that
change what is tested; ``assay.resume [RUN]`` for a command about a stored run.  The same
command keeps its name when it fails again, and when it is fixed its run's suite has the
name its failures had (when the typed values are the run's: a ``--protected`` written with
spaces, ``sex, race``, is stored as ``sex, race`` too).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["no_run_name", "parsed"]

_ABOUT_A_RUN = ("resume", "verify", "report", "show", "delete", "salvage")


def parsed(command: str, args: Sequence[str]) -> dict[str, Any] | None:
    """The command line ``args`` (after ``assay``) read by the command's own parser without
    failing (click's resilient parsing: a bad value or unknown option is passed over), or
    None when it cannot be read."""
    try:
        import typer

        from assay.cli.app import app

        group = typer.main.get_command(app)
        sub = getattr(group, "commands", {}).get(command)
        if sub is None:
            return None
        words = list(args)
        if words[:1] == [command]:
            words = words[1:]
        # (an unknown option stops click's reading, the model before it lost: left out)
        known = {name for param in sub.params for name in getattr(param, "opts", [])}
        words = [
            w for w in words if not w.startswith("-") or w.split("=", 1)[0] in known or _number(w)
        ]
        ctx = sub.make_context(command, words, resilient_parsing=True)
        return dict(ctx.params)
    except Exception:  # (a name is a courtesy: the error it reports matters more)
        return None


def no_run_name(command: str, params: Mapping[str, Any] | None) -> str:
    """``assay.COMMAND [SUBJECT]`` from the command's parsed ``params``; ``assay.COMMAND``
    when they name nothing."""
    from assay.report.junit_subject import suite_name

    if not params:
        return f"assay.{command}"
    if command in _ABOUT_A_RUN:
        run_id = params.get("run_id")
        named = isinstance(run_id, str) and run_id
        return f"assay.{command} [{run_id}]" if named else f"assay.{command}"
    return suite_name({"technique": command, **_as_stored(command, params)})


def _as_stored(command: str, p: Mapping[str, Any]) -> dict[str, Any]:
    """The parts of a run record ``suite_name`` reads, as the run would store them."""
    if command == "text":
        from assay.text.generate import DEFAULT_MAX_DEPTH

        models = [str(m) for m in p.get("models") or ()]
        grammar = p.get("grammar")
        config = {
            "grammar": {"source": _text(grammar)} if grammar else None,
            "oracle": p.get("oracle"),
            "mode": p.get("mode"),
            "top_k": p.get("top_k"),
            "threshold": p.get("threshold"),
            "strategy": p.get("strategy") or "walk",
            "floor": p.get("floor"),
            "weighted": not p.get("uniform"),
            "max_depth": p.get("max_depth"),
            "max_depth_default": DEFAULT_MAX_DEPTH,
        }
        return {"model": {"classifiers": [{"spec": m} for m in models]}, "config": config}
    model = {"spec": _text(p.get("model"))} if p.get("model") else {}
    if command == "fairness":
        protected = [x.strip() for x in str(p.get("protected") or "").split(",") if x.strip()]
        data = p.get("data") or p.get("dataset")
        config = {
            "protected": protected,
            "source": {"data": _text(data)} if data else {},
            "strategy": p.get("strategy") or "walk",
        }
        return {"model": model, "config": config}
    if command == "backdoor":
        images, clean = p.get("images"), p.get("clean")
        scan = "model" if p.get("model_scan") or (images is None and clean) else "inputs"
        files = {"images": images, "clean": clean}
        config = {
            "mode": scan if images is not None or clean else None,
            "source": {k: _text(v) for k, v in files.items() if v is not None},
            "strategy": p.get("strategy") or "assay",
        }
        return {"model": model, "config": config}
    return {"model": model, "config": {}}


def _text(value: Any) -> str:
    return os.fspath(value) if isinstance(value, os.PathLike) else str(value)


def _number(word: str) -> bool:
    """Whether ``word`` is a negative number (a value, not an option: ``--threshold -0.5``)."""
    try:
        float(word)
    except ValueError:
        return False
    return True
