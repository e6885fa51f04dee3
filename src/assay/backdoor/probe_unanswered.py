"""Which failures of the model on a filter's probe images say nothing of the images.

``load_filter`` asks the model the file's probe images, and a model that fails on them was
said to take other images than the file's ("not the one it was exported for": a
``UsageError``).  A served model that is not answering at all (stopped, hung, refusing the
credential, not at that address) failed the same way, so a serving loop starting before its
model server was ready read an unreachable endpoint as the wrong filter file, and could not
tell it from one to retry (hostile51).  Such a failure is the model's own error again, of its
class, naming the file.  An endpoint refusing the probes' request otherwise (a 400, a 422, a
413) was said to be another model too, though its body may say another reason (a field the
server's schema wants, a body too large): ``refused`` says both readings, the endpoint's
status and body kept (hostile51b)."""

from __future__ import annotations

from assay.core.calls import CallTimeout
from assay.core.error_prefix import prefixed
from assay.errors import AssayError, ModelError, ModelUnavailable

__all__ = ["NOT_ABOUT_INPUTS", "refused", "unanswered"]

# an endpoint's answers that refuse the request, not its inputs: a credential refused
# (401, 403, a proxy's 407) or no model at that address (404)
NOT_ABOUT_INPUTS = (401, 403, 404, 407)


def unanswered(exc: AssayError, where: str) -> ModelError | None:
    """``exc`` again, naming the filter file ``where``, when the model did not answer at all
    (not its inputs' fault); None when the failure may be the inputs' form."""
    if isinstance(exc, (ModelUnavailable, CallTimeout)) or (
        isinstance(exc, ModelError) and exc.status in NOT_ABOUT_INPUTS
    ):
        return prefixed(
            exc,
            f"loading the filter {where}, the model did not answer its probe images (a "
            "failure of the model, not of the file or its images): ",
        )
    return None


def refused(exc: AssayError, where: str, form: str) -> ModelError | None:
    """``exc`` again, naming the filter file ``where``, when a served model answered the
    probe images (given as ``form``) with a refusal of another status (a 400, a 422): either
    the model takes other images, or the request was refused for a reason its body says; None
    for any other failure (the model's own, on the images' form)."""
    if not isinstance(exc, ModelError) or exc.status is None:
        return None
    status = exc.status
    return prefixed(
        exc,
        f"loading the filter {where}, the endpoint refused the request of its probe images "
        f"(status {status}), given as {form} (as the scanned model took them): if its body "
        "says their shape, size or type, the model takes other images than these and is not "
        f"the one {where} was exported for; otherwise the request was refused for the reason "
        "its body gives (fix that, and load the filter again): ",
    )
