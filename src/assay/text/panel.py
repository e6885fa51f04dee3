"""Several text classifiers behind one Model: a query is one sentence sent to every classifier.

The panel answers with the classifiers' probabilities side by side (labels are one-hot
encoded), so the engine's budget counts one query per sentence and one call per batch.
Labels are aligned by name, or through a label map (``load_label_map``): labels with no
counterpart are reported, never guessed.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from assay.core.error_prefix import prefixed
from assay.core.label_length import LONGEST_LABEL, check_label_lengths
from assay.core.model import Capabilities, Model, ModelInputs
from assay.core.numerals import written_int
from assay.core.textfile import read_text_file
from assay.errors import AssayError, ModelError, UsageError
from assay.text.label_map_line import MapLineError, read_map_line
from assay.text.lines import file_lines
from assay.text.map_guess import map_guess_hint
from assay.text.shared_labels import shared_hint

__all__ = [
    "LONGEST_LABEL",
    "CallCost",
    "Layout",
    "Panel",
    "as_answered",
    "build_layout",
    "common_too_long",
    "fold_label",
    "labels_of",
    "labels_open",
    "load_label_map",
    "silent_labels",
]


@dataclass(frozen=True)
class Layout:
    """Where each classifier's columns are, and how its labels map to the common labels."""

    names: tuple[str, ...]
    labels: tuple[tuple[str, ...], ...]
    offsets: tuple[int, ...]
    common: tuple[str, ...]
    maps: tuple[tuple[int, ...], ...]  # per classifier: common index of each own label, or -1
    # labels aligned because they differ only in case or spaces: (classifier, own, common)
    folded: tuple[tuple[str, str, str], ...] = ()
    # per classifier: whether it answers scores (False: labels, one-hot here: a number shown
    # beside such a label would be a confidence it never gave); () when not known
    scored: tuple[bool, ...] = ()
    # per classifier, per label of its own: whether it is no answer (``silent_labels``: an
    # empty one, or one the label map maps to "": an LLM's refusal); () when none is
    silent: tuple[tuple[bool, ...], ...] = ()

    def no_answer(self, k: int, top: np.ndarray) -> bool:
        """Whether classifier ``k`` gave no answer to any of the rows whose labels (its
        own indices) are ``top``: such a case is not judged for it (``Oracle``)."""
        if not self.silent or not any(self.silent[k]):
            return False
        return bool(np.asarray(self.silent[k])[np.asarray(top, dtype=np.int64)].any())

    def answers_scores(self, k: int) -> bool:
        """Whether classifier ``k`` answered scores of its own (not labels alone)."""
        return not self.scored or self.scored[k]

    @property
    def width(self) -> int:
        return self.offsets[-1] + len(self.labels[-1])

    def block(self, outputs: np.ndarray, k: int) -> np.ndarray:
        a = self.offsets[k]
        return outputs[:, a : a + len(self.labels[k])]

    def compared(self, k: int, top: np.ndarray) -> np.ndarray:
        """Classifier ``k``'s labels ``top`` (indices of its own) as a metamorphic oracle
        compares them: two labels a label map makes one (``1 neutral -> pos``, ``1 pos ->
        pos``) are the same prediction; a label without a counterpart is itself."""
        mapped = np.asarray(self.maps[k], dtype=np.int64)[np.asarray(top, dtype=np.int64)]
        return np.where(mapped >= 0, mapped, len(self.common) + np.asarray(top))

    def aligned(self, outputs: np.ndarray, k: int) -> np.ndarray:
        """Classifier ``k``'s probabilities over the common labels (unmapped mass dropped)."""
        block = self.block(outputs, k)
        out = np.zeros((len(outputs), len(self.common)))
        for j, c in enumerate(self.maps[k]):
            if c >= 0:
                out[:, c] += block[:, j]
        return out

    def unmapped(self) -> dict[str, list[str]]:
        return {
            self.names[k]: [
                lab for lab, c in zip(self.labels[k], self.maps[k], strict=True) if c < 0
            ]
            for k in range(len(self.names))
            if any(c < 0 for c in self.maps[k])
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "names": list(self.names),
            "labels": [list(x) for x in self.labels],
            "common": list(self.common),
            "maps": [list(m) for m in self.maps],
            "unmapped": self.unmapped(),
            "folded": [list(f) for f in self.folded],
            # (per classifier, when known: scores, or labels shown one-hot, which the
            # findings frame says: left53c)
            **({"scored": list(self.scored)} if self.scored else {}),
        }

    def answer_text(
        self, row: np.ndarray, *, named: bool = True, only: Sequence[int] | None = None
    ) -> str:
        """One row of the classifiers' answers in their own labels: ``strlab: 'pos'`` (a
        label), ``vader: negative 0.61`` (the most likely class and its probability);
        ``named`` False: without the classifiers' names; ``only``: those classifiers'."""
        row = np.asarray(row, dtype=np.float64)
        if row.shape != (self.width,):
            return ", ".join(f"{v:g}" for v in row[:6])
        parts = []
        for k, name in enumerate(self.names):
            if only is not None and k not in only:
                continue
            block = self.block(row[None], k)[0]
            top = int(np.argmax(block))
            one_hot = block[top] == 1.0 and np.count_nonzero(block) == 1
            label = self.labels[k][top]
            said = f"{label!r}" if one_hot else f"{label} {block[top]:.2g}"
            parts.append(f"{name}: {said}" if named else said)
        return "; ".join(parts)

    def folded_note(self) -> str | None:
        """Which labels were taken as one though written differently (None: none)."""
        if not self.folded:
            return None
        pairs = "; ".join(f"{who}'s {own!r} as {common!r}" for who, own, common in self.folded)
        return (
            "labels that differ only in case or spaces (or a whole number written as a float) "
            f"were taken as the same: {pairs} "
            "(give --label-map to align them otherwise)"
        )


def labels_of(model: Model) -> tuple[str, ...]:
    caps = model.capabilities
    if caps.class_names:
        return tuple(str(c) for c in caps.class_names)
    if caps.n_classes is None:
        raise UsageError(
            "a text classifier must declare its classes (n_classes); this one returns scores",
            argument="MODEL",
        )
    return tuple(str(i) for i in range(caps.n_classes if caps.n_classes > 1 else 2))


def common_too_long(common: str) -> str | None:
    """What is wrong with a label map's common label longer than a label may be, or None."""
    if len(common) <= LONGEST_LABEL:
        return None
    return (
        f"a common label of {len(common):,} characters ({common[:60]!r}...); a label is at "
        f"most {LONGEST_LABEL:,}"
    )


def _said(labels: Sequence[object]) -> str:
    """Labels for a message on the terminal: as written, except one holding a character the
    terminal would act on (an ANSI sequence that sets its title or colour, a new line),
    written as Python writes it, escaped."""
    return ", ".join(_one_said(str(x)) for x in labels)


def _one_said(x: str) -> str:
    """One label as ``_said`` writes it: quoted (Python's ``repr``) when it holds a
    character the terminal would act on, is empty, or has spaces at an end (an LLM's
    ``''`` and `` positive.`` printed as nothing and as ``positive.``: "has ,  negative.,
    ..."; llm45t)."""
    return x if x.isprintable() and x and x == x.strip() else repr(x)


def _own(model: Model, labels: tuple[str, ...]) -> str:
    """A classifier's labels as it gave them: one read off its answers is listed with what it
    answered, not with the labels of the others it was widened with."""
    answered = getattr(model, "spec_info", {}).get("own_labels")
    if answered is None:
        return _said(labels)
    return f"{_said(answered)} (the labels it answered, not declared)"


def _as_answered(
    mapped: Sequence[tuple[str, ...]], models: Sequence[Model], k: int
) -> list[tuple[str, ...]]:
    """``mapped`` with the first classifier's and classifier ``k``'s labels cut to those it
    answered when they were read off its answers: such a classifier's labels are widened
    with the others' (so that a label it has not answered yet is no failure), and the
    refusal of labels named differently said they "share" the other's labels, with a map
    line that compared nothing (``clean, toxic`` against ``False, True``: "they share False,
    True: ... `2 False -> False`"; hostile44t)."""
    out = list(mapped)
    for j in (0, k):
        answered = getattr(models[j], "spec_info", {}).get("own_labels")
        if answered is not None:
            own = {fold_label(str(x)) for x in answered}
            out[j] = tuple(x for x in mapped[j] if fold_label(x) in own)
    return out


def _refuse_disjoint_answers(models: Sequence[Model], names: Sequence[str]) -> None:
    """Refused (exit 2): two classifiers whose labels were read off their answers (undeclared)
    and that answered two labels or more each, none of them in common (``"sport"``,
    ``"money"`` against ``"1"``, ``"0"``): every sentence would be a disagreement, found
    because they name their labels differently, not because they differ."""
    answered = [getattr(m, "spec_info", {}).get("own_labels") for m in models]
    for k in range(1, len(models)):
        first, other = answered[0], answered[k]
        if first is None or other is None or min(len(first), len(other)) < 2:
            continue
        if {fold_label(x) for x in first} & {fold_label(x) for x in other}:
            continue
        raise UsageError(
            f"the classifiers name their labels differently: {names[0]} has "
            f"{_own(models[0], ())}; {names[k]} has {_own(models[k], ())}, none in common, so "
            "every sentence would be a disagreement. Give --label-map FILE mapping each one's "
            "labels to common ones (docs/text.md, Labels and label maps), or declare them "
            "beside each function in the same names: `FUNCTION.classes_ = ['neg', 'pos']`"
            f"{map_guess_hint(first, other, k, True)}",
            argument="--label-map",
        )


def build_layout(
    models: Sequence[Model],
    names: Sequence[str],
    label_map: dict[int, dict[str, str]] | None = None,
    *,
    differential: bool = True,
) -> Layout:
    """Align the classifiers' labels by name or by ``label_map``; refuse what cannot align."""
    labels = [labels_of(m) for m in models]
    for name, lab in zip(names, labels, strict=False):
        check_label_lengths(name, lab)
    offsets, acc = [], 0
    for lab in labels:
        offsets.append(acc)
        acc += len(lab)
    label_map = label_map or {}
    folded: list[tuple[str, str, str]] = []
    mapped = []
    for k, lab in enumerate(labels):
        m = label_map.get(k, {})
        mapped.append(tuple(m.get(x, x) for x in lab))
    if differential:  # "POSITIVE" and "positive": the first classifier's way of writing it
        for k in range(1, len(mapped)):
            before = mapped[k]
            mapped[k] = _fold_onto(before, mapped[0])
            folded += [(names[k], a, b) for a, b in zip(before, mapped[k], strict=True) if a != b]
    if label_map:
        common: list[str] = list(dict.fromkeys(x for x in mapped[0]))
        for k in range(1, len(mapped)):
            common += [x for x in mapped[k] if x not in common]
        shared = set(mapped[0])
        for ml in mapped[1:]:
            shared &= set(ml)
        common = [c for c in common if c in shared]
    else:
        common = list(mapped[0])
        if differential and len(models) > 1:
            for k in range(1, len(models)):
                seen = _as_answered(mapped, models, k)
                if set(mapped[k]) != set(mapped[0]) and not (
                    set(seen[k]) <= set(mapped[0]) and set(seen[0]) <= set(mapped[k])
                ):  # (one whose labels were read off its answers: those it answered)
                    unnamed = [names[j] for j in (0, k) if not models[j].capabilities.class_names]
                    one = len(unnamed) == 1
                    hint = (
                        f" ({' and '.join(unnamed)} {'does' if one else 'do'} not name "
                        f"{'its' if one else 'their'} classes, numbered from 0: name them "
                        "beside the function, `FUNCTION.classes_ = ['neg', 'pos']`, or map "
                        "them)"
                        if unnamed
                        else ""
                    )
                    apart = not {fold_label(x) for x in seen[0]} & {fold_label(x) for x in seen[k]}
                    raise UsageError(
                        f"the classifiers name their labels differently: {names[0]} has "
                        f"{_own(models[0], labels[0])}; {names[k]} has "
                        f"{_own(models[k], labels[k])}{', none in common' if apart else ''}. "
                        "Give --label-map FILE mapping each one's labels to common ones"
                        f"{hint}{shared_hint(seen, k)}"
                        f"{map_guess_hint(seen[0], seen[k], k, apart)}",
                        argument="--label-map",
                    )
        if differential:  # read off the answers: widened with each other's, never disjoint
            _refuse_disjoint_answers(models, names)
    silent = silent_labels(labels, label_map)
    common = [c for c in common if c.strip()]  # (no answer is no label to compare)
    maps = tuple(tuple(common.index(x) if x in common else -1 for x in ml) for ml in mapped)
    if differential and len(models) > 1 and len(common) < 2:
        if label_map:
            raise UsageError(
                f"after the label map the classifiers share {len(common)} label(s) "
                f"({_said(common) or 'none'}); differential testing needs at least two",
                argument="--label-map",
            )
        raise UsageError(
            f"the classifiers have one label only ({', '.join(map(repr, common))}), so they "
            "could never disagree; differential testing needs at least two. A function "
            "answering labels by name without declaring them has the labels it answered to "
            "the grammar's first sentences: declare every label it can answer beside it, "
            f"`FUNCTION.classes_ = [{', '.join(map(repr, common))}, ...]`",
            argument="MODEL",
        )
    if label_map and not differential:
        _refuse_one_prediction(labels, maps, names)
    scored = tuple(m.capabilities.outputs != "labels" for m in models)
    return Layout(
        tuple(names),
        tuple(labels),
        tuple(offsets),
        tuple(common),
        maps,
        tuple(folded),
        scored,
        silent if any(any(x) for x in silent) else (),
    )


def silent_labels(
    labels: Sequence[tuple[str, ...]], label_map: dict[int, dict[str, str]]
) -> tuple[tuple[bool, ...], ...]:
    """Per classifier, per label: whether it is no answer: empty or spaces alone (an LLM's
    empty completion), or mapped by the label map to "" (``1 "I can't help with that" ->
    ""``: a refusal).  A sentence so answered is compared with nothing: no disagreement,
    no invariance or directional failure, no failed expectation; counted and said
    (``Oracle.without``).  Before llm45t an LLM's refusal or empty answer swapped in for
    a name was an invariance failure, pinned on the name."""
    return tuple(
        tuple(not x.strip() or not label_map.get(k, {}).get(x, x).strip() for x in lab)
        for k, lab in enumerate(labels)
    )


def _refuse_one_prediction(
    labels: Sequence[tuple[str, ...]], maps: Sequence[tuple[int, ...]], names: Sequence[str]
) -> None:
    """A metamorphic test (invariance, directional) whose label map makes every label of a
    classifier one (``1 neg -> x``, ``1 pos -> x``): its prediction could never change, so
    nothing of it could fail; refused (exit 2) rather than run as a pass."""
    for k, (own, m) in enumerate(zip(labels, maps, strict=True)):
        if len(own) > 1 and len(set(m)) == 1 and m[0] >= 0:
            raise UsageError(
                f"after the label map every label of {names[k]} ({_said(own)}) is one, so "
                "its prediction could never change and no edit or swap could fail; a "
                "metamorphic test needs at least two labels that stay apart",
                argument="--label-map",
            )


def fold_label(label: str) -> str:
    """A label as compared when no label map aligns it: spaces and case ignored, Unicode's
    canonically equivalent forms one ('négatif' with its é as one character, NFC, or as an
    e and a combining accent, NFD: a macOS file name, a PDF copied), and a whole number
    written as a float ('1.0', from a label column that held a NaN once, as scikit-learn
    keeps it) as that number ('1').  Turkish's dotted and dotless i are one letter in case
    ('İYİ' and 'iyi', 'KIRMIZI' and 'kırmızı': Python's casefold makes 'İ' an i and a
    combining dot, and leaves 'ı' apart from the 'i' of 'I')."""
    folded = unicodedata.normalize("NFC", " ".join(label.split()).casefold())
    if "\u0307" in folded or "ı" in folded:
        folded = folded.replace("i\u0307", "i").replace("ı", "i")
    try:
        number = float(folded)
    except ValueError:
        return folded
    return str(int(number)) if number.is_integer() else folded


def _fold_onto(own: tuple[str, ...], first: tuple[str, ...]) -> tuple[str, ...]:
    """``own`` with each label that ``first`` lacks but writes differently only in case or
    spaces ("POSITIVE" for "positive", "very good " for "very good"), and only one way,
    written as ``first`` writes it."""
    have = set(first)
    out = []
    for x in own:
        near = [y for y in first if fold_label(y) == fold_label(x)]
        taken = len(near) == 1 and x not in have and near[0] not in own
        out.append(near[0] if taken else x)
    return tuple(out) if len(set(out)) == len(out) else own


def load_label_map(
    path: str | os.PathLike[str], models: Sequence[Model], names: Sequence[str]
) -> dict[int, dict[str, str]]:
    """Read a label map: lines ``CLASSIFIER LABEL -> COMMON`` (classifier by position 1, 2, ...
    or name; a label in double quotes holding spaces, ``\"`` and ``\\`` escaped in it:
    ``text.label_map_line``); ``#`` comments.  An unknown classifier or label is a
    ``UsageError`` at its line.  Or a JSON object ``{CLASSIFIER: {LABEL: COMMON}}``, as
    ``label_map=`` takes it (``text.label_map_json``)."""
    where = str(path)
    try:
        text = read_text_file(path, what="the label map", argument="--label-map")
    except FileNotFoundError:
        raise UsageError(
            f"no such label map: {where}", argument="--label-map", path=where
        ) from None
    except OSError as exc:
        raise UsageError(
            f"cannot read the label map: {exc}", argument="--label-map", path=where
        ) from None
    if text.lstrip("\ufeff \t\r\n").startswith("{"):  # (``label_map=``'s dict as JSON)
        from assay.text.label_map_json import json_label_map

        return json_label_map(text, where, models, names)
    labels = [labels_of(m) for m in models]
    out: dict[int, dict[str, str]] = {}
    for n, raw in enumerate(file_lines(text), start=1):
        if not raw.strip() or raw.strip().startswith("#"):
            continue
        try:
            fields = read_map_line(raw)
        except MapLineError as exc:
            raise _map_error(str(exc), where, n, exc.column) from None
        who, own, common = fields.who, fields.own, fields.common
        position = written_int(who) if who.isdigit() else None  # ('²': a bare ValueError)
        if position is not None and 1 <= position <= len(models):
            k = position - 1
        elif who in names:
            k = list(names).index(who)
        else:
            raise _map_error(
                f"unknown classifier {who!r}; give its position (1..{len(models)}) or name "
                f"({', '.join(names)})",
                where,
                n,
                fields.who_at,
            )
        own = as_answered(own, labels[k])
        if own not in labels[k] and not labels_open(models[k]):
            near = [x for x in labels[k] if fold_label(x) == fold_label(own)]
            hint = f" (did you mean {near[0]!r}? labels are matched exactly)" if near else ""
            raise _map_error(
                f"classifier {names[k]} has no label {own!r}{hint}; its labels are "
                f"{_said(labels[k])}",
                where,
                n,
                fields.own_at,
            )
        too_long = common_too_long(common)  # (a 20 MB common label: 5.5 GB, then exit 5)
        if too_long is not None:
            raise _map_error(too_long, where, n, fields.common_at)
        before = out.setdefault(k, {}).get(own)
        if before is not None and before != common:
            raise _map_error(
                f"classifier {names[k]}'s label {own!r} is mapped twice: to {before!r} above, "
                f"to {common!r} here",
                where,
                n,
                fields.own_at,
            )
        out[k][own] = common
    return out


def labels_open(model: Model) -> bool:
    """Whether ``model``'s labels were read off its answers (undeclared: a function or an
    endpoint answering labels by name, an LLM wording its answers freely): a label map
    naming a label it has not answered yet declares it (``text.loading.with_mapped``), as
    the map's author knows its wordings and a probe of a few dozen sentences sees only
    some (a map of an LLM's ``"The sentiment is positive"`` was refused at one seed and
    taken at another; llm45t)."""
    return bool(getattr(getattr(model, "inner", None), "from_answers", False))


def as_answered(label: str, labels: Sequence[str]) -> str:
    """``label`` as the classifier writes it when it is the same text in another Unicode
    normal form (a map written in NFD, the classifier answering NFC): the two print alike,
    and "has no label 'négatif'; its labels are négatif, positif" contradicted itself.
    Otherwise ``label`` as it is (matched exactly, or refused)."""
    if label in labels:
        return label
    same = [
        x for x in labels if unicodedata.normalize("NFC", x) == unicodedata.normalize("NFC", label)
    ]
    return same[0] if len(same) == 1 else label


def _map_error(message: str, where: str, line: int, column: int) -> UsageError:
    return UsageError(message, argument="--label-map", path=where, line=line, column=column)


class CallCost:
    """What a call to the classifiers costs, from the calls answered: a fixed part per call
    and a part per sentence (CPU seconds), fitted by least squares to (sentences, seconds)
    of every call.  ``Engine.send_ahead`` sizes its parts by it."""

    MIN_CALLS = 8

    def __init__(self) -> None:
        self.k = 0
        self.sn = self.st = self.snn = self.snt = 0.0

    def add(self, n: int, seconds: float) -> None:
        self.k += 1
        self.sn += n
        self.st += seconds
        self.snn += n * n
        self.snt += n * seconds

    def fitted(self) -> tuple[float, float] | None:
        """(seconds per call, seconds per sentence), or None before ``MIN_CALLS`` calls of
        different sizes (or when the fit gives no positive cost per sentence)."""
        if self.k < self.MIN_CALLS:
            return None
        det = self.k * self.snn - self.sn * self.sn
        if det <= 1e-9 * max(self.snn, 1.0):
            return None
        each = (self.k * self.snt - self.sn * self.st) / det
        fixed = (self.st - each * self.sn) / self.k
        if each <= 0.0:
            return None
        return max(fixed, 0.0), each


class _Now:
    """The index of the classifier a panel is calling now (``Panel.now``)."""

    value = -1


class Panel:
    """The classifiers under test as one Model: probabilities side by side."""

    def __init__(self, models: Sequence[Model], names: Sequence[str], layout: Layout) -> None:
        self.models = list(models)
        self.names = list(names)
        self.layout = layout
        self.capabilities = Capabilities(
            modality="text", n_classes=layout.width, outputs="proba", max_batch=None
        )
        self.seconds = [0.0] * len(self.models)  # wall-clock time inside each classifier
        self.cpu_seconds = [0.0] * len(self.models)  # CPU time of the calling thread in it
        self.calls = 0  # batches answered (each classifier is called once per batch)
        # the classifier answering now (-1: none); in a worker process, shared memory that
        # the run's process reads when a call times out (``hung_on``)
        self.now: Any = _Now()
        self.call_cost = CallCost()  # (where the calls are answered in this process)

    def hung_on(self) -> str | None:
        """The name of the classifier answering now (None: none is)."""
        k = int(self.now.value)
        return self.names[k] if 0 <= k < len(self.names) else None

    def predict(self, inputs: ModelInputs, /) -> np.ndarray:
        import time

        texts = list(inputs)
        n = len(texts)
        self.calls += 1
        out = np.zeros((n, self.layout.width))
        cpu = sum(self.cpu_seconds)
        for k, model in enumerate(self.models):
            t0 = time.perf_counter()
            c0 = time.thread_time()
            self.now.value = k
            try:
                ans = _in_batches(model, texts)
            except AssayError as exc:
                if isinstance(exc, ModelError):
                    raise prefixed(exc, f"classifier {self.names[k]}: ") from exc
                raise
            except Exception as exc:
                raise ModelError(
                    f"classifier {self.names[k]} raised {type(exc).__name__}: {exc}"
                ) from exc
            finally:
                self.now.value = -1
                self.seconds[k] += time.perf_counter() - t0
                self.cpu_seconds[k] += time.thread_time() - c0
            width = len(self.layout.labels[k])
            block = self.layout.block(out, k)
            ans = np.asarray(ans)
            if model.capabilities.outputs == "labels":
                if ans.shape != (n,):
                    raise ModelError(
                        f"classifier {self.names[k]} returned shape {ans.shape} for {n} "
                        f"sentences; expected ({n},)"
                    )
                block[np.arange(n), ans.astype(np.int64)] = 1.0
            else:
                if ans.ndim == 2 and ans.shape[1] == 1 and width == 2:
                    ans = np.hstack([1 - ans, ans])
                if ans.shape != (n, width):
                    raise ModelError(
                        f"classifier {self.names[k]} returned shape {ans.shape} for {n} "
                        f"sentences; expected ({n}, {width})"
                    )
                block[:] = ans
        self.call_cost.add(n, sum(self.cpu_seconds) - cpu)
        return out


def _in_batches(model: Model, texts: list[str]) -> np.ndarray:
    limit = model.capabilities.max_batch
    if limit is None or len(texts) <= limit:
        return np.asarray(model.predict(texts))
    return np.concatenate(
        [np.asarray(model.predict(texts[i : i + limit])) for i in range(0, len(texts), limit)]
    )
