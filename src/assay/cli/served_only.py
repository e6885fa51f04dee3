"""The served-model options (``--batch-size``, ``--concurrency``, ``--timeout``, ...) typed
for a run whose models are none of them served: they were taken and ignored, so a
classifier that fails on batches over 32 still got batches of 60 under ``--batch-size 32``
and the run failed (exit 3) as if the option had not been typed.  Refused (another value
than the default) or said in a note (the default), as every option a run ignores is
(``argv.unused``)."""

from __future__ import annotations

from collections.abc import Sequence

import typer

from assay.cli.argv import unused

__all__ = ["check_served_only"]

SERVED_ONLY = (
    "batch_size",
    "concurrency",
    "timeout",
    "retries",
    "rate_limit",
    "header_env",
    "max_error_rate",
    "template",
)

_ADVICE = {
    "batch_size": "; a function is called with the batches the search makes: one that takes at "
    "most N inputs a call can be given as "
    "`lambda batch: [y for i in range(0, len(batch), N) for y in f(batch[i:i + N])]`",
    "timeout": "; --call-timeout bounds every model's call",
}


def check_served_only(ctx: typer.Context, specs: Sequence[str | None]) -> list[str]:
    """Refuse the served-model options typed (``argv.unused``) when no model of ``specs``
    is an ``http://`` or ``https://`` endpoint; the notes of those typed at their defaults."""
    notes: list[str] = []
    if any(isinstance(s, str) and s.lower().startswith(("http://", "https://")) for s in specs):
        return notes
    for name in SERVED_ONLY:
        if name not in ctx.params or _empty(ctx.params[name]):
            continue  # (a script's empty variable, `--template "$T"`: left out, as a rerun does)
        flag = "--" + name.replace("_", "-")
        why = (
            f"{flag} is for served models (http:// or https:// endpoints) and no model of this "
            f"run is served: drop {flag}" + _ADVICE.get(name, "")
        )
        unused(ctx, name, why, argument=flag, notes=notes)
    return notes


def _empty(value: object) -> bool:
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, list) and all(isinstance(v, str) and not v.strip() for v in value)
