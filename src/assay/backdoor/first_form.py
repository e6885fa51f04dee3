"""A model that declares no input shape and failed on the first images it was asked: the form
assay chose for them, and the options that give another.

A function of (n, 8, 8, 3) colour images (or of flat rows of 64 values) given a folder of grey
8x8 PNGs, and an HTTP endpoint answering 400 "expected (n, 64)", were told only their own
failure: "the function calls.py:rgb raised AssertionError: (2, 8, 8, 1) on its first call"
(hostile53d).  Nothing said that assay had picked that form itself (the model declares none),
nor that ``--input-shape`` / ``--layout`` say another; the user had to find them in ``--help``.
The failure is kept (the same type, exit 3: it may be the model's own bug), with the form
asked and the shapes the images could be given in.  A failure when the user gave the form is
``prepare._shape_refused``'s; an exit, a timeout or an endpoint that is down is not about the
form and is kept as it is.
"""

from __future__ import annotations

import copy

import numpy as np

from assay.backdoor.images import ImageSpec
from assay.core.calls import OwnExit
from assay.errors import ModelError, ModelUnavailable

__all__ = ["form_hint"]

# a served model's refusal of a request's content (not its credential, not its absence)
_REFUSED_CONTENT = (400, 422)


def _about_its_input(exc: ModelError) -> bool:
    if isinstance(exc, OwnExit | ModelUnavailable):
        return False
    said = str(exc)
    if "did not answer" in said:  # (a timeout: a slow model, not a wrong form)
        return False
    raised = " raised " in said and "on its first call" in said
    return raised or exc.status in _REFUSED_CONTENT


def _other_forms(spec: ImageSpec) -> str:
    """The shapes the images could be given in, as ``--input-shape`` values (written after
    the option, not each with it: a Python caller reads ``input_shape (e.g. 64 ...)``)."""
    h, w, c = spec.shape
    forms = [f"{h * w * c} for flat rows", f"{c},{h},{w} for channels first"]
    if c == 1:
        forms += [f"{h},{w} for no channel axis", f"{h},{w},3 for colour"]
    else:
        forms.append(f"{h},{w},1 for grey")
    return ", ".join(forms)


def form_hint(exc: ModelError, spec: ImageSpec, probe: np.ndarray) -> ModelError:
    """``exc`` with the form of ``probe`` (the images asked, as ``spec`` gives them) and the
    options naming another, when the failure reads as one about the model's input."""
    if not _about_its_input(exc):
        return exc
    h, w, c = spec.shape
    linear = spec.range_kind == "linear" and len(spec.range_values) == 2
    values = f", values {spec.range_values[0]:g}..{spec.range_values[1]:g}" if linear else ""
    hint = (
        f"; assay asked it {len(probe)} images as an array of shape {tuple(probe.shape)} "
        f"({h}x{w} pixels, {c} channel{'' if c == 1 else 's'}, "
        f"{'channels first' if spec.layout == 'nchw' else 'channels last'}{values}), the "
        "images' own form, as the model declares no input shape: if it takes another, say "
        f"which with --input-shape (e.g. {_other_forms(spec)}) or --layout (nchw, flat)"
    )
    said = copy.copy(exc)
    said.args = (f"{exc}{hint}",)
    return said
