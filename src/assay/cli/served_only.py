"""The served-model options (``--concurrency``, ``--timeout``, ``--retries``, ...) typed
for a run whose models are none of them served: they were taken and ignored.
(``--batch-size`` was among them until left41: it now splits any model's calls,
``models.batch_limit``.)  Refused (another value than the default) or said in a note (the
default), as every option a run ignores is (``argv.unused``)."""

from __future__ import annotations

from collections.abc import Sequence

import typer

from assay.cli.argv import unused

__all__ = ["check_served_only"]

SERVED_ONLY = (  # (--batch-size splits any model's calls: models.batch_limit)
    "concurrency",
    "timeout",
    "retries",
    "rate_limit",
    "header_env",
    "max_error_rate",
    "template",
)

_ADVICE = {
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
