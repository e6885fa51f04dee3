"""The one rule by which a text run's sentences are cut where a run keeps or shows many of
them: its summary (the ranked minimal failing sentences, stored in the run's row and read
by every report), the reports' examples and the CSV export.  A grammar of 1 MB sentences
made a 531 MB store, 265 MB of it the summary's 200 minimal sentences kept whole, a 328 MB
JSON report and a 294 MB CSV (store52).

A sentence of at most ``SENTENCE_MOST`` characters is kept as it is (every sentence of a
usual grammar: its summary and reports unchanged); a longer one becomes its start, then a
marker with its length and a digest of the whole sentence (``cut_sentence``), at most
``SENTENCE_MOST`` characters in all.  The digest keeps two long sentences with the same start
apart, so a reader matching sentences of the findings (kept whole in the store) against the
summary's compares their cut forms (``cut_sentence`` of both): the cut form of a cut form
is itself.
The whole sentence stays in the run's findings (``assay report RUN --export F.jsonl``: JSON
keeps every value as it is; ``TextResult.findings()``); a CSV export, for a spreadsheet
(whose cell holds at most 32,767 characters), cuts them as well."""

from __future__ import annotations

import hashlib
from typing import Any

__all__ = [
    "CUT_MARK",
    "SENTENCE_MOST",
    "cut_sentence",
    "cut_strings",
    "sentence_digest",
    "sentences_cut_note",
]

SENTENCE_MOST = 2_000
"""The most characters of a sentence kept where many are kept or shown (the cut form's
length with its marker); about 300 words, beyond any sentence a usual grammar derives (and
what a JUnit case keeps of one value)."""
CUT_MARK = " ... [cut: "
_WHOLE = "whole in a .jsonl export"  # (``assay report RUN --export F.jsonl``)
_DIGEST = 16  # hex digits of the SHA-256 of the whole sentence (its UTF-8 bytes)


def sentence_digest(sentence: str) -> str:
    """A stable digest of the whole sentence: the first hex digits of its SHA-256."""
    data = sentence.encode("utf-8", "surrogatepass")
    return hashlib.sha256(data).hexdigest()[:_DIGEST]


def cut_sentence(sentence: Any, most: int = SENTENCE_MOST) -> Any:
    """``sentence`` at most ``most`` characters long: as it is when it fits (and anything not
    a string), else its start and ``" ... [cut: 1,000,060 characters in all, sha256
    DIGEST; whole in a .jsonl export]"``.  Idempotent: a cut form fits."""
    if not isinstance(sentence, str) or len(sentence) <= most:
        return sentence
    mark = (
        f"{CUT_MARK}{len(sentence):,} characters in all, sha256 {sentence_digest(sentence)}; "
        f"{_WHOLE}]"
    )
    return sentence[: max(most - len(mark), 0)] + mark


def cut_strings(value: Any) -> Any:
    """``value`` (JSON data: a finding's) with every string in it cut (``cut_sentence``);
    the same object when none needed it."""
    if isinstance(value, str):
        return cut_sentence(value)
    if isinstance(value, list):
        out = [cut_strings(v) for v in value]
        return value if all(a is b for a, b in zip(out, value, strict=True)) else out
    if isinstance(value, dict):
        cut = {k: cut_strings(v) for k, v in value.items()}
        return value if all(cut[k] is v for k, v in value.items()) else cut
    return value


def sentences_cut_note(cut: int, run_id: str | None = None) -> str:
    """What a summary says when ``cut`` of its sentences were cut (``run_id``: named in the
    command that writes them whole, when known)."""
    run = run_id or "RUN"
    return (
        f"{cut:,} sentence{'s' if cut != 1 else ''} longer than {SENTENCE_MOST:,} characters "
        f"{'are' if cut != 1 else 'is'} cut here to {SENTENCE_MOST:,} (the start, the length "
        "and the SHA-256 of the whole sentence), so that the run's summary and its reports stay "
        "small whatever the grammar derives; the run store's findings keep them whole: "
        f"assay report {run} --export FILE.jsonl (JSON keeps each whole; a CSV cuts them as "
        "here), or findings() of the run's result in Python"
    )
