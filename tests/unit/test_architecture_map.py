"""docs/architecture.md's module map against ``src/assay/``: every module is named in it, and
it names no module that does not exist (the page says "what exists now"; it once listed 140 of
about 350 modules).  The packages' import rules it states agree with ``test_architecture``.

The map is the code block at the top of the page.  A package is a line ``  core/`` (two
spaces; a sub-package four: ``    exact/``), its modules the lines below it indented two more
(``    model.py         what it does``); description lines go on at column 21.  An
``__init__.py`` need not be named (its package's line says the package's job).
"""

from __future__ import annotations

import re
from pathlib import Path

from test_architecture import SHELLS  # isort: skip
from test_docs_consistency import split_markdown  # isort: skip

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "assay"
PAGE = "docs/architecture.md"
# an entry: a module (``run.py``, ``models/http.py``), several (``setup.py, result.py``) or a
# package (``core/``), at the start of a line indented 2, 4 or 6 spaces
ENTRY = re.compile(r"^( {2}| {4}| {6})((?:[\w/]+\.py|[\w/]+/)(?:, [\w/]+\.py)*)(?=\s|$)")


def module_map(text: str) -> tuple[dict[str, int], dict[str, tuple[int, str]]]:
    """The modules the page's map names (path under ``src/assay/`` -> line), and its
    packages (path -> line and the text of their line, continuation lines joined)."""
    blocks, _ = split_markdown(text)
    block = next(b for b in blocks if b.text.startswith("src/assay/\n"))
    modules: dict[str, int] = {}
    packages: dict[str, tuple[int, str]] = {}
    stack: list[str] = []
    current: str | None = None
    for offset, line in enumerate(block.text.splitlines()[1:], 1):
        number = block.line + offset
        match = ENTRY.match(line)
        if match is None:
            if current is not None and line.startswith(" " * 21):
                at, said = packages[current]
                packages[current] = (at, f"{said} {line.strip()}")
            continue
        current = None
        depth = len(match.group(1)) // 2 - 1
        stack = stack[:depth]
        for name in match.group(2).split(", "):
            if name.endswith("/"):
                stack.append(name)
                current = "".join(stack)
                packages[current] = (number, line[match.end() :].strip())
            else:
                modules.setdefault("".join(stack) + name, number)
    return modules, packages


def existing_modules(src: Path = SRC) -> set[str]:
    return {p.relative_to(src).as_posix() for p in src.rglob("*.py") if p.name != "__init__.py"}


def map_problems(text: str, existing: set[str]) -> list[str]:
    """What the map lacks and what it names wrongly, each said with where to fix it."""
    modules, packages = module_map(text)
    problems = []
    for path in sorted(existing - set(modules)):
        package = path.rsplit("/", 1)[0] + "/" if "/" in path else ""
        name = path.rsplit("/", 1)[-1]
        if package in packages:
            where = f"under `{package}` (its line is {PAGE}:{packages[package][0]})"
        elif package:
            where = f"under a new `{package}` line (with the package's import rule)"
        else:
            where = "among the top-level modules"
        problems.append(
            f"src/assay/{path} is not in {PAGE}'s module map: add a line `{name}  <its one "
            f"job>` {where}, indented {2 + 2 * package.count('/')} spaces"
        )
    for path in sorted(set(modules) - existing):
        if path.rsplit("/", 1)[-1] == "__init__.py" and (SRC / path).is_file():
            continue
        problems.append(
            f"{PAGE}:{modules[path]} names src/assay/{path}, which does not exist: remove the "
            "line, or rename it to the module that took its job"
        )
    return problems


def page() -> str:
    return (ROOT / PAGE).read_text(encoding="utf-8")


def test_the_map_names_every_module_and_only_those() -> None:
    problems = map_problems(page(), existing_modules())
    assert not problems, "\n".join(problems)


def test_the_map_check_catches_a_missing_and_a_stale_module() -> None:
    text = page()
    modules, packages = module_map(text)
    assert {"core/run.py", "fairness/search/walk.py", "errors.py"} <= set(modules)
    assert {"core/", "fairness/", "fairness/exact/", "fairness/search/", "cli/"} <= set(packages)
    # a module added to src/assay/ and not to the page
    added = {*existing_modules(), "core/new_job.py", "brand/new.py"}
    found = map_problems(text, added)
    core_line = packages["core/"][0]
    assert found == [
        "src/assay/brand/new.py is not in docs/architecture.md's module map: add a line "
        "`new.py  <its one job>` under a new `brand/` line (with the package's import rule), "
        "indented 4 spaces",
        "src/assay/core/new_job.py is not in docs/architecture.md's module map: add a line "
        f"`new_job.py  <its one job>` under `core/` (its line is docs/architecture.md:"
        f"{core_line}), indented 4 spaces",
    ], found
    # a module gone from src/assay/ and still on the page
    run_line = modules["core/run.py"]
    found = map_problems(text, existing_modules() - {"core/run.py"})
    assert found == [
        f"docs/architecture.md:{run_line} names src/assay/core/run.py, which does not exist: "
        "remove the line, or rename it to the module that took its job"
    ], found
    # an entry indented under the wrong package: the module is missing where it is, and the
    # page names one that does not exist
    wrong = text.replace("\n      walk.py ", "\n    walk.py   ", 1)
    found = map_problems(wrong, existing_modules())
    assert (
        "src/assay/fairness/search/walk.py is not in docs/architecture.md's module map: add a "
        "line `walk.py  <its one job>` under `fairness/search/` (its line is "
        f"docs/architecture.md:{packages['fairness/search/'][0]}), indented 6 spaces"
    ) in found, found
    assert (
        f"docs/architecture.md:{modules['fairness/search/walk.py']} names "
        "src/assay/fairness/walk.py, which does not exist: remove the line, or rename it to "
        "the module that took its job"
    ) in found, found


def test_the_map_states_each_techniques_shell_as_the_architecture_test_does() -> None:
    """A technique's line names its shell's modules: those ``test_architecture`` lets import
    models, datasets and execution."""
    _, packages = module_map(page())
    for technique, shell in SHELLS.items():
        said = packages[f"{technique}/"][1]
        listed = re.search(r"its shell \(([^)]*)\)", said)
        assert listed, f"{PAGE}: the `{technique}/` line names no shell: {said}"
        names = {n.strip().removesuffix(".py") for n in listed.group(1).split(",")}
        assert names == set(shell), (technique, sorted(names ^ set(shell)))
        assert "imports core only" in said, said
