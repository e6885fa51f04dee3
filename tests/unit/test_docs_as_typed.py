"""The docs' commands as a new user types them, beyond what the parser alone checks
(``test_docs_consistency``): every ``assay fairness|text|backdoor`` command they show gets past
the command's own checks of its options (a refused combination, ``--strategy neo`` with a
model scan, ``--precision`` without ``--estimate``, is never shown as a command to type), every
option of every command is named in the docs, and the README's Python example runs in the
order it is written (no call on a run it has deleted).

No model is loaded: each technique's setup is replaced by one that stops the command at once,
so a documented command "works" here when it reaches loading.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest

from test_docs_consistency import cli_group, commands, doc_texts, split_markdown  # isort: skip

TECHNIQUES = ("fairness", "text", "backdoor")
# where each command's options are explained (beside the README)
PAGES = {
    "fairness": ("docs/fairness.md", "docs/serving.md", "docs/schema-format.md"),
    "text": ("docs/text.md", "docs/serving.md"),
    "backdoor": ("docs/backdoor.md", "docs/serving.md"),
    "verify": ("docs/text.md", "docs/backdoor.md", "docs/fairness.md"),
    "resume": ("docs/serving.md", "docs/fairness.md", "docs/text.md", "docs/backdoor.md"),
}
OTHER_PAGES = ("docs/architecture.md", "docs/report-format.md")
SETUPS = {
    "fairness": "assay.api.setup_fairness",
    "text": "assay.text.api.setup_text",
    "backdoor": "assay.backdoor.api.setup_backdoor",
}


# a placeholder the docs write in capitals, as a user fills it in
PLACEHOLDERS = {
    "FILE": "findings.csv",
    "MODEL": "model.onnx",
    "PATH": "images/",
    "GRAMMAR": "g.cfg",
}


def technique_commands() -> list[tuple[str, int, str]]:
    """(doc, line, command) of every documented ``assay fairness|text|backdoor`` command that
    gives options (a bare ``assay text`` names the command, it is not one to type)."""
    found = []
    for doc, text in doc_texts().items():
        for span in commands(text):
            words = span.text.split()
            if len(words) > 2 and words[1] in TECHNIQUES:
                found.append((doc, span.line, span.text))
    return found


def _stop_at_loading(monkeypatch: pytest.MonkeyPatch, reached: list[str]) -> None:
    """Each technique's setup replaced by one that notes it was reached and stops the command
    as a usage error does (no model loaded, no crash log)."""
    import importlib

    from assay.errors import UsageError

    for technique, dotted in SETUPS.items():
        module, name = dotted.rsplit(".", 1)

        def stop(*args: Any, _technique: str = technique, **kwargs: Any) -> None:
            reached.append(_technique)
            raise UsageError("stopped at loading (test)")

        monkeypatch.setattr(importlib.import_module(module), name, stop)


def refusal(command: str, folder: Path, monkeypatch: pytest.MonkeyPatch) -> str | None:
    """Why the command line refuses ``command`` before loading anything (None: it gets to
    loading). Run in ``folder`` with its own store; the files it names need not exist."""
    from typer.testing import CliRunner

    from assay.cli.app import app, register

    if not app.registered_commands:
        register()
    reached: list[str] = []
    _stop_at_loading(monkeypatch, reached)
    monkeypatch.chdir(folder)
    tokens = shlex.split(command, comments=True)
    while tokens and tokens[-1] in ("&", "&&"):
        tokens.pop()
    args = [PLACEHOLDERS.get(t, t) for t in tokens[1:] if t != "..."]
    result = CliRunner().invoke(app, [*args, "--store", str(folder / "runs.db")])
    if reached:
        return None
    return f"exit {result.exit_code}: {result.output.strip()[-400:]}"


def test_documented_technique_commands_are_not_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    found = technique_commands()
    assert len(found) > 30, len(found)
    problems = []
    for doc, line, command in found:
        if "--demo" in command.split():  # a demonstration loads built-in models itself
            continue
        if "--scheduler" in command.split():  # needs the cluster it names (serving.md)
            continue
        why = refusal(command, tmp_path, monkeypatch)
        if why:
            problems.append(f"{doc}:{line}: `{command}`: {why}")
    assert not problems, "\n".join(problems)


def test_the_refusal_check_catches_a_refused_combination(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The stale line `test_docs_consistency` plants parses, and is refused as typed."""
    assert refusal("assay backdoor model.onnx --clean c/", tmp_path, monkeypatch) is None
    why = refusal("assay backdoor model.onnx --clean c/ --strategy neo", tmp_path, monkeypatch)
    assert why and why.startswith("exit 2") and "--strategy" in why, why
    why = refusal("assay fairness m.skops --data d.csv --protected sex --precision 0.01",
                  tmp_path, monkeypatch)  # fmt: skip
    assert why and "--estimate" in why, why


def undocumented_options(group: Any, texts: dict[str, str]) -> list[str]:
    """``assay CMD --OPTION`` of every command whose option (or its ``--no-`` form) the README
    and the command's pages never name."""
    problems = []
    for name, sub in sorted(group.commands.items()):
        pages = ("README.md", *PAGES.get(name, OTHER_PAGES))
        said = "\n".join(texts[p] for p in pages)
        for param in sub.params:
            opts = [
                o
                for o in (*param.opts, *getattr(param, "secondary_opts", ()))
                if o.startswith("--") and o != "--help"
            ]
            if opts and not any(re.search(re.escape(o) + r"(?![\w-])", said) for o in opts):
                problems.append(f"assay {name} {'/'.join(opts)} is in no doc of {', '.join(pages)}")
    return problems


def test_every_option_is_documented() -> None:
    problems = undocumented_options(cli_group(), doc_texts())
    assert not problems, "\n".join(problems)
    stale = dict(doc_texts())
    stale["README.md"] = stale["README.md"].replace("--limit", "--lim1t")
    assert "assay runs --limit is in no doc of README.md, docs/architecture.md, " \
        "docs/report-format.md" in undocumented_options(cli_group(), stale)  # fmt: skip


def test_readme_runs_says_its_default_limit() -> None:
    """``assay runs`` lists 20 runs by default: the README does not say "every run"."""
    group = cli_group()
    limit = next(p for p in group.commands["runs"].params if p.name == "limit")
    block = next(
        b.text for b in split_markdown(doc_texts()["README.md"])[0] if "assay runs" in b.text
    )
    line = next(x for x in block.splitlines() if x.startswith("assay runs"))
    assert "every run" not in line
    assert f"the last {limit.default}" in line and "--limit" in line, line


def test_readme_python_example_uses_a_run_before_deleting_it() -> None:
    """The README's example is run top to bottom by whoever pastes it: once a line deletes
    the run (``assay.delete_runs(result.run_id)``), no later line may use ``result.run_id``."""
    block = next(
        b.text
        for b in split_markdown(doc_texts()["README.md"])[0]
        if b.lang == "python" and "check_fairness" in b.text
    )
    lines = [line.split("#", 1)[0] for line in block.splitlines()]
    deleting = [i for i, line in enumerate(lines) if "delete_runs(result.run_id)" in line]
    assert deleting, "the example no longer deletes its run"
    later = [line for line in lines[deleting[0] + 1 :] if "result.run_id" in line]
    assert not later, later


def partial_exit_lists(texts: dict[str, str]) -> list[str]:
    """A page's "Exit codes are assay's: 0 ..., 1 ..." sentence lists every code of the
    README's table (text.md listed 0-3, backdoor.md no 4 or 5)."""
    from test_docs_consistency import exit_table

    codes = set(exit_table(texts["README.md"]))
    problems = []
    for doc, text in texts.items():
        flat = " ".join(text.split())
        for said in re.finditer(r"Exit codes are assay's: (.*?)(?:\.|: the README's table)", flat):
            listed = {int(n) for n in re.findall(r"(?:^|, )(\d+) ", said.group(1) + " ")}
            if listed != codes:
                problems.append(
                    f"{doc}: exit codes listed {sorted(listed)}, README {sorted(codes)}"
                )
    return problems


def test_pages_list_every_exit_code() -> None:
    texts = doc_texts()
    assert sum("Exit codes are assay's" in t for t in texts.values()) >= 2
    problems = partial_exit_lists(texts)
    assert not problems, "\n".join(problems)
    stale = {"README.md": texts["README.md"], "x.md": "Exit codes are assay's: 0 none, 1 found."}
    assert partial_exit_lists(stale) == [
        "x.md: exit codes listed [0, 1], README [0, 1, 2, 3, 4, 5, 130]"
    ]


def test_architecture_names_every_subcommand() -> None:
    """docs/architecture.md's ``cli/`` line lists the subcommands (salvage and code were
    missing), after "Typer app:" up to the first full stop."""
    text = doc_texts()["docs/architecture.md"]
    line = " ".join(text.split("\n  cli/", 1)[1].split("\n```", 1)[0].split())
    said = set(re.findall(r"[a-z]+", line.split("Typer app:", 1)[1].split(".", 1)[0]))
    assert said == set(cli_group().commands), sorted(set(cli_group().commands) ^ said)
