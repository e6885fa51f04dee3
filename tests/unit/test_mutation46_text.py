"""mutation46: surviving mutants of an LLM's answers that are no answer (``text.panel``: an
empty one, spaces alone, or one the label map maps to ""), and of how such labels are said."""

from __future__ import annotations

from typing import Any

from assay.text.panel import _one_said, silent_labels


def test_no_answer_is_an_empty_answer_spaces_or_one_mapped_to_nothing() -> None:
    labels = [("positive", "", "  ", "I can't help"), ("negative", "positive")]
    silent = silent_labels(labels, {0: {"I can't help": "", "positive": "positive"}})
    assert silent == ((False, True, True, True), (False, False))
    # a label mapped to a common label is an answer, whatever its wording
    assert silent_labels([("Sure: positive",)], {0: {"Sure: positive": "positive"}}) == ((False,),)


def test_a_label_is_quoted_when_empty_or_with_spaces_at_an_end() -> None:
    assert _one_said("positive") == "positive"
    assert _one_said("") == "''"
    assert _one_said(" positive.") == "' positive.'"
    assert _one_said("positive ") == "'positive '"
    assert _one_said("a\nb") == "'a\\nb'"


# -- an invariance case where the classifier gave no answer to some of its sentences ---------

_G = "S -> N 'is' A\nN -> 'Ann' | 'Bob' | 'Cy'\nA -> 'good' | 'bad'\n%invariant N\n"
NEG, POS, NONE = [0.8, 0.1, 0.1], [0.1, 0.8, 0.1], [0.1, 0.1, 0.8]


def _llm_oracle() -> tuple[Any, Any]:
    from collections.abc import Sequence

    import numpy as np

    from assay.core.model import Capabilities
    from assay.text.generate import Sampler
    from assay.text.grammar import parse_grammar
    from assay.text.oracle import Case, Oracle
    from assay.text.panel import build_layout

    class Llm:
        capabilities = Capabilities(
            modality="text", n_classes=3, outputs="proba", class_names=("neg", "pos", "")
        )

        def predict(self, texts: np.ndarray | Sequence[str], /) -> np.ndarray:
            return np.full((len(texts), 3), 1.0 / 3)

    g = parse_grammar(_G)
    oracle = Oracle("invariance", g, build_layout([Llm()], ["llm"], differential=False), Sampler(g))
    return oracle, Case(Sampler(g).shortest(g.start), (0,), 0)


def test_no_answer_among_the_variants_is_no_change() -> None:
    import numpy as np

    o, case = _llm_oracle()
    v = o.judge([np.asarray([NEG, NONE, NEG])], [case])
    assert not v.error[0] and v.judged == [True]
    # the sentence itself unanswered: nothing to compare the variants with
    v = o.judge([np.asarray([NONE, NEG, POS])], [case])
    assert not v.error[0] and v.judged == [False]
    v = o.judge([np.asarray([NEG, NONE, POS])], [case])  # (a real change beside it)
    assert v.error[0] and v.detail[0]["variant"] == 2


def test_sentences_given_no_answer_are_counted_and_said_once() -> None:
    import numpy as np

    o, case = _llm_oracle()
    o.judge([np.asarray([NONE, NEG, POS])], [case])
    o.judge([np.asarray([NONE, NONE, POS])], [case], fresh=[False])  # (a replay: not counted)
    assert (o.judged, o.compared) == (1, 0)
    assert o.unmapped_said() == "llm: '' (1 sentence)"


def test_an_odd_member_is_never_one_given_no_answer() -> None:
    import numpy as np

    from assay.text.oracle import odd_rows

    o, _ = _llm_oracle()
    assert odd_rows(o.layout, np.asarray([NEG, NEG, NONE, POS])) == [3]


# -- a command line for a terminal that cannot write or hold its characters ------------------


def test_a_line_is_written_as_its_bytes_before_its_last_command() -> None:
    from assay.core.shell_bytes import for_terminal

    def latin(line: str) -> str:
        return for_terminal(line, encodings=["latin-1"], argv_encoding="latin-1")

    assert latin("cd 高 && ls") == "cd $'\\xe9\\xab\\x98' && PYTHONUTF8=1 ls"
    # a word of the form NAME=value after the command is a word, not a setting
    assert latin("assay show A=高") == "PYTHONUTF8=1 assay show $'A=\\xe9\\xab\\x98'"
    # the terminal writes it, but its arguments cannot hold it: written as bytes all the same
    assert (
        for_terminal("assay show 高", encodings=["utf-8"], argv_encoding="latin-1")
        == "PYTHONUTF8=1 assay show $'\\xe9\\xab\\x98'"
    )
    assert for_terminal("assay show 高", encodings=["utf-8"], argv_encoding="utf-8") == (
        "assay show 高"
    )
