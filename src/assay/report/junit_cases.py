"""One-line descriptions of findings for CI (JUnit case names and failure messages), in the
user's own terms: a sentence and what each classifier answered; a row in its own values."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from assay.core.display import listed, value
from assay.core.labels import split_labels
from assay.core.missing_code import MISSING_LABEL, stored_missing
from assay.report._text import compact

__all__ = [
    "backdoor_case",
    "backdoor_key",
    "fairness_case",
    "fairness_key",
    "in_own_values",
    "text_case",
]


OWN_VALUES = "in your values"  # the key of a JUnit body's rows in the data's own values


def _as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def text_case(finding: dict[str, Any], run: dict[str, Any] | None = None) -> tuple[str, str] | None:
    """A text finding's minimal sentence (quoted, for the case's name) and what the
    classifiers answered on it, as CI shows a failure: ``m.py:a: neg, m.py:b: pos on "the
    food is not bad"``, or for a metamorphic relation ``"Aisha is brilliant." -> neg, "Maria
    is brilliant." -> pos`` (of several classifiers, each one's: ``"..." -> a: neg, b: pos,
    "..." -> a: pos, b: pos``); a label a map compared as another beside it (``否定 = neg``:
    the ``run``'s layout); None for other findings."""
    if not str(finding.get("kind", "")).startswith("text-"):
        return None
    inputs = finding.get("inputs")
    details = _as_dict(finding.get("details"))
    if not isinstance(inputs, list) or not inputs or not isinstance(inputs[0], str):
        return None
    quoted = f'"{compact(inputs[0], 100)}"'
    labels = str(details.get("labels", ""))
    variant = details.get("variant")
    names = details.get("classifiers")
    # of several classifiers, those that failed the test (a metamorphic finding's ``failed``)
    failed = split_labels(str(details["failed"])) if details.get("failed") else []
    by = f" (failed by {', '.join(failed)})" if failed else ""
    by += _the_test(details)
    answers = split_labels(labels)
    if isinstance(variant, str) and variant and labels:  # (an %expect finding's: none)
        return quoted, _variant_said(quoted, variant, answers, names, run) + by
    if isinstance(names, list) and len(names) == len(answers):
        own = _own_labels(finding, names)
        # (a differential finding's labels are the common ones, its own read off its
        # columns; an %expect finding's are the classifiers' own: the common from the map)
        common = _common_of(None if finding.get("kind") == "text-differential" else run)
        pairs = ", ".join(
            f"{n}: {_beside(o if o is not None else a, a, common(n, a))}"
            for n, a, o in zip(names, answers, own, strict=True)
        )
        return quoted, f"{pairs} on {quoted}{by}"
    return quoted, f"{labels} on {quoted}{by}" if labels else f"on {quoted}{by}"


def _variant_said(
    quoted: str, variant: str, answers: list[str], names: Any, run: dict[str, Any] | None
) -> str:
    """A metamorphic finding's sentence and variant with what each classifier answered on
    them (``answers``: one ``BEFORE -> AFTER``, or one label both times, per classifier)."""
    names = names if isinstance(names, list) and len(names) == len(answers) else None
    moves = [a.split(" -> ", 1) if " -> " in a else [a, a] for a in answers]
    common = _common_of(run)

    def said(k: int, at: int) -> str:
        own = moves[k][at]
        mapped = common(names[k], own) if names is not None else None
        label = own if mapped in (None, own) else f"{own} = {mapped}"
        return label if names is None or len(names) == 1 else f"{names[k]}: {label}"

    before = ", ".join(said(k, 0) for k in range(len(moves)))
    after = ", ".join(said(k, 1) for k in range(len(moves)))
    line = f'{quoted} -> {before}, "{compact(variant, 100)}" -> {after}'
    if len(moves) > 1:
        line = f'{quoted} -> {before}; "{compact(variant, 100)}" -> {after}'
    return line + (f" ({names[0]})" if names is not None and len(names) == 1 else "")


def _beside(own: str, answered: str, mapped: str | None) -> str:
    """``own = common`` where a map compared a classifier's own label as another, else
    ``own``: ``answered`` is the finding's label (common for a differential finding),
    ``mapped`` the common one the run's layout gives ``answered`` (None: not told)."""
    common = answered if answered != own else mapped
    return own if common in (None, own) else f"{own} = {common}"


def _common_of(run: dict[str, Any] | None) -> Any:
    """The common label a classifier's own label was compared as (the run's layout: its
    label map), or None where the run does not say."""
    layout = _as_dict(_as_dict(_as_dict(run).get("config")).get("layout"))
    parts = [layout.get(k) for k in ("names", "labels", "maps", "common")]
    told = all(isinstance(x, list) for x in parts)
    names, labels, maps, common = (x if isinstance(x, list) else [] for x in parts)

    def of(name: Any, own: str) -> str | None:
        if not told:
            return None
        try:
            k = names.index(name)
            j = maps[k][labels[k].index(own)]
            return str(common[j]) if j >= 0 else None
        except (ValueError, IndexError, TypeError, AttributeError):
            return None

    return of


def _own_labels(finding: dict[str, Any], names: list[Any]) -> list[str | None]:
    """Each classifier's own label on a differential finding's minimal sentence (its likeliest
    column, ``NAME: LABEL``), where a label map compared it as a common one (``否定`` as
    ``neg``): the message shows both, as the terminal does; None where not told."""
    columns = _as_dict(finding.get("details")).get("columns")
    rows = finding.get("outputs")
    row = rows[0] if isinstance(rows, list) and rows else None
    if not isinstance(columns, list) or not isinstance(row, list) or len(row) != len(columns):
        return [None] * len(names)
    out: list[str | None] = []
    for name in names:
        head = f"{name}: "
        mine = [
            (v, str(c)[len(head) :])
            for c, v in zip(columns, row, strict=True)
            if str(c).startswith(head) and isinstance(v, int | float)
        ]
        top = max((v for v, _ in mine), default=None)
        best = [label for v, label in mine if v == top]
        out.append(best[0] if len(best) == 1 else None)
    return out


def _the_test(details: dict[str, Any]) -> str:
    """`` (line 7: %directional ...)``: the test of a suite (several tests) a finding
    failed, as its grammar's line declares it; empty for a run of one test or none."""
    tests, relation = details.get("tests"), details.get("relation")
    if not isinstance(tests, list) or len(tests) < 2 or not isinstance(relation, int):
        return ""
    return f" ({compact(str(tests[relation]), 120)})" if 0 <= relation < len(tests) else ""


def _in_own_values(
    finding: dict[str, Any], run: dict[str, Any] | None
) -> tuple[list[Any], list[list[str]]] | None:
    """A fairness finding's features and its rows in the data's own values; None when it is
    not such a pair or the run's schema does not cover it."""
    if not str(finding.get("kind", "")).startswith("fairness."):
        return None
    config = _as_dict(_as_dict(run).get("config"))
    features = _as_dict(config.get("schema")).get("features")
    rows = finding.get("inputs")
    if not isinstance(features, list) or not isinstance(rows, list) or len(rows) < 2:
        return None
    if not all(isinstance(r, list) and len(r) == len(features) for r in rows):
        return None
    try:
        return features, [[_value(f, v) for f, v in zip(features, r, strict=True)] for r in rows]
    except (IndexError, TypeError, ValueError):
        return None


def _named(features: list[Any], k: int, row: list[str]) -> str:
    return f"{_as_dict(features[k]).get('name', k)}={listed(row[k])}"


def fairness_key(finding: dict[str, Any], run: dict[str, Any] | None) -> str | None:
    """What an IDI is, the same from one run to the next wherever it is among the findings:
    what its variants differ in, then what they share (cut), then a hash of its whole rows in
    the data's own values, in no order: ``sex=F / sex=M; age=42.5, city=C [3fa9c1d2]``; None
    for other findings (an IDI the schema does not cover: the hash of its inputs alone)."""
    if not str(finding.get("kind", "")).startswith("fairness."):
        return None
    own = _in_own_values(finding, run)
    if own is None:
        whole = json.dumps(sorted(json.dumps(r) for r in finding.get("inputs") or []))
        return f"[{hashlib.sha256(whole.encode()).hexdigest()[:8]}]"
    features, shown = own
    same = [k for k in range(len(features)) if len({row[k] for row in shown}) == 1]

    differ = [k for k in range(len(features)) if k not in same]
    variants = sorted(", ".join(_named(features, k, row) for k in differ) for row in shown)
    common = ", ".join(_named(features, k, shown[0]) for k in same)
    # of the rows themselves: two IDIs whose continuous values read alike (50.0110001 and
    # 50.011) are two cases, not one name twice (a discrete row's digest is its shown one)
    exact = [
        [
            repr(float(v)) if _as_dict(f).get("kind") == "continuous" else s
            for f, v, s in zip(features, row, text, strict=True)
        ]
        for row, text in zip(finding["inputs"], shown, strict=True)
    ]
    digest = hashlib.sha256(json.dumps(sorted(exact)).encode()).hexdigest()[:8]
    line = " / ".join(variants) + (f"; {common}" if common else "")
    return f"{compact(line, 120)} [{digest}]"


def fairness_case(finding: dict[str, Any], run: dict[str, Any] | None) -> str | None:
    """An individual discriminatory instance in the data's own values and the model's own
    class names: ``age=42.5, income=59052.1, city=C: sex=F -> deny, sex=M -> approve``
    (the features its variants share, then each variant's protected values and answer);
    None when the finding is not such a pair or the run's schema does not cover it."""
    own = _in_own_values(finding, run)
    if own is None:
        return None
    features, shown = own
    rows = finding.get("inputs") or []
    caps = _as_dict(_as_dict(_as_dict(run).get("model")).get("capabilities"))
    names = caps.get("class_names")
    same = [k for k in range(len(features)) if len({row[k] for row in shown}) == 1]
    differ = [k for k in range(len(features)) if k not in same]

    outputs = finding.get("outputs")
    outs = outputs if isinstance(outputs, list) and len(outputs) == len(rows) else []
    variants = []
    for i, row in enumerate(shown):
        said = ", ".join(_named(features, k, row) for k in differ)
        if outs:
            said += f" -> {_answer(outs[i], names)}"
        variants.append(said)
    common = ", ".join(_named(features, k, shown[0]) for k in same)
    line = f"{common}: {', '.join(variants)}" if common else ", ".join(variants)
    return compact(line, 400)


def in_own_values(finding: dict[str, Any], run: dict[str, Any] | None) -> dict[str, Any]:
    """``finding`` with its rows as the terminal shows them (a fairness finding the run's
    schema covers): ``in your values``, one line per variant in the data's own column names
    (in the data's order) and categories, and the class it was answered (``ville=Bath,
    âge=41, sex=F -> deny``); the encoded ``inputs`` kept beside (the JSON report's form).
    Other findings as they are."""
    own = _in_own_values(finding, run)
    if own is None:
        return finding
    features, shown = own
    caps = _as_dict(_as_dict(_as_dict(run).get("model")).get("capabilities"))
    outputs = finding.get("outputs")
    outs = outputs if isinstance(outputs, list) and len(outputs) == len(shown) else []
    lines = []
    for i, row in enumerate(shown):
        line = ", ".join(_named(features, k, row) for k in range(len(features)))
        lines.append(f"{line} -> {_answer(outs[i], caps.get('class_names'))}" if outs else line)
    return {**finding, OWN_VALUES: lines}


def _value(feature: Any, code: Any) -> str:
    """One encoded value as the data has it (a category, an integer, a number; the missing
    value as the terminal and the HTML write it)."""
    f = _as_dict(feature)
    kind = f.get("kind")
    if stored_missing(f, code):  # (its code is no value: said as the terminal says it)
        return MISSING_LABEL
    if kind == "categorical":
        named = f.get("value_labels")  # bins of a number: "25-39"
        return str((named if isinstance(named, list) else f["categories"])[int(code)])
    if kind == "integer":
        labels = f.get("value_labels")
        if isinstance(labels, list):
            return str(labels[int(code) - int(f.get("low") or 0)])
        return str(int(code))
    return value(float(code))  # (as the terminal, the JSON's witnesses and the HTML write it)


def _answer(output: Any, names: Any) -> str:
    """The model's answer: its class name where the output is a row of class scores, or a
    class's index (a model answering labels: ``-> 0`` was said where the terminal says
    ``deny``)."""
    if isinstance(output, int) and not isinstance(output, bool) and isinstance(names, list):
        return str(names[output]) if 0 <= output < len(names) else str(output)
    if isinstance(output, list) and output and all(isinstance(x, int | float) for x in output):
        top = max(range(len(output)), key=lambda j: output[j])
        if len(output) == 1:  # one score: the second class's probability
            top = int(output[0] >= 0.5)
        if isinstance(names, list) and 0 <= top < len(names):
            return str(names[top])
        return str(top)
    return compact(output, 40)


def backdoor_case(finding: dict[str, Any], run: dict[str, Any] | None) -> str | None:
    """A backdoor finding as a sentence: ``image 4 (cat_017.png): a 3x3 trigger at (row 5,
    col 5) sends it to seven (confirmed on 100 % of clean images); blocked: three``, or for
    the model scan ``class seven: a 3x3 patch at (row 5, col 5) sends 100 % of clean images
    there (anomaly index 4.2)``, or a STRIP flag; None for other findings (or when the
    finding lacks what the sentence needs)."""
    kind = str(finding.get("kind", ""))
    d = _as_dict(finding.get("details"))
    caps = _as_dict(_as_dict(_as_dict(run).get("model")).get("capabilities"))
    names = caps.get("class_names")

    def cls(k: Any) -> str:
        if isinstance(names, list) and isinstance(k, int) and 0 <= k < len(names):
            return str(names[k])
        return str(k)

    def image() -> str:
        name = d.get("name")
        return f"image {d.get('image')}" + (f" ({name})" if isinstance(name, str) else "")

    def where(what: str) -> str:
        t, left, h, w = (int(v) for v in d["box"])
        return f"{h}x{w} {what} at (row {t}, col {left})"

    try:
        if kind == "backdoor-trigger":
            rate = float(d["flip_rate"])
            return (
                f"{image()}: a {where('trigger')} sends it to {cls(d['target'])} (confirmed on "
                f"{rate:.0%} of clean images); blocked: {cls(d['corrected'])}"
            )
        if kind == "backdoor-target":
            return (
                f"class {cls(d['target'])}: a {where('patch')} sends "
                f"{float(d['flip_rate']):.0%} of clean images there (anomaly index "
                f"{float(d['anomaly_index']):.1f})"
            )
        if kind == "strip-flag" and d.get("strategy") in (SOURCE_CLASS, CLASS_MAP):  # (report48)
            return f"{image()}: {_window_flag(d, where('window'), cls, cls(_flagged_as(finding)))}"
        if kind == "strip-flag" and "sent" in d:  # (``backdoor.common_pattern``'s flag)
            return (
                f"{image()}: one of the images answered its class whose common pattern sends "
                f"{int(d['sent'])} of {int(d['of'])} clean images there that its negative does "
                "not (the common-pattern check: a blended trigger)"
            )
        if kind == "strip-flag":
            return (
                f"{image()}: entropy {float(d['entropy']):.3g} bits under blending, below the "
                f"threshold {float(d['threshold']):.3g} set on clean images"
            )
    except (KeyError, TypeError, ValueError):
        return None
    return None


# the window checks' findings' ``strategy`` (``backdoor.class_map``, ``backdoor.source_class``:
# a stored value, read here as the reports read every stored field)
CLASS_MAP = "assay-class-map"
SOURCE_CLASS = "assay-source-class"


def _window_flag(d: dict[str, Any], window: str, cls: Any, answered: str) -> str:
    """A class-map or source-class flag as its check says it (not the common-pattern's)."""
    held = "holds" if d.get("located") else "is one of the images not located (it may be a "
    if d.get("strategy") == SOURCE_CLASS:
        source = cls(d["source"])
        who = "clean image of that class) that share"
        return (
            f"{held if d.get('located') else held + who} the pixels at the {window} that send "
            f"{int(d['sent'])} of {int(d['of'])} clean images of {source} to {answered} (the "
            f"source-class check: a trigger that fires on images of {source} only)"
        )
    who = "clean image that window moves) that share"
    return (
        f"{held if d.get('located') else held + who} the pixels at the {window} that move "
        f"{int(d['sent'])} of {int(d['of'])} clean images off their own class, each class to "
        "one other (the class-map check: a trigger that sends each class to another)"
    )


def _flagged_as(finding: dict[str, Any]) -> Any:
    """The class the model answered a flagged image (its stored output)."""
    out = finding.get("outputs")
    while isinstance(out, list) and out:
        out = out[0]
    return out


def backdoor_key(finding: dict[str, Any], run: dict[str, Any] | None) -> str | None:
    """What a backdoor finding is about, the same from one scan to the next: ``image 4
    (cat_017.png)`` (the image's position in the images given, and its name), or ``class
    seven`` for the model scan; None for other findings."""
    kind = str(finding.get("kind", ""))
    d = _as_dict(finding.get("details"))
    if kind in ("backdoor-trigger", "strip-flag") and isinstance(d.get("image"), int):
        name = d.get("name")
        return f"image {d['image']}" + (f" ({name})" if isinstance(name, str) else "")
    if kind == "backdoor-target" and isinstance(d.get("target"), int):
        names = _as_dict(_as_dict(_as_dict(run).get("model")).get("capabilities"))
        labels = names.get("class_names")
        target = d["target"]
        if isinstance(labels, list) and 0 <= target < len(labels):
            return f"class {labels[target]}"
        return f"class {target}"
    return None
