"""Schemas written by hand in YAML or JSON (format: docs/schema-format.md).

Errors name the file, line and column of the offending entry.
"""

from __future__ import annotations

import io
import json
import math
import re
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from assay.core.textfile import decode_text
from assay.errors import UsageError
from assay.fairness.long_lines import LineBound
from assay.fairness.schema import LONGEST_CATEGORY, Feature, Schema, too_long
from assay.fairness.tables import PathLike

__all__ = ["load_schema"]

# -- schema files ----------------------------------------------------------------------------
_KINDS = ("integer", "categorical", "continuous")
_NUMBER = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)")
_TOP_KEYS = ("features", "protected", "description")
_FEATURE_KEYS = (
    "name",
    "type",
    "kind",
    "low",
    "high",
    "categories",
    "missing",
    "description",
)


def load_schema(path: PathLike) -> Schema:
    """A schema from a YAML or JSON file (format: docs/schema-format.md).

    Errors name the file, line and column of the offending entry.
    """
    name = str(path)
    p = Path(path)
    if not p.exists():
        raise UsageError("no such schema file", path=name)
    if p.is_dir():
        raise UsageError("is a directory, not a schema file", path=name)
    try:
        text = decode_text(_bounded_bytes(p, name), what="the schema file", path=name)
    except OSError as exc:
        raise UsageError(f"cannot read the schema file: {exc}", path=name) from None
    if not text.strip():
        raise UsageError("the schema file is empty", path=name)
    node = _compose(text, name, is_json=p.suffix.lower() == ".json")
    return _SchemaReader(name, is_json=p.suffix.lower() == ".json").read(node)


def _bounded_bytes(path: Path, name: str) -> bytes:
    """The schema file's bytes, each line bounded as a data file's are (``LineBound``): a
    file of one huge line (not a schema: a data file given as one, a file without line
    breaks) is refused at the bound, not read whole and handed to the YAML parser."""
    with path.open("rb") as f:
        bounded = LineBound(
            f,
            name,
            what="a schema file): a schema's lines are short (a file without line breaks, or "
            "not a schema file",
        )
        with io.BufferedReader(bounded, buffer_size=1 << 20) as reader:
            return reader.read()


def _compose(text: str, name: str, *, is_json: bool) -> yaml.Node:
    """The document's node tree (nodes carry their line and column)."""
    if is_json:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise UsageError(
                f"not valid JSON: {exc.msg}", path=name, line=exc.lineno, column=exc.colno
            ) from None
        # JSON is YAML apart from tabs used as spacing (a tab is one column either way) and
        # the characters YAML reads as line breaks (U+0085, U+2028, U+2029) or refuses (C1
        # controls, lone surrogates, U+FFFE/U+FFFF) that JSON strings may hold as they are:
        # written as JSON escapes, the same strings (a name holding U+0085 was refused as
        # "not valid JSON: line 1 column 1", the file's positions misread)
        try:
            composed = yaml.compose(_yaml_safe(text.replace("\t", " ")), Loader=yaml.SafeLoader)
        except yaml.YAMLError:  # pragma: no cover - exotic JSON: validate without positions
            composed = yaml.representer.SafeRepresenter().represent_data(data)
        if composed is None:  # pragma: no cover - json.loads accepted it, so not empty
            raise UsageError("the schema file is empty", path=name)
        return composed
    try:
        composed = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "syntax error"
        raise UsageError(
            f"not valid YAML: {problem}",
            path=name,
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
        ) from None
    except yaml.YAMLError as exc:
        raise UsageError(f"not valid YAML: {exc}", path=name) from None
    if composed is None:
        raise UsageError("the schema file is empty", path=name)
    return composed


_NOT_YAML_TEXT = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")


def _yaml_safe(json_text: str) -> str:
    """Valid JSON's text with the characters YAML reads otherwise than JSON written as JSON
    escapes (they stand only inside strings: JSON allows them nowhere else)."""
    return _NOT_YAML_TEXT.sub(lambda m: f"\\u{ord(m.group(0)):04x}", json_text)


class _SchemaReader:
    """Walks a YAML node tree into a Schema, raising errors that point at the node."""

    def __init__(self, path: str, *, is_json: bool = False) -> None:
        self.path = path
        self.is_json = is_json
        self._constructor = yaml.constructor.SafeConstructor()

    def error(self, node: yaml.Node, message: str) -> UsageError:
        mark = node.start_mark
        if mark is None:
            return UsageError(message, path=self.path)
        return UsageError(message, path=self.path, line=mark.line + 1, column=mark.column + 1)

    def value(self, node: yaml.Node) -> Any:
        """A node's value; plain scalars follow JSON for .json files and YAML 1.2 otherwise
        (``1e5`` is a number; ``yes``, ``no``, ``on``, ``off`` stay strings)."""
        if isinstance(node, yaml.ScalarNode) and node.style is None:
            if self.is_json:
                return json.loads(node.value)
            if node.tag.endswith(":bool") and node.value.lower() not in ("true", "false"):
                return node.value
            if node.tag.endswith(":str") and _NUMBER.fullmatch(node.value):
                return float(node.value)
        try:
            return self._constructor.construct_object(node, deep=True)
        except yaml.YAMLError as exc:  # (a tag no safe loader knows: `!foo`, `!!python/...`)
            problem = getattr(exc, "problem", None) or str(exc)
            raise self.error(
                node, f"cannot read this value: {problem} (a schema holds plain values)"
            ) from None

    def mapping(self, node: yaml.Node, what: str, allowed: Sequence[str]) -> dict[str, Any]:
        """Key name -> (key node, value node); refuses repeated and unknown keys."""
        if not isinstance(node, yaml.MappingNode):
            raise self.error(node, f"{what} must be a mapping of keys to values")
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = str(self.value(key_node))
            if key in out:
                raise self.error(key_node, f"key {key!r} appears twice in {what}")
            if key not in allowed:
                raise self.error(
                    key_node, f"unknown key {key!r} in {what}; expected: {', '.join(allowed)}"
                )
            out[key] = (key_node, value_node)
        return out

    def read(self, root: yaml.Node) -> Schema:
        top = self.mapping(root, "the schema", _TOP_KEYS)
        if "features" not in top:
            raise self.error(root, "missing key 'features' (the list of features)")
        features_node = top["features"][1]
        if not isinstance(features_node, yaml.SequenceNode):
            raise self.error(features_node, "'features' must be a list of features")
        if not features_node.value:
            raise self.error(features_node, "'features' is empty; list at least one feature")
        features: list[Feature] = []
        first_seen: dict[str, yaml.Node] = {}
        for item in features_node.value:
            feat, name_node = self.feature(item)
            if feat.name in first_seen:
                line = first_seen[feat.name].start_mark
                at = f" (first at line {line.line + 1})" if line else ""
                raise self.error(name_node, f"feature {feat.name!r} appears twice{at}")
            first_seen[feat.name] = name_node
            features.append(feat)
        protected = self.protected(top.get("protected"), features)
        return Schema(features=tuple(features), protected=protected)

    def feature(self, node: yaml.Node) -> tuple[Feature, yaml.Node]:
        entry = self.mapping(node, "a feature", _FEATURE_KEYS)
        if "name" not in entry:
            raise self.error(node, "feature without a 'name'")
        name_node = entry["name"][1]
        name = self.value(name_node)
        if isinstance(name, bool) or not isinstance(name, str | int) or name == "":
            raise self.error(name_node, f"feature name {name!r} must be a non-empty string")
        name = str(name)
        if "type" in entry and "kind" in entry:
            raise self.error(entry["kind"][0], f"feature {name!r}: give 'type' or 'kind', not both")
        kind_item = entry.get("type") or entry.get("kind")
        if kind_item is None:
            raise self.error(node, f"feature {name!r} has no 'type' ({', '.join(_KINDS)})")
        kind = self.value(kind_item[1])
        if kind not in _KINDS:
            raise self.error(
                kind_item[1],
                f"feature {name!r}: unknown type {kind!r}; expected one of {', '.join(_KINDS)}",
            )
        if kind == "categorical":
            feat = self.categorical(name, node, entry)
        else:
            feat = self.bounded(name, kind, node, entry)
        if "missing" in entry:  # the column may be empty: "missing" is one more value
            may = self.value(entry["missing"][1])
            if not isinstance(may, bool):
                raise self.error(
                    entry["missing"][1], f"feature {name!r}: missing {may!r} is not true or false"
                )
            feat = replace(feat, missing=may)
        return feat, name_node

    def categorical(self, name: str, node: yaml.Node, entry: dict[str, Any]) -> Feature:
        for key in ("low", "high"):
            if key in entry:
                raise self.error(
                    entry[key][0],
                    f"feature {name!r} is categorical: give 'categories', not {key!r}",
                )
        if "categories" not in entry:
            raise self.error(node, f"categorical feature {name!r} has no 'categories'")
        cats_node = entry["categories"][1]
        if not isinstance(cats_node, yaml.SequenceNode) or not cats_node.value:
            raise self.error(cats_node, f"feature {name!r}: 'categories' must be a non-empty list")
        cats: list[Any] = []
        for item in cats_node.value:
            if not isinstance(item, yaml.ScalarNode):
                raise self.error(item, f"feature {name!r}: a category must be a single value")
            value = self.value(item)
            if value is None:
                raise self.error(item, f"feature {name!r}: a category cannot be empty (null)")
            if too_long([value]) is not None:
                raise self.error(
                    item,
                    f"feature {name!r}: a category of {len(value):,} characters; a category "
                    f"is at most {LONGEST_CATEGORY:,}",
                )
            if value in cats:
                raise self.error(item, f"feature {name!r}: category {value!r} appears twice")
            cats.append(value)
        return Feature(name, "categorical", categories=tuple(cats))

    def bounded(self, name: str, kind: str, node: yaml.Node, entry: dict[str, Any]) -> Feature:
        if "categories" in entry:
            raise self.error(
                entry["categories"][0],
                f"feature {name!r} is {kind}: 'categories' is only for categorical features",
            )
        bounds: list[float] = []
        for key in ("low", "high"):
            if key not in entry:
                raise self.error(node, f"{kind} feature {name!r} needs {key!r}")
            value = self.value(entry[key][1])
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise self.error(
                    entry[key][1], f"feature {name!r}: {key} {value!r} is not a number"
                )
            if not math.isfinite(value):
                raise self.error(entry[key][1], f"feature {name!r}: {key} must be finite")
            if kind == "integer" and value != int(value):
                raise self.error(
                    entry[key][1], f"integer feature {name!r}: {key} {value!r} is not whole"
                )
            bounds.append(float(value))
        if bounds[0] > bounds[1]:
            raise self.error(
                entry["low"][1],
                f"feature {name!r}: low {bounds[0]:g} is above high {bounds[1]:g}",
            )
        if kind == "integer":
            return Feature(name, "integer", low=bounds[0], high=bounds[1])
        return Feature(name, "continuous", low=bounds[0], high=bounds[1])

    def protected(self, item: Any, features: list[Feature]) -> tuple[str, ...]:
        if item is None:
            return ()
        node = item[1]
        if not isinstance(node, yaml.ScalarNode | yaml.SequenceNode):
            raise self.error(node, "'protected' must be a list of feature names")
        nodes = [node] if isinstance(node, yaml.ScalarNode) else node.value
        kinds = {f.name: f.kind for f in features}
        names: list[str] = []
        for sub in nodes:
            value = self.value(sub)
            if str(value) not in kinds:
                raise self.error(
                    sub,
                    f"protected attribute {value!r} is not a feature; features are: "
                    f"{', '.join(kinds)}",
                )
            if kinds[str(value)] == "continuous":
                raise self.error(
                    sub,
                    f"protected attribute {value!r} is continuous; declare it integer or "
                    "categorical so that every alternative value can be checked",
                )
            names.append(str(value))
        return tuple(names)
