"""A resumed run's URL given again, checked before the resume begins.

A run whose endpoint URL held credentials or query values (``?api_key=...``) stores it
masked: ``assay resume RUN`` needs it again (``--model URL``).  The check was made while
the run loaded, after the resume had begun: the run it refused was left ``failed`` (a
``model_unavailable`` run, resumable, among them), and the command then said "a resume
keeps this run's options: fix the problem in a new run" beside "give the URL again" (a new
run loses the findings kept).  The printed resume line's literal ``--model URL``, pasted as
printed, was told only "URL is not the run's model" (hostile51).  Checked here first, a
refusal leaves the run as it was."""

from __future__ import annotations

from typing import Any

from assay.core.redact import GivenAgain, is_redacted, masked_url_refused, specs_given_again
from assay.core.store import RunRecord
from assay.errors import UsageError

__all__ = ["check_url_again"]

PLACEHOLDER = "URL"  # the word a printed resume line holds in the URL's place


def check_url_again(record: RunRecord, given: str | GivenAgain | None) -> None:
    """Refuse (``UsageError``, argument ``--model``) a resume of ``record`` that does not give
    again the URL its run stored masked, or gives the resume line's ``URL`` word itself."""
    inv = record.config.get("invocation") or {}
    stored: Any = inv.get("models") if record.technique == "text" else inv.get("model")
    specs = [s for s in (stored if isinstance(stored, list) else [stored]) if s is not None]
    masked = [s for s in specs if isinstance(s, str) and is_redacted(s)]
    if not masked:
        return
    words = [given] if isinstance(given, str) else list(given or ())
    if PLACEHOLDER in words:
        raise UsageError(
            f"{PLACEHOLDER} stands for the run's endpoint address ({masked[0]}) with the real "
            "values of what is masked there, which assay never stores: give that URL in its "
            f'place, from the variable that holds it (--model "$MODEL_URL")',
            argument="--model",
        )
    for word in words:  # (the "to reproduce" line's ``?api_key=***`` pasted: said as such)
        masked_url_refused(word, argument="--model")
    specs_given_again(specs, given, run_id=record.id)
