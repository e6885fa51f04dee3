"""perf51b's bulk path of a part sent ahead (``Dispatch.send_ahead``): a part none of whose
sentences was asked before but one of which repeats goes through the one-by-one path, each
sentence sent once at its first place, not as drafted (mutation52)."""

from __future__ import annotations

from test_perf51b_bookkeeping import _ahead, _Case

from assay.core.keys import text_keys


def test_a_part_of_new_sentences_one_repeated_sends_it_once() -> None:
    model, d, log = _ahead([])
    d.send_ahead([_Case(["a", "bb"]), _Case(["ccc", "a"]), _Case(["bb"])], 8)
    sent = ["a", "bb", "ccc"]
    keys = [int(k) for k in text_keys(sent)]
    assert d._asked_log == keys and [d._sent[k][1] for k in keys] == [0, 1, 2]
    assert model.queries == 3
    d._sent[keys[0]][0].read(model, d._pending)
    assert log == [("answer", sent)]
