"""What a fairness run says of how it read the data and the model: columns set aside, a
protected attribute tested by bins, values that differ only in spaces, columns fed by
position.  Printed by the command line and kept with the run: those that make its figures
less trustworthy among its warnings, the others among its notes (``setup_warnings``)."""

from __future__ import annotations

from assay.core.terminal import shell_word
from assay.fairness.setup import FairnessSetup

__all__ = [
    "bins_note",
    "blank_values_note",
    "by_position_note",
    "frame_note",
    "listed_categories_note",
    "mixed_numbers_note",
    "near_values_note",
    "numbers_note",
    "polars_note",
    "read_as_text_note",
    "set_aside_note",
    "setup_notes",
    "setup_warnings",
    "shown_values",
    "unheld_categories",
    "unheld_categories_note",
    "unknown_values_note",
]


def by_position_note(setup: FairnessSetup) -> str | None:
    """What to say of a model that names none of its columns (one ONNX input, a model fitted
    on a matrix, a callable): the data's columns (a schema's, given alone) reached it in their
    order, which nothing in the model can confirm."""
    names = setup.by_position
    if not names:
        return None
    shown = ", ".join(names[:6]) + (f", ... ({len(names)} in all)" if len(names) > 6 else "")
    # a run given a schema alone has no data: its inputs are the schema's columns
    whose = "the data's" if setup.test.data is not None else "the schema's"
    return (
        f"The model names none of its columns: {whose} were fed to it in their order "
        f"({shown}); if it was fitted on them in another order, its answers are about other "
        "columns"
    )


def frame_note(setup: FairnessSetup) -> str | None:
    """What to say of a function written for a pandas DataFrame: it failed on its probe rows
    as a numpy array and answered them as a DataFrame, so it is given DataFrames."""
    fn = getattr(getattr(setup.raw_model, "inner", None), "fn", None)
    columns = getattr(fn, "frame_columns", None)
    if not columns:
        return None
    shown = ", ".join(columns[:6]) + (f", ... ({len(columns)} in all)" if len(columns) > 6 else "")
    return (
        "The function failed on a numpy array of rows and answered the same rows as a pandas "
        f"DataFrame with the data's column names: it is given DataFrames ({shown})"
    )


def polars_note(setup: FairnessSetup) -> str | None:
    """What to say of a model given polars DataFrames: it failed on its probe rows as a
    pandas DataFrame and answered them as a polars one."""
    inner = setup.raw_model
    while hasattr(inner, "inner"):
        inner = inner.inner
    if getattr(inner, "polars", False) is not True:
        return None
    return (
        "The model failed on its first rows as a pandas DataFrame and answered them as a "
        "polars DataFrame: it is given polars DataFrames"
    )


def set_aside_note(setup: FairnessSetup) -> str | None:
    """What to say of the data's columns left out because the model declares the columns it
    takes and they are not among them (an id, a timestamp)."""
    if not setup.set_aside:
        return None
    label = (
        ""
        if setup.test.labels is not None
        else f" (the true label? give --label {shell_word(setup.set_aside[-1])} for the group "
        "metrics)"
        if len(setup.set_aside) == 1
        else " (if one is the true label, give --label COLUMN for the group metrics)"
    )
    return (
        f"Set aside the data's column(s) {', '.join(setup.set_aside)}: the model declares the "
        f"columns it takes ({', '.join(setup.test.schema.names)}), and not these{label}"
    )


def bins_note(setup: FairnessSetup) -> str | None:
    """What to say of protected attributes tested by bins (``age:bins=25,40,60``): the
    number each bin is given to the model as, and that the data's rows were read so."""
    schema = setup.test.schema
    said = []
    for name in schema.protected:
        f = schema.feature(name)
        if f.kind == "categorical" and f.value_labels is not None:
            pairs = ", ".join(
                f"{lab} as {_given(c)}"
                for lab, c in zip(f.value_labels, f.categories or (), strict=True)
            )
            said.append(f"{name} by bins ({pairs})")
    if not said:
        return None
    return (
        f"Tested {'; '.join(said)}: each bin is given to the model as the median of the data's "
        "values inside it, and every data row with its bin's median (the share over the data "
        "and the group metrics are of such rows); an outcome that changes within a bin is not "
        "looked for"
    )


def _given(value: object) -> str:
    """A bin's median as the model is given it, without float noise (25008.355, not
    25008.355000000003: a median of two values in binary)."""
    if isinstance(value, float):
        return f"{value:.12g}"
    return str(value)


def near_values_note(setup: FairnessSetup) -> str | None:
    """What to say of a protected attribute whose values differ only in spaces or case
    ('Male' and 'Male ', an export's stray spaces): the model may read them as two values,
    and an outcome that changes between them is counted as discrimination on the attribute."""
    said = []
    for name in setup.test.schema.protected:
        f = setup.test.schema.feature(name)
        if f.kind != "categorical":
            continue
        groups: dict[str, list[str]] = {}
        for c in f.categories or ():
            if isinstance(c, str):
                groups.setdefault(c.strip().casefold(), []).append(c)
        near = [" / ".join(repr(v) for v in g) for g in groups.values() if len(g) > 1]
        if near:
            said.append(f"{name} ({'; '.join(near[:3])}{'; ...' if len(near) > 3 else ''})")
    if not said:
        return None
    return (
        f"Values of a protected attribute differ only in spaces or case: {', '.join(said)}; "
        "the model may read them as different values, and an outcome that changes between "
        "them is counted here as discrimination: clean the column (e.g. .str.strip()) if "
        "they are one value"
    )


def blank_values_note(setup: FairnessSetup) -> str | None:
    """What to say of a protected attribute holding empty text (``''``, ``' '``) as a value:
    in a DataFrame it is a category like any other (only NaN, None and ``pd.NA`` are missing),
    so "no answer" was tested as one more sex, silently; it most often means not known."""
    said = []
    for name in setup.test.schema.protected:
        f = setup.test.schema.feature(name)
        blank = [c for c in f.categories or () if isinstance(c, str) and not c.strip()]
        if f.kind == "categorical" and blank:
            said.append(f"{name} ({', '.join(repr(v) for v in blank)})")
    if not said:
        return None
    return (
        f"A protected attribute holds empty text as one of its values: {', '.join(said)}; it "
        "was tested as one more value, against the others (only an empty cell, NaN, None or "
        "pd.NA is missing): if it means the value is not known, make it missing "
        "(data[column].replace(r'^\\s*$', pd.NA, regex=True)) and choose missing='value' "
        "(tested as missing) or missing='drop' (its rows set aside)"
    )


def read_as_text_note(setup: FairnessSetup) -> str | None:
    """What to say of data columns read as text because the model was fitted on them so."""
    if not setup.read_as_text:
        return None
    return (
        f"Read the data's column(s) {', '.join(setup.read_as_text)} as text: the model was "
        "fitted on them as text (its encoders know strings there), and digits read as numbers "
        "would be categories it never saw"
    )


def numbers_note(setup: FairnessSetup) -> str | None:
    """What to say of a data file's text columns read as numbers (a decimal comma in a
    ``;``-separated file, numbers some of which JSON lines write as text)."""
    if not setup.read_as_numbers:
        return None
    said = "; ".join(f"{name}: {how}" for name, how in setup.read_as_numbers.items())
    return f"Read these columns of the data as numbers ({said})"


def unknown_values_note(setup: FairnessSetup) -> str | None:
    """What to say of protected values the model's encoder was not fitted on."""
    if not setup.unknown_to_model:
        return None
    said = "; ".join(
        f"{name}: {', '.join(repr(v) for v in values[:5])}{', ...' if len(values) > 5 else ''}"
        for name, values in setup.unknown_to_model.items()
    )
    return (
        f"Values of a protected attribute that the model's encoder was not fitted on ({said}): "
        "it reads each of them as unknown, so an outcome that changes there is counted as "
        "discrimination, and one that does not may hide it"
    )


def unheld_categories(setup: FairnessSetup) -> dict[str, list[str]]:
    """Per protected ``category`` column, the values its dtype lists that no row holds."""
    unheld: dict[str, list[str]] = {}
    for name in setup.test.schema.protected:
        categories = getattr(setup.user_dtypes.get(name), "categories", None)
        if categories is None:
            continue
        held = {str(c) for c in setup.test.schema.feature(name).categories or ()}
        missing = [str(c) for c in categories if str(c) not in held]
        if missing:
            unheld[name] = missing
    return unheld


def shown_values(values: list[str]) -> str:
    """Up to five values, quoted (``'X', 'Y', ...``)."""
    return ", ".join(repr(v) for v in values[:5]) + (", ..." if len(values) > 5 else "")


def unheld_categories_note(setup: FairnessSetup) -> str | None:
    """What to say of a protected ``category`` column whose dtype lists values no row holds
    (a sample without its rare group): the search varies the values the data holds, so
    those were never tested, and a model that treats only them otherwise passes."""
    said = [f"{name}: {shown_values(v)}" for name, v in unheld_categories(setup).items()]
    if not said:
        return None
    return (
        f"Categories of a protected attribute that no data row holds ({'; '.join(said)}): "
        "they were not tested (the model's encoder was not fitted on them, or the model "
        "refused them: it would read them as unknown, not as these categories); add rows "
        "that hold them, and a model fitted on them, to test them"
    )


def listed_categories_note(setup: FairnessSetup) -> str | None:
    """What to say of a protected ``category`` column's values that its dtype lists and no
    row holds, tested all the same (``fairness.listed``): the input space holds them, and
    each data row was varied to them too, while no row of the data holds them."""
    listed = getattr(setup, "listed", None) or {}
    said = [f"{name}: {shown_values(list(v))}" for name, v in listed.items()]
    if not said:
        return None
    return (
        f"Categories of a protected attribute that no data row holds, tested as its values "
        f"({'; '.join(said)}): the column's dtype lists them and the model takes them, so "
        "inputs holding them are in the input space; the share over the data is of its rows "
        "(none holds them) varied to every value, these included"
    )


def mixed_numbers_note(setup: FairnessSetup) -> str | None:
    """What to say of a category column holding numbers and numbers written as text (30
    and '21' in a DataFrame's object column): read as categories, each its own, and never
    searched as a range."""
    said = []
    for feature in setup.test.schema.features:
        cats = feature.categories or ()
        numbers = [c for c in cats if isinstance(c, int | float) and not isinstance(c, bool)]
        texts = [c for c in cats if isinstance(c, str) and _a_number(c)]
        if numbers and texts:
            said.append(f"{feature.name}: {numbers[0]!r} beside {texts[0]!r}")
    if not said:
        return None
    return (
        f"Columns that hold numbers and numbers written as text ({'; '.join(said)}) were read "
        "as categories, each value its own (never searched as a range); convert them "
        "(frame[col] = pandas.to_numeric(frame[col])) to test them as numbers"
    )


def _a_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def setup_notes(setup: FairnessSetup) -> list[str]:
    """What a run says of how the data and the model were read: printed before the run,
    and kept with it (``setup_warnings`` among its warnings, the rest among its notes)."""
    return [n for n, _ in _said(setup) if n is not None]


def setup_warnings(setup: FairnessSetup) -> list[str]:
    """Those of ``setup_notes`` that make the figures less trustworthy (columns fed in an
    order nothing confirms, values the model reads as unknown or as two, categories never
    tested, numbers read as categories): the run's warnings.  The others say how the data
    was read as asked (columns set aside, bins, a DataFrame given): notes, not warnings (a
    correctly read run's repr said "1 warning(s)", and Jupyter showed the note in red)."""
    return [n for n, warns in _said(setup) if n is not None and warns]


def _said(setup: FairnessSetup) -> list[tuple[str | None, bool]]:
    """Each note on how the data and the model were read, and whether it is a warning."""
    return [
        (set_aside_note(setup), False),
        (read_as_text_note(setup), False),
        (numbers_note(setup), False),
        (bins_note(setup), False),
        (near_values_note(setup), True),
        (blank_values_note(setup), True),
        (unknown_values_note(setup), True),
        (unheld_categories_note(setup), True),
        (listed_categories_note(setup), False),
        (mixed_numbers_note(setup), True),
        (by_position_note(setup), True),
        (setup.label_like, True),
        (setup.scores_read, True),
        (frame_note(setup), False),
        (polars_note(setup), False),
        (setup.labels_left_out, False),
        (None if setup.incomplete is None else setup.incomplete.note(), False),
        (None if setup.empty is None else setup.empty.note(setup.test.schema), False),
    ]
