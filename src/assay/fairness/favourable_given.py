"""A favourable class named in Python by the value itself, not by its text.

A notebook names the favourable outcome of a boolean label ``favourable=False`` (no
reoffence) or of a 0/1 label ``favourable=1``: ``check_fairness`` failed with
``AttributeError: 'bool' object has no attribute 'isdigit'`` (hostile51c).  A class is
named by its text (``'False'``, ``'1'``), and a boolean and the class of its number are one
class, either way (XGBoost fitted on a boolean label names its classes ``0``, ``1``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["AS_BOOLS", "as_class_text", "bool_twin"]

# a boolean label and a class of the same number, either way (True == 1 in Python): XGBoost
# fitted on a boolean label names its classes 0, 1; a model fitted on bools meets 0/1 labels
AS_BOOLS = {"True": "1", "False": "0", "1": "True", "0": "False"}


def as_class_text(value: Any) -> str | None:
    """``value`` as the text a class is named by: a bool ``'True'``/``'False'``, a whole
    number (NumPy's too) its digits, a string as it is; None stays None."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def bool_twin(given: str, names: Sequence[str]) -> str | None:
    """The class among ``names`` that ``given`` names as a boolean's number or a number's
    boolean (``False`` for a class ``0``), when ``given`` itself is none of them."""
    twin = AS_BOOLS.get(given)
    return twin if given not in names and twin in names else None
