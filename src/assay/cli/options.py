"""Command-line options shared by several commands."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

__all__ = ["AsJson", "Overlap", "Quiet"]

# -- budgets, seed, reports and the store: the same on every command that runs a technique ----
MaxTime = Annotated[float | None, typer.Option(help="Time budget in seconds.")]
Seed = Annotated[int | None, typer.Option(help="Seed (printed when not given).")]
CallTimeout = Annotated[
    float,
    typer.Option(
        help="Seconds one model call may take before the model is taken to be hung "
        "(the run then ends with what it found, exit 3)."
    ),
]
Html = Annotated[Path | None, typer.Option(help="Write an HTML report here.")]
Junit = Annotated[Path | None, typer.Option(help="Write a JUnit XML report here.")]
JsonReport = Annotated[Path | None, typer.Option("--report", help="Write the JSON report here.")]
FailOnSeverity = Annotated[
    float,
    typer.Option(
        help="Exit 1 when a finding's severity is at least this (of a text classifier that "
        "answered otherwise when asked again, only its findings confirmed by asking again)."
    ),
]
AllowPickle = Annotated[
    bool, typer.Option("--allow-pickle", help="Allow loading pickle/joblib (runs its code).")
]
RunStorePath = Annotated[Path, typer.Option(help="The run store.")]
KeepFindings = Annotated[
    str,
    typer.Option(
        help="Witnesses to keep in the store: 'all', or N (the first N/2, a seeded "
        "random sample of N/2 of the rest, and the 64 most severe of each kind, so 0 "
        "keeps those 64). Every finding is counted either way."
    ),
]

Classes = Annotated[
    str | None,
    typer.Option(
        "--classes",
        help="The model's classes: their names in order (no,yes: an endpoint or ONNX graph "
        "answering labels by name), or how many (N: labels 0 to N-1).",
    ),
]

ListedClasses = Annotated[
    str | None,
    typer.Option(
        "--classes",
        help="The model's classes: their names in order (no,yes: an endpoint or ONNX graph "
        "answering labels by name), or how many (N: labels 0 to N-1). Names holding a comma: "
        '@FILE (one name per line, or a JSON list) or a JSON list (\'["Coke 330ml, can", '
        '"Fanta"]\').',
    ),
]

Quiet = Annotated[
    bool,
    typer.Option(
        "--quiet", "-q", help="Print nothing but errors (and how to continue a run that failed)."
    ),
]
AsJson = Annotated[bool, typer.Option("--json", help="Print the result as JSON on stdout.")]
Overlap = Annotated[
    bool,
    typer.Option(
        "--overlap/--no-overlap",
        help="Call the model on a background thread while the search prepares its next "
        "round (the findings are the same either way).",
    ),
]

# -- served models (HTTP) and executors ---------------------------------------------------
BatchSize = Annotated[
    int | None,
    typer.Option(
        help="At most this many inputs per model call, for any model (a served model's "
        "requests: 1000 unless given)."
    ),
]
Concurrency = Annotated[int, typer.Option(help="Served models: requests in flight at once.")]
Timeout = Annotated[float, typer.Option(help="Served models: seconds to wait for an answer.")]
Retries = Annotated[
    int,
    typer.Option(help="Served models: retries of a request (connection errors, 429, 5xx)."),
]
RateLimit = Annotated[
    float | None, typer.Option(help="Served models: at most this many requests per second.")
]
ModelType = Annotated[
    str | None,
    typer.Option(
        help="sklearn, callable, onnx, skops, pickle, joblib, torch; served: http (protocol "
        "from the URL), oip, mlflow, kserve-v1, template."
    ),
]
HeaderEnv = Annotated[
    list[str] | None,
    typer.Option(
        help="Served models: a header whose value is read from an environment variable, "
        "e.g. 'Authorization=MY_TOKEN_VAR': the variable's name, never the value (which is "
        "never printed or stored; a credential typed there is refused).",
    ),
]
MaxErrorRate = Annotated[
    float,
    typer.Option(
        help="Served models: stop as model_unavailable when more than this share of recent "
        "requests failed after their retries."
    ),
]
Template = Annotated[
    str | None,
    typer.Option(
        "--template",
        help="Served models: a JSON/YAML request template for an in-house service "
        '(body with "{{inputs}}", outputs: a dotted path).',
    ),
]
Executor = Annotated[
    str, typer.Option(help="Where the campaign runs: inprocess (default) or dask.")
]
Workers = Annotated[
    int | None, typer.Option(help="--executor dask: start a local cluster of N workers.")
]
Scheduler = Annotated[
    str | None, typer.Option(help="--executor dask: an existing cluster, tcp://host:8786.")
]
ResumeExecutor = Annotated[
    str | None,
    typer.Option(
        "--executor",
        help="Where the run's units (--units) run from now on: inprocess (a Dask run's "
        "cluster gone) or dask (with --workers or --scheduler); the same units, the same "
        "findings. Default: where the run ran.",
    ),
]
Units = Annotated[
    int | None,
    typer.Option(
        help="Split the campaign into N independent units (same seed and units: same "
        "findings on any executor). Default with dask: 8."
    ),
]


def serving_options(
    *,
    batch_size: int | None,
    concurrency: int,
    timeout: float,
    retries: int,
    rate_limit: float | None,
    header_env: list[str] | None,
    max_error_rate: float,
    template: str | None,
) -> Any:
    """The ``ServingOptions`` the served-model options above describe (every command)."""
    from assay.models.http import ServingOptions

    return ServingOptions(
        batch_size=batch_size,
        concurrency=concurrency,
        timeout=timeout,
        retries=retries,
        rate_limit=rate_limit,
        header_env=tuple(header_env or ()),
        max_error_rate=max_error_rate,
        template=template,
    )
