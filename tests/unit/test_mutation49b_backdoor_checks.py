"""mutation49b: a backdoor run's later checks (left48b): STRIP's second opinion not asked on a
budget that leaves no room for the class-map check after it (the advice's figure counts it),
and a replayed source-class flag asked of the classes as the model numbers them now."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import assay.backdoor.technique as technique
from assay.backdoor.again import AGAIN
from assay.backdoor.replay import _source
from assay.backdoor.second import cost

from test_mutation47_technique import _clean, _search  # isort: skip
from test_mutation49_replay_edges import _Fake, _flags  # isort: skip

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
