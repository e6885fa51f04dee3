"""mutation49b: a backdoor run's later checks (left48b): STRIP's second opinion not asked on a
budget that leaves no room for the class-map check after it (the advice's figure counts it),
and a replayed source-class flag asked of the classes as the model numbers them now."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import assay.backdoor.technique as technique
from assay.backdoor.again import AGAIN
from assay.backdoor.filter_windows import filter_windows
from assay.backdoor.replay import _judge, _source
from assay.backdoor.second import cost
from assay.backdoor.source_class import SOURCE_CLASS
from assay.core.findings import FindingBatch

from test_mutation47_technique import _clean, _search  # isort: skip
from test_mutation49_replay_edges import _Fake, _flags, _image  # isort: skip

MAP = 5_000  # the class-map check's most queries, as faked


def test_the_opinions_budget_keeps_room_for_the_class_map_check(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # (TQ1) room for the opinion and every check after it but the class map's: not asked,
    # and the figure it needs counts the class map's queries (a budget raised by less
    # skipped that check, and passed: left48b)
    search = _search(_clean([0]))
    search.rows = [{"image": 1, "poisoned": False, "status": "done"}]
    _, calib = search._strip_split()
    without_map = cost(1, len(calib)) + AGAIN
    monkeypatch.setattr(technique, "most_queries", lambda *a: 0)
    monkeypatch.setattr(technique, "most_source_queries", lambda *a: 0)
    monkeypatch.setattr(technique, "most_map_queries", lambda *a: MAP)
    monkeypatch.setattr(search.model, "remaining", lambda: without_map + 10, raising=False)

    def asked(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the opinion was asked on a budget short of its checks")

    monkeypatch.setattr(technique, "second_opinion", asked)
    assert search._second_opinion() == []
    assert search.second is not None
    needs = without_map + MAP
    assert search.second["skipped"] == (
        f"the query budget left {without_map + 10:,} of the {needs:,} it needs"
    )


def _renumbered(labels: list[int], to: Any, now: dict[int, int]) -> Any:
    """The model retrained since the run: the run's class ``c`` is its class ``now[c]``."""
    fake: Any = _Fake(labels, to)
    fake.target_now = lambda c: now.get(c, f"the run's class {c} is not a class of the model now")
    return fake


def test_a_source_flag_is_replayed_on_the_classes_as_numbered_now() -> None:
    # (RE8) the run's source 3 and target 7 asked as 5 and 2: the trigger still sends
    # the source class's images to the target (by the run's numbers: no image of 3 left)
    images, batch = _flags()
    now = {3: 5, 7: 2}
    replayer = _renumbered([5] * 10 + [1] * 4, lambda own: np.where(own == 5, 2, own), now)
    assert _source(images, batch, replayer) == [True] * 3
    fixed = _renumbered([5] * 10 + [1] * 4, lambda own: own, now)
    assert _source(images, batch, fixed) == [False] * 3
    gone = _renumbered([5] * 10 + [1] * 4, lambda own: own, {3: 5})
    assert _source(images, batch, gone) == ["the run's class 7 is not a class of the model now"] * 3


def test_class_names_declare_a_torch_modules_classes_as_a_count_does() -> None:
    # --classes a,b,... (names, no count): numbers beyond +-100 read as the user's logits,
    # as with --classes 8; neither: refused before any run (TS12 drops the names from the
    # check, equivalent: ``setup_backdoor`` counts the names as the classes' count)
    torch = pytest.importorskip("torch")
    from assay.backdoor.api import setup_backdoor
    from assay.errors import UsageError

    class Huge(torch.nn.Module):  # type: ignore[misc]
        """Eight scores of +-500: one-hot on the brightest pixel of the first row."""

        def __init__(self) -> None:
            super().__init__()
            self.w = torch.nn.Parameter(torch.zeros(1))

        def forward(self, x: Any) -> Any:
            own = x.reshape(len(x), 8, 8)[:, 0, :].argmax(dim=1)
            return torch.nn.functional.one_hot(own, 8).float() * 1000 - 500 + self.w

    rng = np.random.default_rng(0)
    clean = rng.uniform(0.0, 1.0, (24, 8, 8))
    names = [f"c{k}" for k in range(8)]
    for declared in ({"classes": names}, {"n_classes": 8}):
        setup = setup_backdoor(Huge(), images=clean[:4], clean=clean, value_range="0,1",
                               **declared)  # fmt: skip
        assert setup.scores_read is not None and "from -500 to 500" in setup.scores_read
    with pytest.raises(UsageError, match="numbers beyond \\+-100"):
        setup_backdoor(Huge(), images=clean[:4], clean=clean, value_range="0,1")


def _two_groups(located_b: int) -> FindingBatch:
    """Two units' source-class groups read as one batch (sampled witnesses of one check):
    3s sent to 7 by the window at (0, 0), 1s to 4 by one at (2, 2)."""
    a, _ = _flags()
    b = np.stack([_image(60 + i, 1) for i in range(3)])
    b[:, 2:4, 2:4, 0] = 1.0
    return FindingBatch(
        kind="strip-flag",
        inputs=np.concatenate([a, b])[:, None],
        outputs=np.array([[7]] * 3 + [[4]] * 3),
        severity=np.ones(6),
        columns={
            "box": np.array([[0, 0, 2, 2]] * 3 + [[2, 2, 2, 2]] * 3),
            "source": np.array([3] * 3 + [1] * 3),
            "located": np.array([1] * 3 + [located_b] * 3),
        },
        details={"strategy": SOURCE_CLASS},
    )


def test_each_group_of_a_batch_is_replayed_at_its_own_window() -> None:
    # the model still sends 3s to 7 at (0, 0); nothing at (2, 2) sends 1s to 4: that group
    # no longer holds (replayed as one, at the first group's window, all 6 "held")
    replayer = _Fake([3] * 10 + [1] * 10, lambda own: np.where(own == 3, 7, own))
    said = _judge(_two_groups(1), replayer, "", 0.5, 0.5, 0.05, 20, "assay show r")
    assert said == [True] * 3 + [False] * 3
    # a group not located is said so; the located one is still replayed (all 6 said before)
    said = _judge(_two_groups(0), replayer, "", 0.5, 0.5, 0.05, 20, "assay show r")
    assert said[:3] == [True] * 3
    assert all(isinstance(s, str) and "flag not located" in s for s in said[3:]), said


def test_each_located_group_of_a_batch_is_its_own_filter_trigger() -> None:
    # (``--filter-images`` from a run: one trigger per group, at its own window and class;
    # one of them before, at the first group's window, for the flags of both)
    windows = filter_windows([_two_groups(1)])
    assert [(tuple(t.box), t.target) for t in windows.triggers] == [
        ((0, 0, 2, 2), 7),
        ((2, 2, 2, 2), 4),
    ]
    assert [(tuple(t.box), t.target) for t in filter_windows([_two_groups(0)]).triggers] == [
        ((0, 0, 2, 2), 7)
    ]
