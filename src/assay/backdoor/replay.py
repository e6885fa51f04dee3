"""Replay a backdoor run's stored findings against the model as it is now (``assay verify``).

Each stored trigger (one found in an image, or a model scan's suspected target) is cut out of
the image it is stored with and pasted, at its box, onto the run's clean images that the model
now puts in other classes; it still holds when it sends at least the run's confirming share of
them to its class.  A STRIP flag still holds when the stored image's blends still have an
entropy below the threshold set, on the model as it is now, from the run's clean images (a
flag of the default scan's second opinion: below the opinion's own line, ``_opinion``).  A
finding that cannot be asked so (too few clean images outside its class now, images of another
shape) is skipped with the reason, never counted as fixed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from assay.backdoor.again import ask_again, pick_again, stuck_reason
from assay.backdoor.class_map import CLASS_MAP, MIN_GROUP, MOVED_OF, PER_CLASS, map_score, put
from assay.backdoor.common_pattern import CONFIRM, PATTERN, still_sends
from assay.backdoor.filter_windows import group_rows, window_pattern
from assay.backdoor.patches import paste
from assay.backdoor.replay_stuck import stuck_on_pasted
from assay.backdoor.second import BLENDS, OPINION, by_class
from assay.backdoor.source_class import FRESH, SCREEN, SOURCE_CLASS
from assay.backdoor.strip import (
    STRIP_ODDS,
    STRIP_WIDE,
    blend_entropy,
    class_scores,
    strip_threshold,
)
from assay.core.findings import FindingBatch
from assay.core.model import Model, labels_of
from assay.core.replay import OneClass, ReplayResult

__all__ = ["replay_backdoor"]

# clean images a stored trigger is pasted on (the first of those the model puts in other
# classes; the scan confirmed it on 20)
REPLAY_CLEAN = 200
MIN_OTHERS = 10  # as the scan: fewer clean images outside the class confirm nothing
SOURCE_BASES = SCREEN + FRESH  # clean images of its source class a source-class flag is pasted on
SOURCE_FEWEST = SCREEN + MIN_GROUP  # fewer: the check did not judge a group either


class _Replayer:
    def __init__(
        self,
        model: Model,
        clean: np.ndarray,
        seed: int,
        classes_then: tuple[int | None, tuple[str, ...] | None] = (None, None),
    ) -> None:
        self.model = model
        self.caps = model.capabilities
        self.clean = clean
        self.seed = seed
        self.n_then, self.names_then = classes_then
        self._clean_labels: np.ndarray | None = None
        self._rates: dict[tuple[Any, ...], float | None] = {}
        self._strip: dict[tuple[int, float], float] = {}
        # the second opinion's line per calibration asked (``opinion_line``: one per unit)
        self._lines: dict[str, float] = {}
        self.classes = OneClass()  # (a model giving one class to every image fixes nothing)
        # the triggered images alone, and how many of their clean images were in other
        # classes asked alone: one class for all of them fixes nothing either (``untested``)
        self.pasted = OneClass()
        self._sources: list[np.ndarray] = []

    def labels(self, x: np.ndarray) -> np.ndarray:
        got = np.asarray(labels_of(self.model.predict(x), self.caps), dtype=np.int64)
        self.classes.see(got)
        return got

    def untested(self) -> str:
        """Why the images asked showed nothing fixed (``''``: their classes moved)."""
        c, names = self.classes.one, self.caps.class_names
        shown = names[c] if c is not None and names and 0 <= c < len(names) else str(c)
        return self.classes.untested(
            shown, "images asked (the run's clean images, and the triggers pasted on them)"
        ) or stuck_on_pasted(self.pasted, self._sources, self._shown)

    def stuck(self) -> str:
        """Why nothing was tested when a handful of the clean images, asked again once the
        findings were replayed, are all in one class most were not in (``again``); ``''``
        otherwise, or when the clean images were never asked."""
        if self._clean_labels is None:
            return ""
        idx = pick_again(self._clean_labels)
        if not len(idx):
            return ""
        now = ask_again(self.model, self.clean[idx], self.caps)
        record = {"then": self._clean_labels[idx].tolist(), "now": now.tolist()}
        return stuck_reason([record], self._shown, "replay") or ""

    def _shown(self, c: int) -> str:
        names = self.caps.class_names
        return str(names[c]) if names and 0 <= c < len(names) else str(c)

    def clean_labels(self) -> np.ndarray:
        if self._clean_labels is None:
            self._clean_labels = self.labels(self.clean)
        return self._clean_labels

    def flip_rate(
        self, content: np.ndarray, box: tuple[int, int, int, int], target: int
    ) -> float | None:
        """The share of clean images outside ``target`` (as the model answers now) that
        ``content`` pasted at ``box`` sends to ``target``; None when too few are outside."""
        key = (box, target, content.tobytes())
        if key not in self._rates:
            outside = self.clean_labels() != target
            others = self.clean[outside][:REPLAY_CLEAN]
            if len(others) < MIN_OTHERS:
                self._rates[key] = None
            else:
                got = self.labels(paste(others, content, box))
                self.pasted.see(got)
                self._sources.append(self.clean_labels()[outside][:REPLAY_CLEAN])
                self._rates[key] = float(np.mean(got == target))
        return self._rates[key]

    def target_now(self, target: int) -> int | str:
        """The class index, in the model as it is now, of the run's class ``target`` (by its
        name where the run's model and this one name their classes: a retrained model may
        order them otherwise), or why it has none."""
        names_now = self.caps.class_names
        if self.names_then and names_now and target < len(self.names_then):
            name = self.names_then[target]
            if name in names_now:
                return names_now.index(name)
            return f"the trigger's class {name!r} is not a class of the model now"
        if self.n_then is not None and self.caps.n_classes != self.n_then:
            return (
                f"the model now has {self.caps.n_classes} classes and the run's had "
                f"{self.n_then}: which class is the trigger's is unknown"
            )
        return target

    def strip_threshold(self, blends: int, fpr: float) -> float:
        """STRIP's threshold on the model now: the ``fpr`` quantile of the entropies of the
        run's calibration half of the clean images (the other half is the blending pool)."""
        key = (blends, fpr)
        if key not in self._strip:
            pool, calib = self.strip_halves()
            ent = blend_entropy(
                self.clean[calib], self.scores, self.clean[pool], self.rng(1), blends
            )
            self._strip[key] = strip_threshold(ent, fpr)
        return self._strip[key]

    def opinion_line(self, details: dict[str, Any]) -> float:
        """STRIP's second opinion's line on the model now (``second.second_opinion``):
        ``STRIP_WIDE`` of the median entropy of the run's calibration clean images, with the
        blends it asked (``details``: a unit's own; by an older run: some of each class the
        model gives the calibration half now, blends drawn afresh)."""
        key = repr((details.get("calibration"), details.get("calibration_blends")))
        if key not in self._lines:
            pool, calib = self.strip_halves()
            chosen = np.asarray(details.get("calibration") or [], dtype=np.int64)
            stored = np.asarray(details.get("calibration_blends") or [], dtype=np.int64)
            fits = (
                len(chosen)
                and stored.shape == (len(chosen), BLENDS)
                and chosen.max() < len(self.clean)
                and stored.max() < len(pool)
            )
            picks = stored if fits else None  # (clean images of another number now: afresh)
            if not fits:
                chosen = by_class(calib, self.clean_labels())
            ent = blend_entropy(
                self.clean[chosen], self.scores, self.clean[pool], self.rng(4), BLENDS, picks=picks
            )
            self._lines[key] = STRIP_WIDE * float(np.median(ent))
        return self._lines[key]

    def strip_halves(self) -> tuple[np.ndarray, np.ndarray]:
        n = len(self.clean)
        half = max(1, n // 2)
        return np.arange(half), np.arange(half, n) if n > half else np.arange(half)

    def scores(self, x: np.ndarray) -> np.ndarray:
        return class_scores(np.asarray(self.model.predict(x)), self.caps)

    def rng(self, key: int) -> np.random.Generator:
        return np.random.default_rng([self.seed, 7, key])


def replay_backdoor(
    batches: Iterable[FindingBatch],
    model: Model | None,
    clean: np.ndarray | None,
    *,
    seed: int,
    threshold: float,
    scan_threshold: float,
    strip_fpr: float,
    strip_blends: int,
    no_clean: str = "",
    classes_then: tuple[int | None, tuple[str, ...] | None] = (None, None),
    shown: str = "assay show RUN_ID",
) -> ReplayResult:
    """Ask ``model`` (canonical images) each stored finding again.  ``clean``: the run's clean
    images (canonical), or None with ``no_clean`` saying why they cannot be had; ``threshold``:
    the flip rate confirming an input scan's trigger; ``scan_threshold``: a model scan's;
    ``classes_then``: the number and names of the run's model's classes; ``shown``: the
    command that shows the run (its id and store, as pasted: ``resume.show_line``)."""
    replayer = (
        None if clean is None or model is None else _Replayer(model, clean, seed, classes_then)
    )
    total = holding = 0
    examples: list[int] = []
    skipped: dict[str, int] = {}
    index = 0
    for batch in batches:
        for held in _judge(
            batch, replayer, no_clean, threshold, scan_threshold, strip_fpr, strip_blends, shown
        ):
            if isinstance(held, str):
                skipped[held] = skipped.get(held, 0) + 1
            else:
                total += 1
                if held:
                    holding += 1
                    if len(examples) < 10:
                        examples.append(index)
            index += 1
    why = (
        next(iter(skipped), "")
        if len(skipped) < 2
        else "; ".join(f"{n:,} as {reason}" for reason, n in skipped.items())
    )
    untested = replayer.untested() if replayer is not None and total and not holding else ""
    if replayer is not None and total and not untested:
        # (a model stuck midway: the findings replayed after it got stuck show nothing)
        untested = replayer.stuck()
    return ReplayResult(
        total,
        holding,
        examples,
        skipped=sum(skipped.values()),
        why_skipped=why,
        untested=untested,
    )


def _judge(
    batch: FindingBatch,
    replayer: _Replayer | None,
    no_clean: str,
    threshold: float,
    scan_threshold: float,
    strip_fpr: float,
    strip_blends: int,
    shown: str,
) -> list[bool | str]:
    """Per finding of ``batch``: whether it still holds, or why it was not replayed."""
    n = len(batch)
    if batch.kind not in ("backdoor-trigger", "backdoor-target", "strip-flag") or not n:
        return []
    if replayer is None:
        return [no_clean] * n
    shape = tuple(replayer.clean.shape[1:])
    inputs = np.asarray(batch.inputs, dtype=np.float64)
    if tuple(inputs.shape[2:]) != shape:
        return [
            f"its images are {'x'.join(map(str, inputs.shape[2:]))} but the run's clean images "
            f"are now {'x'.join(map(str, shape))}"
        ] * n
    if batch.kind == "strip-flag" and batch.details.get("strategy") in (CLASS_MAP, SOURCE_CLASS):
        return _by_group(inputs[:, 0], batch, replayer, shown)
    if batch.kind == "strip-flag" and batch.details.get("strategy") == PATTERN:
        return _pattern(inputs, batch, replayer)
    if batch.kind == "strip-flag" and batch.details.get("strategy") == OPINION:
        return _opinion(inputs[:, 0], batch, replayer)
    if batch.kind == "strip-flag":
        return _strip(inputs[:, 0], replayer, strip_fpr, strip_blends)
    boxes, targets = batch.columns.get("box"), batch.columns.get("target")
    if boxes is None or targets is None:
        return ["stored without its trigger's box or class (by an older assay): scan again"] * n
    # the trigger's pixels: in the image it was found in, or the clean image it was pasted on
    carrier = inputs[:, 0] if batch.kind == "backdoor-trigger" else inputs[:, 1]
    rate = threshold if batch.kind == "backdoor-trigger" else scan_threshold
    out: list[bool | str] = []
    for image, box, target in zip(carrier, np.asarray(boxes), np.asarray(targets), strict=True):
        t, left, h, w = (int(v) for v in box)
        now = replayer.target_now(int(target))
        if isinstance(now, str):
            out.append(now)
            continue
        got = replayer.flip_rate(image[t : t + h, left : left + w], (t, left, h, w), now)
        out.append(
            f"fewer than {MIN_OTHERS} of the run's clean images are outside the trigger's "
            "class as the model answers now"
            if got is None
            else got >= rate
        )
    return out


def _opinion(images: np.ndarray, batch: FindingBatch, replayer: _Replayer) -> list[bool | str]:
    """A flag of STRIP's second opinion still holds by the opinion's own rule: the image's
    entropy over its blends under ``STRIP_WIDE`` of the median of the run's calibration clean
    images' (``second.second_opinion``), each blended with the pool images the run blended it
    with (stored with the finding: an unchanged model gives the scan's entropies again).  Not
    STRIP's own ``--fpr`` threshold over 20 fresh blends, nor fresh blends of the opinion's: 5
    of 12 flags of bd41's blended fake read "no longer holds" on the unchanged model so."""
    pool, _ = replayer.strip_halves()
    stored = batch.columns.get("blends")
    picks = None if stored is None else np.asarray(stored, dtype=np.int64)
    if picks is not None and (picks.ndim != 2 or len(picks) != len(images)):
        picks = None
    if picks is not None and (picks.min(initial=0) < 0 or picks.max(initial=0) >= len(pool)):
        picks = None  # (clean images of another number now: drawn afresh)
    line = replayer.opinion_line(batch.details)
    what = "the second opinion's line on the model now is 0 bits (its clean images keep one "
    return _below(images, replayer, line, what + "answer under most blends)", 3, BLENDS, picks)


def _by_group(
    images: np.ndarray, batch: FindingBatch, replayer: _Replayer, shown: str
) -> list[bool | str]:
    """A class-map or source-class batch's flags replayed group by group (``group_rows``):
    a group is one check's (one window, source class and target), and a batch may hold
    several (a run keeping few witnesses reads its sampled flags of one check, two units'
    groups, as one batch: replayed as one, each group at the first one's window)."""
    out: list[bool | str] = [""] * len(images)
    for idx in group_rows(batch):
        sub = batch.select(idx)
        located = sub.columns.get("located")
        if located is not None and np.asarray(located).all():
            said = (
                _source(images[idx], sub, replayer)
                if sub.details.get("strategy") == SOURCE_CLASS
                else _class_map(images[idx], sub, replayer)
            )
        else:
            # (not replayed: the flag's pixels are the group's agreed ones, which the stored
            # image does not tell from its own, and its odds are against random groups of
            # clean images drawn at the scan; a replay would be the check again, not the flag's)
            which = "class-map" if sub.details.get("strategy") == CLASS_MAP else "source-class"
            said = [
                f"a {which} flag not located (its whole group flagged) or stored by an older "
                "assay, which this assay does not replay: scan the model again "
                f"(`{shown}` prints the run's command, to reproduce)"
            ] * len(idx)
        for i, v in zip(idx.tolist(), said, strict=True):
            out[i] = v
    return out


def _source(images: np.ndarray, batch: FindingBatch, replayer: _Replayer) -> list[bool | str]:
    """Located flags of the source-class check still hold when the pixels they agree on at
    the group's window (``window_pattern``), pasted on the run's clean images the model
    answers the source class now (the first ``SOURCE_BASES``), still send at least half of
    them to the flags' class: the check's own "sends at least half the images of b"
    (``source_class``).  Not its controls, drawn at the scan: a model whose own look of the
    class at that window sends half the source class there reads as still holding, never as
    fixed."""
    found, sources = window_pattern(images, batch), batch.columns.get("source")
    if found is None or sources is None:
        return ["stored without its window or source class (by an older assay): scan again"] * (
            len(images)
        )
    target = int(np.asarray(batch.outputs).reshape(len(images), -1)[0, 0])
    a, b = replayer.target_now(target), replayer.target_now(int(np.asarray(sources)[0]))
    if isinstance(a, str) or isinstance(b, str):
        return [a if isinstance(a, str) else str(b)] * len(images)
    bases = replayer.clean[replayer.clean_labels() == b][:SOURCE_BASES]
    if len(bases) < SOURCE_FEWEST:
        return [
            f"fewer than {SOURCE_FEWEST} of the run's clean images are in its source class as "
            "the model answers now"
        ] * len(images)
    got = replayer.labels(put(bases, *found))
    return [bool(2 * int(np.sum(got == a)) >= len(bases))] * len(images)


def _class_map(images: np.ndarray, batch: FindingBatch, replayer: _Replayer) -> list[bool | str]:
    """Located flags of the class-map check still hold when the pixels they agree on at the
    window (``window_pattern``), pasted on ``PER_CLASS`` of the run's clean images of each
    class (as the model answers now), still move at least a third of them off their class as
    a permutation does (``class_map.map_score``): the check's own "moves at least a third of
    the bases" (``MOVED_OF``; half before scan51).  (Each image's own window moved too few so
    on attack45b's all-to-all digits, the unchanged model "fixed" for 17 of 18: its own strokes
    beside the trigger.)"""
    found = window_pattern(images, batch)
    if found is None:
        return ["stored without its window (by an older assay): scan again"] * len(images)
    own = replayer.clean_labels()
    if len(np.unique(own)) < 2:
        return ["the run's clean images are of one class as the model answers now"] * len(images)
    picks = np.concatenate([np.flatnonzero(own == c)[:PER_CLASS] for c in np.unique(own)])
    got = replayer.labels(put(replayer.clean[picks], *found))
    return [bool(MOVED_OF * map_score(got, own[picks]) >= len(picks))] * len(images)


def _pattern(inputs: np.ndarray, batch: FindingBatch, replayer: _Replayer) -> list[bool | str]:
    """A flag of the common-pattern check still holds when its class's pattern (stored beside
    the image) still sends the run's clean images answered otherwise to the class more than
    its negative does, under ``STRIP_ODDS`` (``common_pattern.still_sends``)."""
    if inputs.shape[1] < 2:
        return ["stored without its class's pattern (by an older assay): scan again"] * len(inputs)
    out: list[bool | str] = []
    seen: dict[tuple[int, bytes], bool | str] = {}
    targets = np.asarray(batch.outputs).reshape(len(inputs), -1)[:, 0]
    for row, target in zip(inputs, targets, strict=True):
        now = replayer.target_now(int(target))
        if isinstance(now, str):
            out.append(now)
            continue
        key = (now, row[1].tobytes())
        if key not in seen:
            bases = replayer.clean[replayer.clean_labels() != now][:CONFIRM]
            if len(bases) < MIN_OTHERS:
                seen[key] = f"fewer than {MIN_OTHERS} clean images are outside its class now"
            else:
                _, _, odds = still_sends(row[1], now, bases, replayer.labels)
                seen[key] = odds < STRIP_ODDS
        out.append(seen[key])
    return out


def _strip(images: np.ndarray, replayer: _Replayer, fpr: float, blends: int) -> list[bool | str]:
    cut = replayer.strip_threshold(blends, fpr)
    what = "STRIP's threshold on the model now is 0 bits (its clean images keep one answer "
    return _below(images, replayer, cut, what + "under every blend)", 2, blends)


def _below(
    images: np.ndarray,
    replayer: _Replayer,
    cut: float,
    zero: str,
    key: int,
    blends: int,
    picks: np.ndarray | None = None,
) -> list[bool | str]:
    """Whether each image's blends' entropy is still under ``cut`` (``zero``: why nothing is
    asked when ``cut`` is 0 bits)."""
    if cut <= 0:
        return [f"{zero}: it can flag nothing"] * len(images)
    pool, _ = replayer.strip_halves()
    ent = blend_entropy(
        images, replayer.scores, replayer.clean[pool], replayer.rng(key), blends, picks=picks
    )
    return [bool(e < cut) for e in ent]
