"""A batch sent early is asked of the classifiers once (lead, fifty-first session).

``PanelWorker.send_early`` reads the answers already back before it sends, and dropped them:
the ``predict`` collecting such a batch found it neither kept nor out, and sent it again.
Under load (an answer back before the next batch was sent) a text run's classifiers were
asked more than the run counted: ``test_left45r_rates`` saw 689 sentences asked of each
classifier where the run's ``model_queries`` said 625 (a batch of 64 asked twice), its
errors per 1,000 queries over too few queries and the classifiers' seconds doubled."""

from __future__ import annotations

import numpy as np
from test_perf48b_worker_wait import _needs_fork, _panel, _texts

from assay.text.pipeline import PanelWorker


def test_an_answer_read_while_sending_the_next_batch_is_kept_not_asked_again() -> None:
    _needs_fork()
    panel = _panel("negation_blind")
    a, b = _texts("first"), _texts("second")
    want_a, want_b = (np.asarray(panel.predict(v)) for v in (a, b))
    calls = panel.calls
    worker = PanelWorker(panel)
    try:
        worker.send_early(a)
        assert worker._ready(None)  # (a's answer is back before b is sent)
        worker.send_early(b)  # reads a's answer on the way
        got_a = worker.predict(a)
        got_b = worker.predict(b)
        assert not worker.stuck()
    finally:
        worker.close()
    np.testing.assert_array_equal(got_a, want_a)
    np.testing.assert_array_equal(got_b, want_b)
    assert panel.calls - calls == 2  # (main: 3, a asked twice)
