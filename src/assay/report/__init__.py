"""Reports: a versioned JSON document built from a stored run, rendered as HTML and JUnit XML."""

from assay.report.document import (
    SCHEMA_VERSION,
    build_document,
    dumps_document,
    load_document,
    load_schema,
    write_reports,
)
from assay.report.html import render_html
from assay.report.junit import render_junit

__all__ = [
    "SCHEMA_VERSION",
    "build_document",
    "dumps_document",
    "load_document",
    "load_schema",
    "render_html",
    "render_junit",
    "write_reports",
]
