"""mutation41: two functions of one ``package.module`` are two classifiers (left40b: a module's
file is fingerprinted now, so the file alone no longer tells them apart), and one function
named twice is refused.  left40b tested ``file.py:function`` pairs only: with a module's
functions known by their file alone (LO1), ``check_text(["mod:a", "mod:b"])`` was refused as
"the same classifier", and every test passed."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from assay.errors import UsageError
from assay.text.api import setup_text

_MODULE = """
def a(texts):
    return ["pos" if "good" in t else "neg" for t in texts]


def b(texts):
    return ["pos" if "good" in t or "fine" in t else "neg" for t in texts]
"""
_GRAMMAR = 's -> "the film was" adj\nadj -> "good" | "bad" | "fine"\n'


def test_two_functions_of_one_module_are_two_classifiers_one_twice_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "mutation41_clf.py").write_text(_MODULE)
    (tmp_path / "g.cfg").write_text(_GRAMMAR)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "mutation41_clf", raising=False)
    grammar = str(tmp_path / "g.cfg")
    setup = setup_text(["mutation41_clf:a", "mutation41_clf:b"], grammar=grammar)
    assert len(setup.model.models) == 2
    with pytest.raises(UsageError, match="are the same classifier"):
        setup_text(["mutation41_clf:a", "mutation41_clf:a"], grammar=grammar)
