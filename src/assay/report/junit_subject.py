"""What a run's JUnit suite is named by: the technique and what the run tested (the model
or classifiers, and the protected attributes, the oracle and grammar, or the scan), so
that two runs' files in one CI job (two models, or ``sex`` then ``race``) are two suites
and two sets of cases, not one merged by name.  Built from the run's command-line facts
only (no run id, seed or time): a rerun of the same command keeps its names, and CI
follows its trends."""

from __future__ import annotations

from typing import Any

from assay.core.redact import redact_text
from assay.report._text import safe_text

__all__ = ["suite_name"]

_LIMIT = 200  # characters of the subject; the rest written "..."


def suite_name(run: dict[str, Any]) -> str:
    """``assay.TECHNIQUE [SUBJECT]``: e.g. ``assay.fairness [pipe.joblib; protected sex,
    city]``, ``assay.text [a.py:f, b.py:g; differential; builtin:reviews]``, ``assay.backdoor
    [model.pt; input scan of images]``; ``assay.TECHNIQUE`` alone when the run names no
    model."""
    technique = safe_text(run.get("technique") or "run")
    subject = _subject(run, technique)
    if not subject:
        return f"assay.{technique}"
    subject = " ".join(safe_text(redact_text(subject)).split())
    if len(subject) > _LIMIT:
        subject = subject[: _LIMIT - 3] + "..."
    return f"assay.{technique} [{subject}]"


def _protected(spec: object) -> str:
    """A protected attribute as the suite names it: ``sex``, ``age:bins=30,50``, a name
    holding a comma quoted (``'Geschlecht (m,w)'``: two attributes otherwise)."""
    name, bins, edges = str(spec).partition(":bins=")
    return (repr(name) if "," in name else name) + bins + edges


def _builtin(config: dict[str, Any]) -> str | None:
    """A fairness run's built-in model as its command named it (``builtin:forest``; the
    default ``builtin:tree``), where the stored model's spec is the trained object's class
    (``<sklearn.pipeline.Pipeline>`` for every built-in model of a data set: two suites of one
    name in one CI job, hostile53b); None for any other model."""
    spec = _dict(config.get("invocation")).get("model")
    return spec if isinstance(spec, str) and spec.startswith("builtin:") else None


def _subject(run: dict[str, Any], technique: str) -> str:
    model = _dict(run.get("model"))
    config = _dict(run.get("config"))
    if technique == "text":
        specs = [
            str(c.get("spec") or "") for c in model.get("classifiers") or [] if isinstance(c, dict)
        ]
        grammar = config.get("grammar")
        source = grammar.get("source") if isinstance(grammar, dict) else None
        parts = [
            ", ".join(s for s in specs if s),
            config.get("oracle"),
            # (a file by its name, not its folder; ``builtin:NAME`` as it is)
            _name(source) if source else None,
            *_text_options(config),
        ]
    elif technique == "fairness":
        protected = config.get("protected")
        named = (
            f"protected {', '.join(_protected(p) for p in protected)}"
            if isinstance(protected, list) and protected
            else None
        )
        source = _dict(config.get("source"))
        # (a built-in dataset by its name, as a command refused before its run names it:
        # ``cli.no_run_name``; two data sets, two suites)
        data = _name(source.get("data") or source.get("dataset"))
        strategy = config.get("strategy")
        parts = [
            _builtin(config) or model.get("spec"),
            f"data {data}" if data else None,  # (two data files: two suites)
            named,
            f"strategy {strategy}" if strategy and strategy != "walk" else None,
        ]
    else:
        parts = [model.get("spec"), _scan(config) if technique == "backdoor" else None]
    return "; ".join(str(p) for p in parts if p)


def _text_options(config: dict[str, Any]) -> list[str]:
    """The options of a text run that change what it tests, when not their defaults: the
    differential check (``--mode``), the search (``--strategy``), a suite's floor of random
    cases (``--floor``), the grammar's weights ignored (``--uniform``), the deepest derivation
    (``--max-depth``)."""
    out = []
    mode = config.get("mode")
    if config.get("oracle") == "differential" and mode and mode != "top1":
        extra = {"topk": config.get("top_k"), "distance": config.get("threshold")}.get(str(mode))
        out.append(f"mode {mode}" + (f" {extra}" if extra is not None else ""))
    strategy = config.get("strategy")
    if strategy and strategy != "walk":
        out.append(f"strategy {strategy}")
    if config.get("floor"):
        out.append(f"floor {config['floor']}")
    if config.get("weighted") is False:
        out.append("uniform")
    depth, default = config.get("max_depth"), config.get("max_depth_default")
    if default is not None and depth is not None and depth != default:
        out.append(f"max depth {depth}")  # (stored with the default it differs from)
    return out


def _name(path: Any) -> str:
    """A file's name without its folder (a CI checkout's path changes from job to job)."""
    return str(path or "").replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]


def _scan(config: dict[str, Any]) -> str | None:
    """A backdoor run's scan: ``model scan of CLEAN``, or ``input scan of FOLDER, clean
    CLEAN`` (names, not paths: a CI checkout's folder changes from job to job; the clean
    images verify each trigger, so two clean folders are two tests) and the strategy when
    not assay's (a model scan has none)."""
    mode = config.get("mode")
    source = _dict(config.get("source"))
    clean = _name(source.get("clean"))
    if mode != "inputs":
        return f"{mode} scan" + (f" of {clean}" if clean else "") if mode else None
    name = _name(source.get("images"))
    strategy = config.get("strategy")
    return (
        "input scan"
        + (f" of {name}" if name else "")
        + (f", clean {clean}" if clean else "")
        + (f", strategy {strategy}" if strategy and strategy != "assay" else "")
    )


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
