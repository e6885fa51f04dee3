"""Grammar-directed differential and metamorphic testing of text classifiers.

A context-free grammar describes a slice of the input space; a search walks through it
(``walk``, ``random``, ``ogma``, ``exhaustive``); an oracle decides what is an error: two or
more classifiers that disagree (differential), or one that breaks a relation the grammar
declares (invariance, directional).  Errors are shrunk to minimal failing sentences.
``assay.check_text`` (``assay.text.api``, the shell's entry; its jobs in ``loading``,
``prepare`` and ``phases``) is the entry point.
"""

from assay.text.compiled import use_fresh_build

use_fresh_build()  # the search's compiled modules, only if built from these sources

from assay.text.grammar import Grammar, load_grammar, parse_grammar  # noqa: E402

__all__ = ["Grammar", "load_grammar", "parse_grammar"]
