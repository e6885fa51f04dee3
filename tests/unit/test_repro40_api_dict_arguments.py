"""An API run's rerun call spells a dict argument out (repro40).

``assay.check_text(..., label_map={0: {"positive": "good", ...}})`` stored and showed its call
as ``label_map=<dict>``: the one argument that decided which answers agree could not be read
back, and ``eval(result.command)`` was a syntax error.  Pasted now, the call gave the same 157
failing sentences, row by row (``/work/scratch/repro40/tx/api4.py``).
"""

from __future__ import annotations

import ast

import numpy as np

from assay.core.runinfo import SHOWN_AT_MOST, api_call


def _arguments(call: str) -> dict[str, object]:
    parsed = ast.parse(call, mode="eval").body
    assert isinstance(parsed, ast.Call)
    return {k.arg or "": ast.literal_eval(k.value) for k in parsed.keywords}


def test_a_dict_of_plain_values_is_written_as_a_literal() -> None:
    label_map = {0: {"positive": "good", "negative": "bad"}, 1: {"pos": "good", "neg": "bad"}}
    call = api_call("check_text", ["a.py:f", "b.py:f"], {"label_map": label_map}, seed=3)
    assert "<dict>" not in call
    assert _arguments(call) == {"label_map": label_map, "seed": 3}


def test_a_dict_too_long_to_show_or_of_objects_is_summed_up() -> None:
    big = {f"word{i}": "positive" for i in range(200)}
    call = api_call("check_text", ["a.py:f"], {"label_map": {0: big}}, seed=1)
    assert len(call) < 2 * SHOWN_AT_MOST
    assert "label_map={0: <dict of 200 items>}" in call
    objects = api_call("check_text", ["a.py:f"], {"odd": {"x": np.zeros((2, 3))}}, seed=1)
    assert "odd={'x': <ndarray 2 x 3>}" in objects
