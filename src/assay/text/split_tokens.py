"""A grammar written in tokens as a treebank splits them (``"'s"``, ``"n't"``, ``"("``,
``")"``): loading says how its sentences are sent.

A sentence is its terminals joined by single spaces, with none before ``,.!?;:`` only
(``generate.detok``), so ``N "'s" "price"`` is sent as "food 's price", ``"does" "n't"`` as
"does n't" and ``"(" N ")"`` as "( food )".  A grammar copied from NLTK's examples or a
treebank is written so; a classifier trained on untokenized text reads "n't" as a word it
never saw (a negation missed: directional "failures" that are the spacing's).  Nothing is
changed (a classifier trained on tokenized text, SST's "it 's", wants them so): the user is
told, with the way to write them otherwise (within one terminal: ``"food's"``)."""

from __future__ import annotations

import re

__all__ = ["FIRST", "is_split_token", "split_tokens_note"]

FIRST = frozenset("'([{)]}nN")  # the first characters of such a token (a cheap test first)
_TOKEN = re.compile(r"'(?:s|re|ve|ll|d|m|t)|n't|[(\[{]|[)\]}]", re.IGNORECASE)
_SHOWN = 3  # tokens named in the note


def is_split_token(word: str) -> bool:
    """Whether a terminal is a clitic or a bracket standing alone, as a treebank writes it."""
    return word[0] in FIRST and _TOKEN.fullmatch(word) is not None


def split_tokens_note(found: list[tuple[str, int, int]], source: str) -> str:
    """The load warning for the tokens ``found`` (word, line, column; the first first)."""
    words = list(dict.fromkeys(w for w, _, _ in found))
    _, line, column = found[0]
    named = ", ".join(f'"{w}"' for w in words[:_SHOWN]) + (", ..." if len(words) > _SHOWN else "")
    many = len(words) > 1
    return (
        f"{source}:{line}:{column}: the terminal{'s' if many else ''} {named} "
        f"{'are' if many else 'is'} sent with a space on either side, as every word is "
        '("food \'s price", "does n\'t", "( food )"): a classifier trained on '
        f'untokenized text reads {"them" if many else "it"} so; to send "food\'s" or '
        '"(food)", write it within one terminal'
    )
