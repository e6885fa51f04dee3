"""mutation32: a ``--header-env`` value that cannot be a header (serve31) against the mutants
its tests let live (bench/RESULTS.md, mutation32's table).  serve31's tests give a line break
and a non-ASCII letter; httpx sends a control character (U+0001) or DEL in a header as they
are (a credential silently sent wrong), so those are refused too, a tab is allowed (RFC 9110
lets a value hold one), the first character past ASCII (U+0080) is refused, and so is a header
name that is no token; never showing the value."""

from __future__ import annotations

import pytest

from assay.errors import UsageError
from assay.models.http import header_problem, header_values

SECRET = "SEKRET32"


@pytest.mark.parametrize(
    ("value", "said"),
    [
        (f"Bearer {SECRET}\x01", "holds a control character (U+0001) at character 16"),
        (f"Bearer {SECRET}\x7f", "holds a control character (U+007F) at character 16"),
        (f"Bearer {SECRET}\x00", "holds a control character (U+0000) at character 16"),
        (f"Bearer {SECRET}\x80", "holds a character that is not ASCII at character 16"),
    ],
)
def test_a_value_no_header_can_hold_is_refused_by_position(value: str, said: str) -> None:
    """Mutants H1 (no control character refused), H3 (DEL allowed), H4 (U+0080 allowed)."""
    wrong = header_problem("Authorization", value)
    assert wrong is not None and wrong.startswith(said), wrong
    with pytest.raises(UsageError) as info:
        header_values(["Authorization=TOKEN32"], {"TOKEN32": value})
    message = str(info.value)
    assert "TOKEN32 (for header Authorization)" in message and said in message
    assert SECRET not in message


def test_a_tab_and_printable_ascii_are_a_header_value() -> None:
    """Mutant H2 (a tab refused): RFC 9110 lets a field value hold a horizontal tab."""
    assert header_problem("X-Token", f"a\t{SECRET} !~") is None
    assert header_values(["X-Token=T"], {"T": f"a\t{SECRET}"}) == {"X-Token": f"a\t{SECRET}"}


@pytest.mark.parametrize("name", ["X Token", "X-Token:", "X\u00e9", "(x)"])
def test_a_name_that_is_no_token_is_refused(name: str) -> None:
    """Mutant H5 (any name taken)."""
    wrong = header_problem(name, SECRET)
    assert wrong is not None and "is not a header name" in wrong
    assert SECRET not in wrong
    assert header_problem("X-Api_Key.1!", SECRET) is None
