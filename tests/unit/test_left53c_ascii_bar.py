"""The progress bar in a real terminal under ``TERM=dumb`` or ``LC_ALL=C`` was drawn with
U+2501 ``━`` (Python's UTF-8 mode makes the stream UTF-8, so rich took it for one that shows
it: hostile53b Left 2).  Now ASCII there; the bar as before where the locale is UTF-8."""

from __future__ import annotations

import io

import pytest

from assay.cli.console import Output, _Console


def _drawn(monkeypatch: pytest.MonkeyPatch, **env: str) -> str:
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    for name in ("TERM", "LC_ALL", "LC_CTYPE", "LANG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    out = Output()
    buf = io.StringIO()
    out.err = _Console(file=buf, force_terminal=True, width=100, color_system=None)
    with out.progress(1000, None) as update:
        update({"phase": "search", "queries": 400, "findings": 3, "elapsed": 1.0})
        update({"phase": "done", "queries": 1000, "findings": 5, "elapsed": 2.0, "final": True})
    return buf.getvalue()


@pytest.mark.parametrize(
    "env",
    [{"TERM": "dumb", "LANG": "en_US.UTF-8"}, {"TERM": "xterm", "LC_ALL": "C"}, {"TERM": "vt100"}],
)
def test_a_terminal_that_shows_ascii_gets_an_ascii_bar(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str]
) -> None:
    drawn = _drawn(monkeypatch, **env)
    assert "queries" in drawn, drawn
    assert drawn.isascii(), drawn


def test_a_utf8_terminal_keeps_richs_bar(monkeypatch: pytest.MonkeyPatch) -> None:
    drawn = _drawn(monkeypatch, TERM="xterm-256color", LANG="C.UTF-8")
    assert "━" in drawn, drawn
