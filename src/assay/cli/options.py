"""Command-line options shared by several commands."""

from __future__ import annotations

from typing import Annotated

import typer

__all__ = ["AsJson", "Overlap", "Quiet"]

Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors.")]
AsJson = Annotated[bool, typer.Option("--json", help="Print the result as JSON on stdout.")]
Overlap = Annotated[
    bool,
    typer.Option(
        "--overlap/--no-overlap",
        help="Call the model on a background thread while the search prepares its next "
        "round (the findings are the same either way).",
    ),
]
