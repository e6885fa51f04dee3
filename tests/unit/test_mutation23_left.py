"""mutation23: left22's small functions where its tests could not fail: labels answered as
one column (only a single column of names is unwrapped), and an API keyword's name taken
off the front of a message only when the message names it."""

from __future__ import annotations

import numpy as np

from assay.errors import UsageError
from assay.models.callable import _one_column, labels_by_name


def test_one_column_of_names_is_unwrapped_and_nothing_else() -> None:
    names = np.array([["pos"], ["neg"], ["pos"]], dtype=object)
    assert _one_column(names).tolist() == ["pos", "neg", "pos"]
    assert _one_column(np.array([["a"], ["b"]])).tolist() == ["a", "b"]  # unicode strings
    assert _one_column([["pos"], ["neg"]]) == ["pos", "neg"]
    assert _one_column((("pos",), ("neg",))) == ["pos", "neg"]
    # two columns of names: not one label an input
    two = np.array([["pos", "neg"], ["neg", "pos"]], dtype=object)
    assert _one_column(two) is two
    # one column of numbers: probabilities or codes, not names
    numbers = np.array([[0.2], [0.9]])
    assert _one_column(numbers) is numbers
    # a list mixing one-element lists with bare names: not one column
    mixed = [["pos"], "neg", ["pos"]]
    assert _one_column(mixed) is mixed
    nested = [["pos"], [["neg"]]]
    assert _one_column(nested) is nested


def test_labels_are_read_off_one_column_of_names_only() -> None:
    assert labels_by_name(np.array([["pos"], ["neg"]], dtype=object), 2) == ("neg", "pos")
    assert labels_by_name([["pos"], ["neg"], ["pos"]], 3) == ("neg", "pos")
    assert labels_by_name(np.array([["pos", "neg"], ["neg", "pos"]], dtype=object), 2) is None
    assert labels_by_name([["pos"], "negative"], 2) is None


def test_a_keyword_is_taken_off_only_a_message_that_names_it() -> None:
    said = str(UsageError("data: column 'when' holds dates", argument="data"))
    assert said == "argument data: column 'when' holds dates"
    # a message merely starting with the keyword's letters keeps them
    said = str(UsageError("database is locked", argument="data"))
    assert said == "argument data: database is locked"
    said = str(UsageError("datapoints: 3", argument="data"))
    assert said == "argument data: datapoints: 3"


def test_only_a_bad_values_message_repeats_the_value() -> None:
    """Click's other error carrying a parameter (a missing one, ``MissingParameter``, a
    subclass of ``BadParameter``) is not about a value given: nothing is added to it, even
    when the option's name stands in the command line (there, a value of another option)."""
    import click

    from assay.cli.app import _with_value

    option = click.Option(["--seed"])
    missing = click.MissingParameter(param=option)
    message = "Missing option '--seed'."
    assert _with_value(missing, ["--data", "--seed", "x"], message) == message
    bad = click.BadParameter("not an integer", param=option)
    said = _with_value(bad, ["--seed", "x"], "Invalid value for '--seed': not an integer")
    assert said == "Invalid value for '--seed': 'x': not an integer"


def test_a_bad_value_of_an_option_with_two_names_is_still_repeated() -> None:
    """Click names an option of two names as "'--out' / '-o'": the message does not start
    as the one-name form does, and the value given is added at its end instead."""
    import click

    from assay.cli.app import _with_value

    bad = click.BadParameter("not a file", param=click.Option(["--out", "-o"]))
    message = "Invalid value for '--out' / '-o': not a file"
    assert _with_value(bad, ["-o", "nowhere/x"], message) == f"{message} (given: 'nowhere/x')"
