"""Which failures of the model on a filter's probe images say nothing of the images.

``load_filter`` asks the model the file's probe images, and a model that fails on them was
said to take other images than the file's ("not the one it was exported for": a
``UsageError``).  A served model that is not answering at all (stopped, hung, refusing the
credential, not at that address) failed the same way, so a serving loop starting before its
model server was ready read an unreachable endpoint as the wrong filter file, and could not
tell it from one to retry (hostile51).  Such a failure is the model's own error again, of its
class, naming the file."""

from __future__ import annotations

from assay.core.calls import CallTimeout
from assay.core.error_prefix import prefixed
from assay.errors import AssayError, ModelError, ModelUnavailable

__all__ = ["NOT_ABOUT_INPUTS", "unanswered"]

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
