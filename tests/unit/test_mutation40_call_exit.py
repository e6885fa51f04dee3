"""mutation40: ``core.call_exit.nothing_held`` lets go of the runs claimed within it only.

api39's tests held no run before the call: letting go of every run a caller's store holds
(one the caller claimed before the call, and still runs) passed them."""

from __future__ import annotations

from pathlib import Path

from assay.core.call_exit import nothing_held
from assay.core.store import RunStore, open_stores


def _new(store: RunStore, run_id: str) -> None:
    store.create_run(
        run_id=run_id,
        technique="fairness",
        seed=0,
        command="assay fairness m.py",
        config={},
        model={},
        versions={},
    )


def test_a_run_held_before_the_block_stays_held_the_block_s_own_is_let_go(
    tmp_path: Path,
) -> None:
    store = RunStore(tmp_path / "s.db")
    try:
        _new(store, "before")
        store.claim("before")
        with nothing_held():
            _new(store, "during")
            store.claim("during")
        assert store.claimed("before") and not store.claimed("during")
        opened = RunStore(tmp_path / "t.db")  # (opened and left open outside a block)
        with nothing_held():
            inner = RunStore(tmp_path / "u.db")
        assert inner not in open_stores() and opened in open_stores()
        opened.close()
    finally:
        store.close()


def test_a_store_another_thread_opened_meanwhile_is_left_to_it(tmp_path: Path) -> None:
    """Two calls on two threads of one program: the first to return closes its own stores
    only, never the other call's."""
    import threading

    theirs: list[RunStore] = []
    opened, done = threading.Event(), threading.Event()

    def other_call() -> None:
        theirs.append(RunStore(tmp_path / "theirs.db"))
        opened.set()
        done.wait(30)

    worker = threading.Thread(target=other_call)
    with nothing_held():
        worker.start()
        assert opened.wait(30)
    try:
        assert theirs[0] in open_stores()
    finally:
        done.set()
        worker.join(30)
        theirs[0].close()
