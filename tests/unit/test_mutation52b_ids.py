"""perf51's and perf51c's word ids at their edges, through what they answer: the key kernel's
marks and its longest sentence (``text.keykernel``), the known minimal errors a case holds
(``text.known.KnownErrors``) (mutation52b: the Y and I mutants surviving main's tests)."""

from __future__ import annotations

import pytest

from assay.text.engine_state import text_key
from assay.text.flat import Draft
from assay.text.flat import text as flat_text
from assay.text.known import KnownErrors
from assay.text.vocab import Vocab


def _key(words: tuple[str, ...]) -> int:
    return text_key(flat_text(Draft([], words)))


def test_every_mark_glued_to_the_word_before_gives_the_texts_key() -> None:
    pytest.importorskip("numba")
    from assay.text import keykernel

    vocab = Vocab()
    sentences = [("well", mark, "yes") for mark in (",", ".", "!", "?", ";", ":", "?!", ": so")]
    table_words = vocab.strs
    ids = [vocab.of(s) for s in sentences]
    table = keykernel.KeyTable(table_words)
    assert keykernel.keys(table, ids) == [_key(s) for s in sentences]


def test_a_sentence_of_exactly_the_most_bytes_is_keyed_and_one_more_is_not() -> None:
    pytest.importorskip("numba")
    from assay.text import keykernel

    vocab = Vocab()
    words = ("y" * 127,) * 31  # 3,967 bytes joined
    most = (*words, "x" * (keykernel.MAX_BYTES - len(" ".join(words)) - 1))
    assert len(flat_text(Draft([], most)).encode()) == keykernel.MAX_BYTES
    over = (*most[:-1], most[-1] + "x")
    table_ids = [vocab.of(most), vocab.of(over)]
    table = keykernel.KeyTable(vocab.strs)
    got = keykernel.keys(table, table_ids)
    assert got == [_key(most), 0]


def _known(*errors: str) -> KnownErrors:
    known = KnownErrors()
    for e in errors:
        known.add(e, "sig", "\n")
    return known


def test_an_error_of_twelve_words_is_found_in_a_case_of_those_twelve() -> None:
    twelve = " ".join(f"w{i}" for i in range(12))
    known = _known(twelve, "w0 w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 w11 w12 w13")
    assert known.within([twelve], "sig") == twelve
    assert known.within([twelve], None) == twelve


def test_a_pair_filed_under_its_later_word_is_found() -> None:
    # ("zz" interned before "aa": the error's pair read in either order of ids)
    known = _known("zz yy", "aa zz", "aa yy")
    for case, error in (("aa and zz", "aa zz"), ("aa or yy", "aa yy"), ("zz then yy", "zz yy")):
        assert known.within([case], "sig") == error, case


def test_words_out_of_order_do_not_hold_an_error() -> None:
    known = _known("not bad")
    assert known.within(["bad not"], "sig") is None
    assert known.within(["not so bad"], "sig") == "not bad"


def test_the_smallest_error_by_words_in_all_is_given() -> None:
    # "good good good" holds 1 distinct word in 3; "not good" 2 in 2: the smaller is the latter
    known = _known("good good good", "not good")
    assert known.within(["not good good good"], "sig") == "not good"
    known = _known("not good", "good good good")
    assert known.within(["not good good good"], "sig") == "not good"


def test_an_error_of_two_sentences_is_held_only_by_a_case_of_two() -> None:
    known = _known("food\nbad", "bad")
    assert known.within(["the food", "was bad"], "sig") == "food\nbad"
    assert known.within(["it was bad"], "sig") == "bad"
