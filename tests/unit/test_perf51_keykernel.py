"""``text.keykernel`` (perf51, moved from bench/text_keys.py into ``src``): a case's key from
its words' ids, bit for bit ``text_key`` of ``flat.text``'s sentence, and 0 (the caller's
to compute) wherever the loop's rule does not cover a word or the sentence is too long."""

from __future__ import annotations

import numpy as np
import pytest

from assay.text.engine_state import text_key
from assay.text.flat import Draft, flatten
from assay.text.flat import text as flat_text
from assay.text.generate import Draws, Sampler
from assay.text.grammar import load_grammar
from assay.text.vocab import Vocab

pytest.importorskip("numba")


def _key(words: tuple[str, ...]) -> int:
    return text_key(flat_text(Draft([], words)))


def test_keys_from_ids_equal_text_keys_at_every_block_boundary() -> None:
    """A mark glued to the word before it, terminals of several words, one block and
    several (exactly 128 and 256 bytes, and one byte more), no word; a sentence past
    ``MAX_BYTES`` gives 0."""
    from assay.text import keykernel

    vocab = Vocab()
    words = ["the food", "was", "not", "good", ".", "!", ", but", "x", "xx", "y" * 120, "z" * 126]
    sentences: list[tuple[str, ...]] = [
        ("the food", "was", "not", "good", "."),
        ("the food", "was", "good", ", but", "not", "good", "!"),
        (".", "x"),  # (a mark first: no space to drop)
        (),
        ("x",),
        ("y" * 120, "x", "x", "x", "x"),  # 128 bytes: one block
        ("y" * 120, "x", "x", "x", "x", "x"),  # 130
        ("z" * 126, "x"),  # 128
        ("z" * 126, "x", "."),  # 129
        ("z" * 126, "z" * 126, "xx"),  # 256: two blocks
        ("z" * 126, "z" * 126, "xx", "!"),  # 257
        ("y" * 120,) * 30,  # 3,629 bytes: 29 blocks
    ]
    vocab.of(words)
    assert {len(flat_text(Draft([], s)).encode()) for s in sentences} >= {128, 129, 256, 257}
    table = keykernel.KeyTable(vocab.strs)
    got = keykernel.keys(table, [vocab.of(s) for s in sentences])
    assert got == [_key(s) for s in sentences]
    too_long = ("y" * 120,) * 40  # 4,839 bytes, past MAX_BYTES (4,096)
    assert keykernel.keys(table, [vocab.of(too_long)]) == [0]


def test_words_the_rule_does_not_cover_give_zero_never_a_wrong_key() -> None:
    """A word beyond ASCII, one ``detok`` would change, one with an empty part (a lone
    space), an id outside the table: 0 for the sentences holding one; the rest exact."""
    from assay.text import keykernel

    words = ["good", "café", "a ,", " ", "fine :)", "..."]
    table = keykernel.KeyTable(words)
    assert table.plain.tolist() == [True, False, False, False, True, True]
    sentences = [(0,), (0, 1), (0, 2), (0, 3), (0, 4, 5), (0, 9), (4, 0)]
    got = keykernel.keys(table, sentences)
    assert got[1:4] == [0, 0, 0] and got[5] == 0
    for i in (0, 4, 6):
        assert got[i] == _key(tuple(words[w] for w in sentences[i])), i


def test_the_reviews_drafts_keys_from_ids_are_their_text_keys() -> None:
    """Random reviews of the built-in grammar, flattened with the run's vocabulary (its
    terminals interned once): every key from ids equals ``text_key`` of the sentence."""
    from assay.text import keykernel

    g = load_grammar("builtin:reviews")
    vocab = Vocab(g)
    sampler, draws = Sampler(g), Draws(np.random.default_rng(2))
    flats = [flatten(sampler.tree(g.start, sampler.max_depth, draws), vocab) for _ in range(2000)]
    table = keykernel.KeyTable(vocab.strs)
    assert table.plain.all()
    got = keykernel.keys(table, [f.ids or () for f in flats])
    assert got == [text_key(flat_text(f)) for f in flats]


def test_the_kernel_is_loaded_by_name_and_off_with_assay_compiled_0(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """``core.jit.compiled`` loads it (warmed); ``ASSAY_COMPILED=0``: None."""
    from assay.core import jit

    monkeypatch.setenv("ASSAY_COMPILED", "0")
    monkeypatch.setattr(jit, "_loaded", {})
    monkeypatch.setattr(jit, "_loading", {})
    assert jit.compiled("assay.text.keykernel") is None
    monkeypatch.setenv("ASSAY_COMPILED", "1")
    monkeypatch.setattr(jit, "_loaded", {})
    monkeypatch.setattr(jit, "_loading", {})
    module = jit.compiled("assay.text.keykernel")
    assert module is not None and module.__name__ == "assay.text.keykernel"
