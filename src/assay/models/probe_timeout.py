"""A model that did not answer loading's probe batch in time, named.

Loading asks a model a probe batch to learn what it answers (``callable.probe_call``;
text's labels by name, 64 sentences of the grammar).  A classifier slow on one of them
(past ``--call-timeout``) stopped the command with "the model did not answer within 1.5 s
(--call-timeout); it may be hung": no classifier named among several, no batch, and no way
on for one that is slow, not hung (hostile53).
"""

from __future__ import annotations

from assay.core.calls import CallTimeout

__all__ = ["probe_timed_out"]


def probe_timed_out(exc: CallTimeout, what: str, n_inputs: int) -> CallTimeout:
    """``exc`` (a call timeout of loading's probe) naming the model (``what``) and the probe
    batch of ``n_inputs``, and what to do: a larger --call-timeout for a model that is slow.
    An error naming its model already is kept as it is."""
    said = str(exc)
    if said.startswith(what):
        return exc
    within = said.removeprefix("the model did not answer ").partition("; it may be hung")[0]
    inputs = f"{n_inputs:,} input{'' if n_inputs == 1 else 's'}"
    return CallTimeout(
        f"{what} did not answer {within} on a probe batch of {inputs} (loading asks it to "
        "learn what it answers): it may be hung; if it answers, only slowly (a large batch, "
        "or one slow input), give it a larger --call-timeout (seconds per call)"
    )
