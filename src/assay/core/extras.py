"""How to install what an optional feature needs, written to work pasted: with the interpreter
that runs assay.  ``.venv/bin/assay`` is run without its venv activated (the README's own
``make demo`` and ``.venv/bin/assay demo text``), and a bare ``pip`` is then another
Python's: it installed the extra where this assay never sees it, or fetched a package named
``assay`` from the registry."""

from __future__ import annotations

import sys

from assay.core.terminal import shell_word

__all__ = ["pip_install"]


def pip_install(what: str) -> str:
    """``/path/to/python -m pip install 'assay[text]'`` for ``what`` = ``'assay[text]'`` (a
    requirement as the shell reads it; quote it)."""
    return f"{shell_word(sys.executable)} -m pip install {what}"
