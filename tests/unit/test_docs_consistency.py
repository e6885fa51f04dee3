"""The README and docs/*.md against the code: every ``assay ...`` command line they show parses
with the real command-line parser (subcommand, options, option values, positional
arguments), every ``--option`` they name exists, every ``assay.NAME(...)`` call they show
exists with the keywords used, the exit codes they document are the CLI's, the report keys
they list are the report schema's, and their Python, JSON, schema and grammar examples load.

No model runs: the whole module takes a few seconds.  Each check is a function of the
document's text, so the tests at the end plant a stale option, keyword or exit code in a
copy of a doc and show the check catches it.
"""

from __future__ import annotations

import ast
import dataclasses
import importlib
import inspect
import itertools
import json
import re
import shlex
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import typer

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BENCH = ROOT / "bench"
SHELL_LANGS = {"", "sh", "bash", "shell", "console"}


@dataclasses.dataclass(frozen=True)
class Block:
    lang: str
    line: int  # the line of the block's first content line
    text: str


@dataclasses.dataclass(frozen=True)
class Span:
    line: int
    text: str  # whitespace normalised: a span may be wrapped over lines


def split_markdown(text: str) -> tuple[list[Block], list[tuple[int, str]]]:
    """Fenced blocks, and the prose outside them as (first line, paragraph) pairs."""
    blocks: list[Block] = []
    paragraphs: list[tuple[int, str]] = []
    fence: tuple[str, int, list[str]] | None = None
    para: list[str] = []
    para_start = 0
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if fence is not None:
            if stripped.startswith("```"):
                blocks.append(Block(fence[0], fence[1], "\n".join(fence[2])))
                fence = None
            else:
                fence[2].append(line)
            continue
        if stripped.startswith("```"):
            if para:
                paragraphs.append((para_start, "\n".join(para)))
                para = []
            fence = (stripped[3:].strip().lower(), number + 1, [])
            continue
        if not stripped:
            if para:
                paragraphs.append((para_start, "\n".join(para)))
                para = []
            continue
        if not para:
            para_start = number
        para.append(line)
    if para:
        paragraphs.append((para_start, "\n".join(para)))
    assert fence is None, f"a code fence opened at line {fence[1] - 1} is never closed"
    return blocks, paragraphs


def inline_spans(first_line: int, text: str) -> Iterator[Span]:
    for match in re.finditer(r"`([^`]+)`", text):
        line = first_line + text.count("\n", 0, match.start())
        text = " ".join(match.group(1).split())
        # `assay.backdoor.api.` + newline + `replay_backdoor_run(...)`: one name
        yield Span(line, re.sub(r"(?<=\w\.) (?=[A-Za-z_])", "", text))


def shell_lines(block: Block) -> Iterator[Span]:
    """A shell block's logical lines (continuations joined), without a ``$ `` prompt."""
    pending: list[str] = []
    start = block.line
    for offset, line in enumerate(block.text.splitlines()):
        if not pending:
            start = block.line + offset
        if line.rstrip().endswith("\\"):
            pending.append(line.rstrip()[:-1])
            continue
        pending.append(line)
        joined = " ".join(" ".join(pending).split())
        pending = []
        yield Span(start, joined.removeprefix("$ "))


def python_comments(block: Block) -> Iterator[Span]:
    for offset, line in enumerate(block.text.splitlines()):
        if "#" in line:
            yield Span(block.line + offset, line.split("#", 1)[1].strip())


COMMAND_START = re.compile(r"^(?:cd \S+ && )?(assay(?: .*)?)$")
IN_COMMENT = re.compile(r"(?:^|: )(assay (?:[a-z]+) .*)$")


def commands(text: str) -> list[Span]:
    """Every ``assay ...`` command line of a markdown text: lines of shell blocks, inline code
    spans, and commands quoted in the comments of Python blocks."""
    blocks, paragraphs = split_markdown(text)
    found: list[Span] = []
    spans = [span for start, para in paragraphs for span in inline_spans(start, para)]
    for block in blocks:
        if block.lang in SHELL_LANGS:
            found += [s for s in shell_lines(block) if s.text.startswith("assay ")]
        elif block.lang == "python":
            for comment in python_comments(block):
                spans += list(inline_spans(comment.line, comment.text))
                bare = IN_COMMENT.search(comment.text)
                if bare and "`" not in comment.text:
                    found.append(Span(comment.line, bare.group(1)))
    for span in spans:
        match = COMMAND_START.match(span.text)
        if match:
            found.append(Span(span.line, match.group(1)))
    return found


def option_spans(text: str) -> list[Span]:
    """Inline code spans that start with an option (``--strategy neo``), outside commands."""
    _blocks, paragraphs = split_markdown(text)
    return [
        span
        for start, para in paragraphs
        for span in inline_spans(start, para)
        if re.match(r"--[a-z]", span.text)
    ]


def bench_commands(text: str) -> list[Span]:
    """``python bench/NAME.py ...`` command lines (blocks and inline spans)."""
    blocks, paragraphs = split_markdown(text)
    spans = [span for start, para in paragraphs for span in inline_spans(start, para)]
    for block in blocks:
        if block.lang in SHELL_LANGS:
            spans += list(shell_lines(block))
    return [s for s in spans if s.text.startswith("python bench/")]


# -- the command-line parser ------------------------------------------------------------------


def cli_group() -> Any:
    """The ``assay`` command as its parser sees it (typer's click group)."""
    from assay.cli import app as cli_app

    if not cli_app.app.registered_commands:
        cli_app.register()
    group = typer.main.get_command(cli_app.app)
    assert "fairness" in group.commands  # type: ignore[attr-defined]
    return group


def check_command(group: Any, command: str) -> list[str]:
    """What is wrong with one documented command line (empty: it parses)."""
    try:
        tokens = shlex.split(command, comments=True)
    except ValueError as exc:
        return [f"cannot be split as a shell line: {exc}"]
    while tokens and tokens[-1] in ("&", "&&", "|"):
        tokens.pop()
    if "|" in tokens:  # `assay runs --json | jq ...`: the assay part
        tokens = tokens[: tokens.index("|")]
    if len(tokens) < 2 or tokens[1] == "...":  # `assay`, `assay ... &`: no command named
        return []
    if tokens[1].startswith("-"):
        unknown = [t for t in tokens[1:] if t.startswith("-") and t not in ("--version", "-h")]
        unknown = [t for t in unknown if t != "--help"]
        return [f"assay has no option {t}" for t in unknown]
    name = tokens[1]
    sub = group.commands.get(name)
    if sub is None:
        return [f"no subcommand {name!r} (subcommands: {', '.join(sorted(group.commands))})"]
    ctx = typer.Context(sub, info_name=name)
    parser = sub.make_parser(ctx)
    try:  # the parser alone: options, their values and positional arguments, no conversion
        _values, extra, _order = parser.parse_args(args=tokens[2:])
    except Exception as exc:  # the parser's own errors (typer's vendored click)
        message = getattr(exc, "format_message", None)
        if not callable(message):
            raise
        return [f"assay {name}: {message()}"]
    return [f"assay {name}: unexpected extra arguments {extra}"] if extra else []


def all_options(group: Any) -> set[str]:
    return {
        opt
        for sub in group.commands.values()
        for param in sub.params
        for opt in (*param.opts, *getattr(param, "secondary_opts", ()))
        if opt.startswith("-")
    }


def bench_options(script: Path) -> set[str]:
    return set(re.findall(r"[\"'](--[a-z][a-z0-9-]*)[\"']", script.read_text()))


def check_bench_command(command: str) -> list[str]:
    tokens = shlex.split(command, comments=True)
    script = ROOT / tokens[1]
    if not script.is_file():
        return [f"no benchmark script {tokens[1]}"]
    known = bench_options(script)
    return [
        f"{tokens[1]} has no option {t.split('=')[0]}"
        for t in tokens[2:]
        if t.startswith("--") and t.split("=")[0] not in known
    ]


# -- the Python API ---------------------------------------------------------------------------


def resolve(dotted: str) -> Any:
    """``assay.backdoor.filter.load_filter`` -> the object (importing modules as needed)."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj: Any = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attr in parts[cut:]:
            obj = getattr(obj, attr)
        return obj
    raise ImportError(dotted)


def forwarded_to(func: Callable[..., Any]) -> list[Callable[..., Any]]:
    """The functions whose keywords a ``**options`` of an API function takes."""
    # as each function's own ``check_keywords(...)`` call names them
    takers = {
        "check_fairness": "assay.fairness.loading._setup",
        "check_text": "assay.text.prepare.setup_text",
        "check_backdoor": "assay.backdoor.api.setup_backdoor",
    }
    name = getattr(func, "__name__", "")
    return [resolve(takers[name])] if name in takers else []


def accepted_keywords(func: Callable[..., Any]) -> set[str] | None:
    """The keywords ``func`` takes (None: any)."""
    params = inspect.signature(func).parameters.values()
    names = {p.name for p in params if p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD)}
    if any(p.kind is p.VAR_KEYWORD for p in params):
        targets = forwarded_to(func)
        if not targets:
            return None
        for target in targets:
            names |= accepted_keywords(target) or set()
    return names


def max_positional(func: Callable[..., Any]) -> float:
    params = inspect.signature(func).parameters.values()
    if any(p.kind is p.VAR_POSITIONAL for p in params):
        return float("inf")
    return sum(p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) for p in params)


def without_comments(code: str) -> str:
    """Python lines without their ``#`` comments (a comment may hold commas and brackets)."""
    return "\n".join(line.split("#", 1)[0] for line in code.splitlines())


API_CALL = re.compile(r"\bassay((?:\.[A-Za-z_]\w*)+)\s*\(")


def call_arguments(text: str, open_paren: int) -> tuple[int, list[str]] | None:
    """Positional count and keywords of the call whose ``(`` is at ``open_paren``, read at
    bracket depth 1 (the call may hold `<DataFrame 400 x 3>` or `...`, so not Python)."""
    depth, start, parts = 0, open_paren + 1, []
    for i in range(open_paren, len(text)):
        char = text[i]
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
            if depth == 0:
                parts.append(text[start:i])
                break
        elif char == "," and depth == 1:
            parts.append(text[start:i])
            start = i + 1
    else:
        return None  # the call is cut (a span that shows its start only)
    parts = [p.strip() for p in parts if p.strip()]
    keywords = [m.group(1) for p in parts if (m := re.match(r"([A-Za-z_]\w*)\s*=(?!=)", p))]
    positional = sum(1 for p in parts if not re.match(r"[A-Za-z_]\w*\s*=(?!=)", p) and p != "...")
    return positional, keywords


def api_calls(text: str) -> list[tuple[int, str, int, list[str]]]:
    """(line, dotted name, positional count, keywords) of every ``assay.NAME(...)`` call in
    code blocks and inline spans."""
    blocks, paragraphs = split_markdown(text)
    pieces = [(b.line, without_comments(b.text)) for b in blocks if b.lang in ("python", "")]
    pieces += [(s.line, s.text) for start, p in paragraphs for s in inline_spans(start, p)]
    pieces += [
        (s.line, s.text)
        for b in blocks
        if b.lang == "python"
        for c in python_comments(b)
        for s in inline_spans(c.line, c.text)
    ]
    found = []
    for first, piece in pieces:
        for match in API_CALL.finditer(piece):
            parsed = call_arguments(piece, match.end() - 1)
            if parsed is None:
                continue
            line = first + piece.count("\n", 0, match.start())
            found.append((line, "assay" + match.group(1), *parsed))
    return found


def check_call(dotted: str, positional: int, keywords: list[str]) -> list[str]:
    try:
        func = resolve(dotted)
    except (ImportError, AttributeError) as exc:
        return [f"{dotted} does not exist ({exc})"]
    if not callable(func):
        return [f"{dotted} is not callable"]
    problems = []
    accepted = accepted_keywords(func)
    if accepted is not None:
        problems += [f"{dotted} takes no keyword {k}=" for k in keywords if k not in accepted]
    if positional > max_positional(func):
        problems.append(f"{dotted} takes at most {max_positional(func)} positional arguments")
    return problems


# -- exit codes -------------------------------------------------------------------------------

# what the README's table must say for each of the CLI's exit-code constants
EXIT_MEANINGS = {
    "EXIT_FOUND": "was found",
    "EXIT_USAGE": "usage error",
    "EXIT_MODEL": "the model failed",
    "EXIT_STORE": "the run store failed",
    "EXIT_INTERNAL": "a bug",
    "EXIT_INTERRUPTED": "interrupted",
}


# EXIT_BROKEN_PIPE (141) is a fallback: stdout is guarded, so a reader that goes away stops
# nothing and "the command exits with its own code" (README); every other constant is in the table
NOT_IN_THE_TABLE = {"EXIT_BROKEN_PIPE"}


def exit_table(text: str) -> dict[int, str]:
    """The README's exit-code table: {code: meaning}."""
    section = text.split("### Exit codes", 1)[1].split("\n#", 1)[0]
    return {
        int(m.group(1)): m.group(2)
        for m in re.finditer(r"^\| `(\d+)` \| (.*) \|\s*$", section, flags=re.MULTILINE)
    }


def exit_codes_named(text: str) -> list[tuple[int, int]]:
    """(line, code) of every ``exit N`` / ``exit code N`` / ``exits N`` in a text."""
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        for m in re.finditer(r"\bexit(?:s| code| codes?)? `?(\d+)\b", line):
            found.append((number, int(m.group(1))))
    return found


def check_exit_codes(readme: str, docs: dict[str, str]) -> list[str]:
    from assay.cli import app as cli_app
    from assay.cli import reporting

    table = exit_table(readme)
    problems = []
    constants = {name: getattr(cli_app, name) for name in EXIT_MEANINGS}
    unknown = {n for n in dir(cli_app) if n.startswith("EXIT_")} - {
        *EXIT_MEANINGS,
        *NOT_IN_THE_TABLE,
    }
    if unknown:
        problems.append(f"exit codes the README does not explain: {sorted(unknown)}")
    expected = {0, *constants.values()}
    if set(table) != expected:
        problems.append(f"README exit codes {sorted(table)}, the CLI's {sorted(expected)}")
    for name, code in constants.items():
        if code in table and EXIT_MEANINGS[name] not in table[code]:
            problems.append(f"README: exit {code} ({name}) does not say {EXIT_MEANINGS[name]!r}")
    if 0 in table and "found nothing" not in table[0]:
        problems.append("README: exit 0 does not say 'found nothing'")
    untested = reporting.EXIT_UNTESTED
    if untested in table and "NOTHING WAS TESTED" not in table[untested]:
        problems.append(f"README: exit {untested} does not say NOTHING WAS TESTED")
    if reporting.EXIT_MODEL != cli_app.EXIT_MODEL:
        problems.append("cli.reporting.EXIT_MODEL differs from cli.app's")
    if reporting.EXIT_INTERRUPTED != cli_app.EXIT_INTERRUPTED:
        problems.append("cli.reporting.EXIT_INTERRUPTED differs from cli.app's")
    for doc, text in docs.items():
        for line, code in exit_codes_named(text):
            if code not in expected:
                problems.append(
                    f"{doc}:{line}: exit {code} is none of the CLI's {sorted(expected)}"
                )
    return problems


# -- the report's keys ------------------------------------------------------------------------


def table_keys(section: str) -> list[str]:
    """The first column's backticked key of every row of the markdown tables in a section."""
    return re.findall(r"^\|\s*`([a-z_]+)`\s*\|", section, flags=re.MULTILINE)


def section_of(text: str, heading: str) -> str:
    return text.split(heading, 1)[1].split("\n## ", 1)[0]


def _undocumented(where: str, properties: dict[str, Any], documented: list[str]) -> list[str]:
    """The schema's keys of one level that report-format.md does not name (the other way)."""
    return [
        f"schema.json: {where} key {key!r} is not in report-format.md"
        for key in properties
        if key not in documented
    ]


def check_report_keys(text: str, schema: dict[str, Any]) -> list[str]:
    """report-format.md's keys against the report's JSON Schema (assay/report/schema.json)."""
    problems = []
    defs = schema["$defs"]
    top = section_of(text, "## The JSON document")
    document_part = top.split("### findings", 1)[0]
    documented = table_keys(document_part)
    for key in documented:
        if key not in schema["properties"]:
            problems.append(f"report-format.md: top-level key {key!r} is not in schema.json")
    problems += _undocumented("top-level", schema["properties"], documented)
    run_row = re.search(r"^\| `run` .*$", document_part, flags=re.MULTILINE)
    assert run_row, "report-format.md has no `run` row"
    run_keys = re.findall(r"`([a-z_]+)`", run_row.group(0))[1:]
    for key in run_keys:
        if key not in defs["run"]["properties"]:
            problems.append(f"report-format.md: run key {key!r} is not in schema.json")
    problems += _undocumented("run", defs["run"]["properties"], run_keys)
    statuses = re.search(r"`run.status` is one of (.*?)\.\n", top, flags=re.DOTALL)
    assert statuses, "report-format.md does not list run.status's values"
    listed = set(re.findall(r"`([a-z_]+)`", statuses.group(1)))
    enum = set(defs["run"]["properties"]["status"]["enum"])
    if listed != enum:
        problems.append(f"report-format.md: run.status {sorted(listed)}, schema {sorted(enum)}")
    findings_part = top.split("### findings", 1)[1]
    finding_keys = table_keys(findings_part.split("```", 1)[0])
    for key in finding_keys:
        if key not in defs["findings"]["properties"]:
            problems.append(f"report-format.md: findings key {key!r} is not in schema.json")
    problems += _undocumented("findings", defs["findings"]["properties"], finding_keys)
    answer = section_of(text, "## The fairness answer")
    for row in re.finditer(r"^\| `([a-z]+)`\s*\| (.*) \|$", answer, flags=re.MULTILINE):
        name, meaning = row.group(1), row.group(2)
        if name not in defs["summary"]["properties"]:
            problems.append(f"report-format.md: summary key {name!r} is not in schema.json")
        known = defs.get(name if name != "regions" else "region", {}).get("properties")
        if not known:
            continue
        # the keys outside parentheses (inside: values, nested keys, remarks)
        while re.search(r"\([^()]*\)", meaning):
            meaning = re.sub(r"\([^()]*\)", "", meaning)
        for key in re.findall(r"`([a-z_]+)`", meaning):
            if key not in known:
                problems.append(f"report-format.md: {name} key {key!r} is not in schema.json")
    return problems


# -- the tests --------------------------------------------------------------------------------


def doc_texts() -> dict[str, str]:
    return {str(path.relative_to(ROOT)): path.read_text(encoding="utf-8") for path in DOCS}


def test_the_docs_are_found() -> None:
    names = set(doc_texts())
    for needed in ("README.md", "docs/fairness.md", "docs/text.md", "docs/backdoor.md"):
        assert needed in names
    # the extraction reads what matters: dozens of commands and API calls
    assert sum(len(commands(t)) for t in doc_texts().values()) > 60
    assert sum(len(api_calls(t)) for t in doc_texts().values()) > 8


def test_every_documented_command_parses() -> None:
    group = cli_group()
    problems = [
        f"{doc}:{span.line}: `{span.text}`: {problem}"
        for doc, text in doc_texts().items()
        for span in commands(text)
        for problem in check_command(group, span.text)
    ]
    assert not problems, "\n".join(problems)


def test_every_documented_option_exists() -> None:
    options = all_options(cli_group())
    bench = set().union(*(bench_options(p) for p in BENCH.glob("*.py")))
    problems = []
    for doc, text in doc_texts().items():
        for span in option_spans(text):
            name = span.text.split()[0].split("=")[0].rstrip(",")
            if name not in options and name not in bench:
                problems.append(f"{doc}:{span.line}: `{span.text}`: no command has {name}")
    assert not problems, "\n".join(problems)


def test_every_documented_benchmark_command_exists() -> None:
    problems = [
        f"{doc}:{span.line}: `{span.text}`: {problem}"
        for doc, text in doc_texts().items()
        for span in bench_commands(text)
        for problem in check_bench_command(span.text)
    ]
    assert not problems, "\n".join(problems)


def test_every_documented_api_call_exists_with_its_keywords() -> None:
    problems = [
        f"{doc}:{line}: {problem}"
        for doc, text in doc_texts().items()
        for line, dotted, positional, keywords in api_calls(text)
        for problem in check_call(dotted, positional, keywords)
    ]
    assert not problems, "\n".join(problems)


def test_documented_exit_codes_are_the_clis() -> None:
    texts = doc_texts()
    problems = check_exit_codes(texts["README.md"], texts)
    assert not problems, "\n".join(problems)


def test_report_format_keys_are_the_schemas() -> None:
    schema = json.loads((ROOT / "src/assay/report/schema.json").read_text())
    problems = check_report_keys(doc_texts()["docs/report-format.md"], schema)
    assert not problems, "\n".join(problems)


def test_documented_environment_variables_exist() -> None:
    sources = "\n".join(
        p.read_text(encoding="utf-8")
        for folder in ("src", "tests")
        for p in (ROOT / folder).rglob("*.py")
    )
    problems = [
        f"{doc}: {name} is read nowhere in src/ or tests/"
        for doc, text in doc_texts().items()
        for name in sorted(set(re.findall(r"\bASSAY_[A-Z_]+[A-Z]\b", text)))
        if f'"{name}"' not in sources and f"'{name}'" not in sources
    ]
    assert not problems, "\n".join(problems)


def python_blocks() -> Iterator[tuple[str, Block]]:
    for doc, text in doc_texts().items():
        for block in split_markdown(text)[0]:
            if block.lang == "python":
                yield doc, block


def test_python_snippets_compile() -> None:
    problems = []
    for doc, block in python_blocks():
        for candidate in (block.text, "{" + block.text + "}"):  # a dict's entries alone
            try:
                compile(candidate, f"{doc}:{block.line}", "exec")
                break
            except SyntaxError as exc:
                error = exc
        else:
            problems.append(f"{doc}:{block.line}: {error}")
    assert not problems, "\n".join(problems)


def test_result_attributes_used_in_snippets_exist() -> None:
    """``result = assay.check_text(...)`` then ``result.findings()``: the attribute exists on
    the result type the function is annotated to return."""
    problems = []
    for doc, block in python_blocks():
        try:
            tree = ast.parse(block.text)
        except SyntaxError:
            continue
        types: dict[str, Any] = {}
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Assign)
                and isinstance(node.value, ast.Call)
                and isinstance(node.value.func, ast.Attribute)
                and isinstance(node.value.func.value, ast.Name)
                and node.value.func.value.id == "assay"
                and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)
            ):
                func = resolve("assay." + node.value.func.attr)
                hints = inspect.get_annotations(func, eval_str=True)
                types[node.targets[0].id] = hints["return"]
        if not types:
            continue
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in types
            ):
                cls = types[node.value.id]
                fields = {f.name for f in dataclasses.fields(cls)}
                if node.attr not in fields and not hasattr(cls, node.attr):
                    problems.append(
                        f"{doc}:{block.line + node.lineno - 1}: {cls.__name__} has no "
                        f"attribute {node.attr}"
                    )
    assert not problems, "\n".join(problems)


def test_report_format_snippet_names_exist() -> None:
    text = doc_texts()["docs/report-format.md"]
    imports = re.findall(r"from (assay[\w.]*) import ([\w, ]+)", text)
    assert imports
    for module, names in imports:
        for name in names.split(","):
            assert callable(resolve(f"{module}.{name.strip()}")), name
    assert resolve("assay.report.load_schema")()["properties"]["schema_version"]["const"] == 3


def test_schema_format_examples_load_alike(tmp_path: Path) -> None:
    """The YAML and JSON examples of docs/schema-format.md are the same valid schema."""
    from assay.fairness.schema_files import load_schema

    blocks = split_markdown(doc_texts()["docs/schema-format.md"])[0]
    yaml_text = next(b.text for b in blocks if b.lang == "yaml")
    json_text = next(b.text for b in blocks if b.lang == "json")
    (tmp_path / "s.yaml").write_text(yaml_text)
    (tmp_path / "s.json").write_text(json_text)
    assert load_schema(tmp_path / "s.yaml") == load_schema(tmp_path / "s.json")


SCHEMA_MISTAKES = {  # the change docs/schema-format.md describes for each error line it shows
    "unknown type": ("type: continuous", "type: float"),
    "appears twice": ("{name: hours, type", "{name: age, type"),
    "is above high": ("low: 17, high: 90", "low: 90, high: 17"),
    "is not a feature": ("protected: [sex]", "protected: [gender]"),
}


def test_schema_format_error_examples_are_what_assay_prints(tmp_path: Path) -> None:
    from assay.errors import UsageError
    from assay.fairness.schema_files import load_schema

    text = doc_texts()["docs/schema-format.md"]
    blocks = split_markdown(text)[0]
    yaml_text = next(b.text for b in blocks if b.lang == "yaml")
    shown = next(b.text for b in blocks if b.text.startswith("schema.yaml:")).splitlines()
    for needle, (old, new) in SCHEMA_MISTAKES.items():
        expected = next(line for line in shown if needle in line)
        assert old in yaml_text
        path = tmp_path / "schema.yaml"
        path.write_text(yaml_text.replace(old, new, 1))
        with pytest.raises(UsageError) as caught:
            load_schema(path)
        assert str(caught.value).replace(str(tmp_path) + "/", "") == expected
    json_line = next(line for line in shown if line.startswith("schema.json:"))
    json_text = next(b.text for b in blocks if b.lang == "json")
    broken = tmp_path / "schema.json"  # "a JSON file missing a comma": the first feature's
    broken.write_text(json_text.replace("},\n", "}\n", 1))
    with pytest.raises(UsageError) as caught:
        load_schema(broken)
    assert str(caught.value).replace(str(tmp_path) + "/", "") == json_line


def test_text_grammar_example_loads() -> None:
    from assay.text.grammar import parse_grammar

    blocks = split_markdown(doc_texts()["docs/text.md"])[0]
    grammar = next(b.text for b in blocks if b.text.startswith("%start"))
    parsed = parse_grammar(grammar, source="docs/text.md")
    assert parsed.names[parsed.start] == "review"
    assert (len(parsed.invariants), len(parsed.directionals)) == (2, 1)


# -- the checks can fail: stale docs planted in copies ----------------------------------------

STALE_README = """
### Exit codes

| code | meaning |
|---|---|
| `0` | the run tested the model and found nothing at or above `--fail-on` |
| `1` | something at or above `--fail-on` was found |
| `2` | a usage error; the headline starts with NOTHING WAS TESTED |
| `3` | the model failed |
| `4` | the run store failed |
| `5` | assay's own failure (a bug) |
| `6` | the budget ran out |
| `130` | interrupted |

## Next

```sh
assay fairness model.skops --data people.csv --protected sex --max-querys 1000
assay report RUN_ID --html r.html --json r.json
assay scan model.onnx
assay backdoor model.onnx --clean c/ --strategy neo
assay text clf.py:predict --grammar builtin:names \\
    --oracle invariance --export fails.csv
```

Resume with `assay resume RUN --call-timout 240`; `--keep-witnesses 10` keeps fewer.

```python
import assay
result = assay.check_fairness(model, data=frame, protected=["sex"], max_querys=10)
r = assay.check_backdoor("m.onnx", images="x/", clean="c/", blocker=3, seed=0)
r.findings()
r.verdicts
```
Or `assay.resume_run(RUN, store=..., modle=m)`; it exits 7 when it fails.
"""


def test_the_checks_catch_stale_docs() -> None:
    """Every check above fails on a doc that names what does not exist."""
    group = cli_group()
    found = commands(STALE_README)
    problems = {span.text: check_command(group, span.text) for span in found}
    assert any("--max-querys" in p for p in problems[found[0].text]), problems
    assert any("extra arguments ['r.json']" in p for p in problems[found[1].text]), problems
    assert any("no subcommand 'scan'" in p for p in problems[found[2].text]), problems
    assert problems[found[3].text] == []  # a good line stays quiet
    assert found[4].text.endswith("--oracle invariance --export fails.csv")  # joined
    assert problems[found[4].text] == []
    resume = next(p for text, p in problems.items() if "--call-timout" in text)
    assert any("--call-timout" in p for p in resume), resume
    options = all_options(group)
    assert [s.text for s in option_spans(STALE_README) if s.text.split()[0] not in options] == [
        "--keep-witnesses 10"
    ]
    calls = {
        (dotted, tuple(kw)): check_call(dotted, n, kw)
        for _, dotted, n, kw in api_calls(STALE_README)
    }
    flagged = sorted(p for ps in calls.values() for p in ps)
    assert flagged == [
        "assay.check_fairness takes no keyword max_querys=",
        "assay.resume_run takes no keyword modle=",
    ], flagged
    exits = check_exit_codes(STALE_README, {"stale.md": STALE_README})
    assert any("README exit codes [0, 1, 2, 3, 4, 5, 6, 130]" in p for p in exits), exits
    assert any("exit 7 is none of" in p for p in exits), exits
    assert any("exit 6 is none of" not in p for p in exits)


def test_the_report_key_check_catches_a_stale_key() -> None:
    schema = json.loads((ROOT / "src/assay/report/schema.json").read_text())
    text = doc_texts()["docs/report-format.md"]
    assert check_report_keys(text, schema) == check_report_keys(text, schema)
    stale = text.replace("| `rerun`  ", "| `rerun_line`", 1)
    assert "`rerun_line`" in stale
    assert any("'rerun_line'" in p for p in check_report_keys(stale, schema))
    undocumented = json.loads(json.dumps(schema))
    undocumented["$defs"]["run"]["properties"]["queued_at"] = {"type": "string"}
    undocumented["$defs"]["findings"]["properties"]["weight"] = {"type": "number"}
    found = check_report_keys(text, undocumented)
    assert any("run key 'queued_at' is not in report-format.md" in p for p in found)
    assert any("findings key 'weight' is not in report-format.md" in p for p in found)
    statuses = text.replace("`model_unavailable`", "`cancelled`", 1)
    assert statuses != text
    assert any("run.status" in p for p in check_report_keys(statuses, schema))


def test_the_bench_check_catches_a_stale_option() -> None:
    assert check_bench_command("python bench/text.py --quick") == []
    assert check_bench_command("python bench/text.py --quikc") == [
        "bench/text.py has no option --quikc"
    ]
    assert check_bench_command("python bench/nothing.py") == [
        "no benchmark script bench/nothing.py"
    ]


# -- names and files the docs point to ----------------------------------------------------------


def all_spans(text: str) -> list[Span]:
    blocks, paragraphs = split_markdown(text)
    spans = [span for start, para in paragraphs for span in inline_spans(start, para)]
    for block in blocks:
        if block.lang == "python":
            for comment in python_comments(block):
                spans += list(inline_spans(comment.line, comment.text))
    return spans


DOTTED = re.compile(r"^assay(?:\.[A-Za-z_]\w*)+")
FILE_SPAN = re.compile(r"^[\w./-]+\.(?:py|md|json|csv\.gz|txt)$")
FILE_ROOTS = ("", "src", "src/assay")  # `bench/store.py`, `assay/report/schema.json`, `core/run.py`


def check_dotted(span: str) -> list[str]:
    """``assay.text.generate.BatchGenerator`` (or a call of it): the name resolves."""
    match = DOTTED.match(span)
    if not match:
        return []
    try:
        resolve(match.group(0))
    except (ImportError, AttributeError) as exc:
        return [f"{match.group(0)} does not exist ({type(exc).__name__}: {exc})"]
    return []


def check_file(span: str) -> list[str]:
    if not FILE_SPAN.match(span) or span.startswith(("/", "~")) or "/" not in span:
        return []
    if any((ROOT / root / span).exists() for root in FILE_ROOTS):
        return []
    return [f"no file {span} (looked under {', '.join(r or '.' for r in FILE_ROOTS)})"]


def test_documented_names_and_files_exist() -> None:
    problems = [
        f"{doc}:{span.line}: {problem}"
        for doc, text in doc_texts().items()
        for span in all_spans(text)
        for problem in [*check_dotted(span.text), *check_file(span.text)]
    ]
    assert not problems, "\n".join(problems)


# which result the prose of each doc means by `result.X` / `r.X`
PROSE_RESULTS = {
    "README.md": "assay.fairness.result.FairnessResult",
    "docs/fairness.md": "assay.fairness.result.FairnessResult",
    "docs/text.md": "assay.text.result.TextResult",
    "docs/backdoor.md": "assay.backdoor.api.BackdoorResult",
}


def check_result_attribute(span: str, cls: Any) -> list[str]:
    match = re.match(r"^(?:result|r)\.([A-Za-z_]\w*)", span)
    if not match:
        return []
    fields = {f.name for f in dataclasses.fields(cls)}
    name = match.group(1)
    return [] if name in fields or hasattr(cls, name) else [f"{cls.__name__} has no {name}"]


def test_result_attributes_named_in_prose_exist() -> None:
    texts = doc_texts()
    problems = [
        f"{doc}:{span.line}: `{span.text}`: {problem}"
        for doc, dotted in PROSE_RESULTS.items()
        for span in all_spans(texts[doc])
        for problem in check_result_attribute(span.text, resolve(dotted))
    ]
    assert not problems, "\n".join(problems)


def test_the_name_checks_catch_stale_names() -> None:
    assert check_dotted("assay.text.generate.BatchGenerator") == []
    assert check_dotted("assay.backdoor.filter.load_filter(path, model)") == []
    assert check_dotted("assay.text.generate.BulkGenerator")  # renamed away
    assert check_file("bench/store.py") == [] and check_file("core/run.py") == []
    assert check_file("bench/stores.py") == [
        "no file bench/stores.py (looked under ., src, src/assay)"
    ]
    backdoor = resolve(PROSE_RESULTS["docs/backdoor.md"])
    assert check_result_attribute("r.not_a_pass", backdoor) == []
    assert check_result_attribute("r.verdicts", backdoor) == ["BackdoorResult has no verdicts"]


def document_of(folder: Path, technique: str, summary: dict[str, Any]) -> dict[str, Any]:
    """The JSON report of a stored, completed run with ``summary``."""
    from assay import RunStore
    from assay.report import build_document

    store = RunStore(folder / f"{technique}-{len(list(folder.iterdir()))}.db")
    run_id = f"{technique}-20260101-000000-abcd"
    store.create_run(run_id=run_id, technique=technique, seed=1, command="assay", config={},
                     model={}, versions={})  # fmt: skip
    store.checkpoint(run_id, status="completed", summary=summary)
    return build_document(store, run_id)


def test_every_techniques_summary_validates_against_the_shipped_schema(tmp_path: Path) -> None:
    """report-format.md: the JSON Schema ships with assay. A backdoor model scan's summary
    holds ``verdict`` as one object (fairness: a list of rows); its report was invalid."""
    jsonschema = pytest.importorskip("jsonschema")
    from assay.report import load_schema

    schema = load_schema()
    model_scan = {
        "headline": "no suspected backdoor found within the budget",
        "verdict": {"anomaly_index": [0.0, 2.7], "scores": [5.0, 3.0], "sizes": [1, 2]},
    }
    row = {"attribute": "sex", "basis": "sampled", "share_uniform": 0.1, "uniform_low": 0.05,
           "uniform_high": 0.15, "level": "found"}  # fmt: skip
    jsonschema.validate(document_of(tmp_path, "backdoor", model_scan), schema)
    jsonschema.validate(document_of(tmp_path, "fairness", {"verdict": [row]}), schema)
    del row["level"]  # a fairness row without its level stays invalid
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document_of(tmp_path, "fairness", {"verdict": [row]}), schema)


DEFAULT_SAID = re.compile(
    r"`(--[a-z][a-z0-9-]*)[^`]*`[^.;(`]{0,12}\(default (\d+(?:\.\d+)?)"
    r"|\(`(--[a-z][a-z0-9-]*)`, default (\d+(?:\.\d+)?)"
)


def check_defaults(group: Any, text: str) -> list[str]:
    """``--batch-size N`` (default 1000): every command with the option defaults to it (an
    option whose default is decided later, None in the parser, is not checked)."""
    problems = []
    for match in DEFAULT_SAID.finditer(" ".join(text.split())):
        # (the span's last option: `--mode distance --threshold T` (default 0.5) is --threshold's)
        option = re.findall(r"--[a-z][a-z0-9-]*", match.group(0).split("(default")[0])[-1]
        said = float(match.group(2) or match.group(4))
        for name, sub in group.commands.items():
            for param in sub.params:
                default = getattr(param, "default", None)
                if option not in param.opts or not isinstance(default, (int, float)):
                    continue
                if float(default) != said:
                    problems.append(f"assay {name} {option} defaults to {default}, not {said:g}")
    return problems


def test_documented_defaults_are_the_parsers() -> None:
    group = cli_group()
    problems = [
        f"{doc}: {problem}"
        for doc, text in doc_texts().items()
        for problem in check_defaults(group, text)
    ]
    assert not problems, "\n".join(problems)
    said = " ".join(DEFAULT_SAID.findall(" ".join(doc_texts()["docs/serving.md"].split()))[0])
    assert "--batch-size" in said  # the pattern reads the docs' way of saying it
    distance = "`--mode distance --threshold T` (default 0.7): the distance is T or more"
    assert check_defaults(group, distance) == ["assay text --threshold defaults to 0.5, not 0.7"]
    stale = "`--concurrency N` (default 4): requests in flight at once."
    assert check_defaults(group, stale) == [  # (--batch-size has no default since left41)
        f"assay {name} --concurrency defaults to 1, not 4"
        for name in ("fairness", "backdoor", "text")
    ]


def test_documented_default_budgets_are_the_apis() -> None:
    from assay.fairness.check import DEFAULT_MAX_QUERIES as FAIRNESS
    from assay.text.api import DEFAULT_MAX_QUERIES as TEXT

    readme = " ".join(doc_texts()["README.md"].split())
    said = re.search(
        r"a fairness run stops after ([\d,]+) queries and a text run after ([\d,]+)", readme
    )
    assert said, "README no longer says the default budgets"
    assert [int(n.replace(",", "")) for n in said.groups()] == [FAIRNESS, TEXT]


def test_serving_protocols_and_template_example_are_the_loaders(tmp_path: Path) -> None:
    from assay.models.loader import MODEL_TYPES
    from assay.models.protocols import TemplateCodec

    text = doc_texts()["docs/serving.md"]
    table = text.split("| `--model-type` |", 1)[1].split("\n\n", 1)[0]
    named = re.findall(r"^\| `([a-z0-9-]+)` \|", table, flags=re.MULTILINE)
    assert len(named) >= 5 and set(named) <= set(MODEL_TYPES), named
    yaml_text = next(b.text for b in split_markdown(text)[0] if b.lang == "yaml")
    (tmp_path / "service.yaml").write_text(yaml_text)
    codec = TemplateCodec.from_file("http://127.0.0.1:1/score", tmp_path / "service.yaml")
    assert codec.path == ["result", "scores"]


# -- option values ------------------------------------------------------------------------------

VALUE_SOURCES = {  # (command, option) -> where its values are defined
    ("fairness", "--strategy"): "assay.fairness.search.STRATEGIES",
    ("text", "--strategy"): "assay.text.strategies.STRATEGIES",
    ("text", "--oracle"): "assay.text.oracle.ORACLES",
    ("text", "--mode"): "assay.text.oracle.MODES",
    ("backdoor", "--strategy"): "assay.backdoor.technique.STRATEGIES",
}
DOC_COMMAND = {
    "docs/fairness.md": "fairness",
    "docs/text.md": "text",
    "docs/backdoor.md": "backdoor",
}


def check_values(command: str | None, span: str) -> list[str]:
    """``--strategy neo`` (of ``assay backdoor``; of any technique when ``command`` is None):
    the value is one the technique defines."""
    try:
        words = shlex.split(span, comments=True)
    except ValueError:
        return []
    if words[:1] == ["assay"] and len(words) > 1:
        command = words[1]
    problems = []
    for option, value in itertools.pairwise(words):
        sources = [
            resolve(dotted)
            for (name, opt), dotted in VALUE_SOURCES.items()
            if opt == option and command in (name, None)
        ]
        if sources and not value.startswith("-") and not any(value in s for s in sources):
            problems.append(f"{option} {value}: not one of {sorted(set().union(*sources))}")
    return problems


def strategies_documented(doc: str, text: str) -> set[str]:
    """The strategy names a technique's doc gives in its "Strategies" section."""
    section = text.split("## Strategies", 1)[1].split("\n## ", 1)[0]
    if doc == "docs/fairness.md":
        rows = re.findall(r"^\| (`[^|]*) \|", section, flags=re.MULTILINE)
        return {name for row in rows for name in re.findall(r"`([a-z-]+)`", row)}
    return set(re.findall(r"^(?:- )?\*\*`([a-z-]+)`", section, flags=re.MULTILINE))


def test_documented_option_values_are_the_techniques() -> None:
    texts = doc_texts()
    problems = [
        f"{doc}:{span.line}: `{span.text}`: {problem}"
        for doc, text in texts.items()
        for span in [*commands(text), *option_spans(text)]
        for problem in check_values(DOC_COMMAND.get(doc), span.text)
    ]
    for doc, command in DOC_COMMAND.items():
        defined = set(resolve(VALUE_SOURCES[(command, "--strategy")]))
        documented = strategies_documented(doc, texts[doc])
        if documented != defined:
            problems.append(f"{doc}: strategies documented {sorted(documented)}, "
                            f"defined {sorted(defined)}")  # fmt: skip
    assert not problems, "\n".join(problems)
    assert check_values("backdoor", "--strategy strip") == []
    assert check_values(None, "assay backdoor m.onnx --clean c/ --strategy ogma") == [
        "--strategy ogma: not one of ['assay', 'neo', 'strip']"
    ]
    assert check_values("text", "--oracle invariant") == [
        "--oracle invariant: not one of ['differential', 'directional', 'expect', 'invariance', "
        "'suite']"
    ]


def builtin_names() -> set[str]:
    """Every ``builtin:NAME`` assay knows: tabular models, text classifiers and grammars, the
    backdoor demo's models."""
    from assay.backdoor.api import DEMO_MODELS
    from assay.builtin_models import BUILTIN_MODELS
    from assay.text.api import BUILTIN_CLASSIFIERS

    grammars = (ROOT / "src/assay/text/grammars").glob("*.cfg")
    return {
        *BUILTIN_MODELS,
        *BUILTIN_CLASSIFIERS,
        *(p.stem for p in grammars),
        *(m.removeprefix("builtin:") for m in DEMO_MODELS),
    }


def test_documented_builtins_and_datasets_exist() -> None:
    from assay.datasets.registry import DATASETS

    known = builtin_names()
    problems = [
        f"{doc}: builtin:{name} is not built in"
        for doc, text in doc_texts().items()
        for name in sorted(set(re.findall(r"builtin:([a-z][a-z-]*)", text)))
        if name not in known
    ]
    readme = " ".join(doc_texts()["README.md"].split())
    said = re.search(r"Built-in datasets \(`--dataset`\): (.*?)\. Their sources", readme)
    assert said, "README no longer lists the built-in datasets"
    listed = set(re.findall(r"`([a-z-]+)`", said.group(1)))
    if listed != set(DATASETS):
        problems.append(f"README lists datasets {sorted(listed)}, assay has {sorted(DATASETS)}")
    assert not problems, "\n".join(problems)
    assert "tfidf-nonegation" in known and "tfidf-negation" not in known


# -- references between pages, and options on the page of their technique -------------------

PAGE_REFERENCE = re.compile(r'`((?:docs/)?[a-z-]+\.md)`,?\s+"([^"]+)"')
RESULTS_REFERENCE = re.compile(r"bench/RESULTS\.md`?,?\s+(?:section\s+)?([a-z]+[0-9]+[a-z]?)\b")
TECHNIQUE_PAGES = {
    "docs/fairness.md": "fairness",
    "docs/text.md": "text",
    "docs/backdoor.md": "backdoor",
}


def headings(text: str) -> list[str]:
    prose = re.sub(r"```.*?```", "", text, flags=re.S)  # a `# comment` is no heading
    return [
        " ".join(line.lstrip("#").split())
        for line in prose.splitlines()
        if re.match(r"#{1,6} ", line)
    ]


def check_references(texts: dict[str, str], results: str) -> list[str]:
    """What is wrong with the pages' references to each other (`docs/fairness.md`, "Missing
    values": a page and one of its headings) and to `bench/RESULTS.md`'s sections (`bd41`)."""
    sections = set(re.findall(r"^## ([a-z]+[0-9]+[a-z]?) ", results, flags=re.M))
    problems = []
    for doc, text in texts.items():
        for match in PAGE_REFERENCE.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            page = match.group(1) if "/" in match.group(1) else f"docs/{match.group(1)}"
            wanted = " ".join(match.group(2).split())
            if page not in texts:
                problems.append(f"{doc}:{line}: {page} is not a page of the docs")
            elif not any(h.startswith(wanted) for h in headings(texts[page])):
                problems.append(f'{doc}:{line}: {page} has no heading "{wanted}"')
        for match in RESULTS_REFERENCE.finditer(text):
            if match.group(1) not in sections:
                line = text.count("\n", 0, match.start()) + 1
                problems.append(f"{doc}:{line}: bench/RESULTS.md has no section {match.group(1)}")
    return problems


def test_references_between_pages_resolve() -> None:
    results = (BENCH / "RESULTS.md").read_text(encoding="utf-8")
    texts = doc_texts()
    # the check reads what is there: a dozen page references, dozens of sections named
    assert sum(len(PAGE_REFERENCE.findall(t)) for t in texts.values()) >= 4
    assert sum(len(RESULTS_REFERENCE.findall(t)) for t in texts.values()) >= 20
    problems = check_references(texts, results)
    assert not problems, "\n".join(problems)


def test_the_reference_check_catches_a_stale_reference() -> None:
    results = (BENCH / "RESULTS.md").read_text(encoding="utf-8")
    texts = doc_texts()
    readme = texts["README.md"]
    stale = readme.replace('"Missing values"', '"Empty cells"', 1)
    stale = stale.replace("`bench/RESULTS.md`, bench40", "`bench/RESULTS.md`, bench99", 1)
    stale += '\nSee `docs/serve.md`, "Dask".\n'
    assert stale.count("bench99") == 1 and "Empty cells" in stale
    found = check_references({**texts, "README.md": stale}, results)
    assert any('docs/fairness.md has no heading "Empty cells"' in p for p in found), found
    assert any("bench/RESULTS.md has no section bench99" in p for p in found), found
    assert any("docs/serve.md is not a page of the docs" in p for p in found), found
    assert len(found) == 3, found


def technique_options(group: Any) -> dict[str, set[str]]:
    """Each subcommand's options (``--no-`` forms too)."""
    return {
        name: {
            opt
            for param in sub.params
            for opt in (*param.opts, *getattr(param, "secondary_opts", ()))
            if opt.startswith("-")
        }
        for name, sub in group.commands.items()
    }


def check_page_options(doc: str, text: str, per: dict[str, set[str]], bench: set[str]) -> list[str]:
    """An option named on a technique's page (`--fpr`) must be that technique's, one of the
    commands every run shares (`resume`, `report`, `verify`, ...), or a benchmark script's: an
    option of another technique named there reads as this one's."""
    technique = TECHNIQUE_PAGES.get(doc)
    if technique is None:
        return []
    shared = set().union(*(o for n, o in per.items() if n not in TECHNIQUE_PAGES.values()))
    known = per[technique] | shared | bench
    return [
        f"{doc}:{span.line}: `{span.text}`: `assay {technique}` has no {name}"
        for span in option_spans(text)
        if (name := span.text.split()[0].split("=")[0].rstrip(",")) not in known
    ]


def test_options_on_a_techniques_page_are_its_own() -> None:
    per = technique_options(cli_group())
    bench = set().union(*(bench_options(p) for p in BENCH.glob("*.py")))
    problems = [
        problem
        for doc, text in doc_texts().items()
        for problem in check_page_options(doc, text, per, bench)
    ]
    assert not problems, "\n".join(problems)


def test_the_page_option_check_catches_another_techniques_option() -> None:
    per = technique_options(cli_group())
    text = doc_texts()["docs/text.md"]
    assert check_page_options("docs/text.md", text, per, set()) != []  # bench's --quick
    stale = text + "\nGive `--fpr 0.05` and `--max-queries 100`.\n"
    found = check_page_options("docs/text.md", stale, per, {"--quick"})
    assert found == [
        f"docs/text.md:{stale.count(chr(10))}: `--fpr 0.05`: `assay text` has no --fpr"
    ], found
