"""hostile27b (twenty-sixth session): a program that embeds assay and handles SIGTERM (or
Ctrl-C) itself, as a worker that shuts down cleanly does.  A signal that stopped a run's
search was taken by the run's own handler and never reached the program's: the run
returned ``interrupted`` and the program went on as if nothing had been sent (a ``docker
stop`` of a worker then waited for its kill).  The run now stops at its checkpoint as before,
then passes the signal on to the handler it had replaced; a handler that ends the program
(``sys.exit``) leaves the run ``interrupted`` and resumable, never ``failed``.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hostile27b_models import by_sex, people

import assay

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGTERM"), reason="POSIX signals")


@contextmanager
def _handler(handler: Callable[[int, Any], None]) -> Iterator[None]:
    before = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, before)


def _sigterm_in_search(p: dict[str, Any]) -> None:
    """Sends this process SIGTERM once, at the search's first progress line past 2,000."""
    if p.get("phase") == "search" and int(p.get("queries") or 0) > 2_000 and not sent:
        sent.append(True)
        os.kill(os.getpid(), signal.SIGTERM)


sent: list[bool] = []


def _run(store: Path) -> Any:
    sent.clear()
    return assay.check_fairness(
        by_sex,
        data=people(2_000),
        protected=["sex"],
        max_queries=200_000,
        seed=1,
        store=store,
        on_progress=_sigterm_in_search,
        determinism_check=False,
    )


def test_the_programs_own_sigterm_handler_gets_the_signal_that_stopped_the_run(
    tmp_path: Path,
) -> None:
    got: list[int] = []
    with _handler(lambda signum, frame: got.append(signum)):
        result = _run(tmp_path / "runs.db")
    assert sent, "the search never reached 2,000 queries"
    assert result.status == "interrupted"  # stopped at its checkpoint, as before
    assert got == [signal.SIGTERM]  # and the program was told, once


def test_a_handler_that_exits_leaves_the_run_resumable(tmp_path: Path) -> None:
    store = tmp_path / "runs.db"
    with _handler(lambda signum, frame: sys.exit(3)), pytest.raises(SystemExit) as caught:
        _run(store)
    assert caught.value.code == 3
    with assay.RunStore(store, read_only=True) as s:
        (record,) = s.list_runs()
    assert record.status == "interrupted"  # not 'failed' with "internal error (SystemExit)"
    resumed = assay.resume_run(record.id, store=store, model=by_sex, data=people(2_000))
    assert resumed.status in ("completed", "budget_exhausted")
