"""A resumed run's URL given again, checked before the resume begins.

A run whose endpoint URL held credentials or query values (``?api_key=...``) stores it
masked: ``assay resume RUN`` needs it again (``--model URL``).  The check was made while
the run loaded, after the resume had begun: the run it refused was left ``failed`` (a
``model_unavailable`` run, resumable, among them), and the command then said "a resume
keeps this run's options: fix the problem in a new run" beside "give the URL again" (a new
run loses the findings kept).  The printed resume line's literal ``--model URL``, pasted as
printed, was told only "URL is not the run's model" (hostile51).  Checked here first, a
refusal leaves the run as it was.  ``assay verify`` of such a run is checked the same way
before it begins (``check_verify_url``): without ``--model`` it was told "give the URL again:
assay resume RUN --model URL", a resume's line for a verify, and the word ``URL`` pasted "URL
is not the run's model" (hostile51b).  An empty ``--model`` (``"$MODEL_URL"`` of a variable
unset) was told " is not the run's model", an empty name (mutation52)."""

from __future__ import annotations

import os
import shlex
from typing import Any

from assay.core.redact import GivenAgain, is_redacted, masked_url_refused, specs_given_again
from assay.core.run_commands import anywhere
from assay.core.store import RunRecord
from assay.errors import UsageError

__all__ = ["check_url_again", "check_verify_url"]

PLACEHOLDER = "URL"  # the word a printed resume line holds in the URL's place


def check_url_again(record: RunRecord, given: str | GivenAgain | None) -> None:
    """Refuse (``UsageError``, argument ``--model``) a resume of ``record`` that does not give
    again the URL its run stored masked, or gives the resume line's ``URL`` word itself."""
    specs, masked = _specs(record)
    if not masked:
        return
    _no_placeholder(given, masked)
    specs_given_again(specs, given, run_id=record.id)


def check_verify_url(
    record: RunRecord, given: str | GivenAgain | None, store: str | os.PathLike[str]
) -> None:
    """Refuse (``UsageError``, argument ``--model``) before it begins a verify of ``record``
    (in ``store``) that gives no URL in place of the one its run stored masked, or gives the
    ``URL`` word itself, or a masked URL pasted.  (Which model is given is the loader's to
    check: verify may replay against another.)"""
    _, masked = _specs(record)
    if not masked:
        return
    if not given:
        line = shlex.join(["assay", "verify", record.id, "--store", str(anywhere(store))])
        raise UsageError(
            f"run {record.id}'s model URL ({masked[0]}) held credentials or query values, "
            "which assay never stores; give the URL again, in place of URL: "
            f"{line}{f' --model {PLACEHOLDER}' * len(masked)} ({_STANDS})",
            argument="--model",
        )
    _no_placeholder(given, masked)


_STANDS = (
    f"{PLACEHOLDER} stands for the run's endpoint address with the real values of what is "
    "masked there, which assay never stores: give that URL in its place, from the variable "
    'that holds it (--model "$MODEL_URL")'
)


def _specs(record: RunRecord) -> tuple[list[Any], list[str]]:
    """The run's stored model specs, and those of them stored masked."""
    inv = record.config.get("invocation") or {}
    stored: Any = inv.get("models") if record.technique == "text" else inv.get("model")
    specs = [s for s in (stored if isinstance(stored, list) else [stored]) if s is not None]
    return specs, [s for s in specs if isinstance(s, str) and is_redacted(s)]


def _no_placeholder(given: str | GivenAgain | None, masked: list[str]) -> None:
    """Refuse the printed line's ``URL`` word given as the URL, and a masked URL pasted."""
    words = [given] if isinstance(given, str) else list(given or ())
    if "" in words:  # (``--model "$MODEL_URL"``, the variable unset: " is not the run's model")
        raise UsageError(
            'the URL given is empty (a variable given as --model "$MODEL_URL" that is unset or '
            f"empty?): give the run's endpoint address ({masked[0]}) with the real values of "
            "what is masked there",
            argument="--model",
        )
    if PLACEHOLDER in words:
        raise UsageError(
            _STANDS.replace("endpoint address", f"endpoint address ({masked[0]})"),
            argument="--model",
        )
    for word in words:  # (the "to reproduce" line's ``?api_key=***`` pasted: said as such)
        masked_url_refused(word, argument="--model")
