"""A stored text run's classifiers given again, or verified otherwise (``assay verify``): the
specs to call, and a refusal of their labels said in the run's terms.  Part of the text
technique's shell (``text.prepare.setup_from_record``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from assay.core.paths import absolute_spec
from assay.core.redact import GivenAgain, redact_text
from assay.errors import UsageError

__all__ = ["labels_refused", "said_names", "verified_specs"]


def verified_specs(stored: Sequence[Any], given: Any, *, run_id: str, again: str) -> Any:
    """What ``assay verify RUN --model ...`` asks in place of a text run's classifiers: URLs
    the run stored without their credentials given again (``GivenAgain``: each in its own
    place), else one spec per classifier, in the run's order (a retrained file elsewhere, a
    fixed endpoint).  Anything else is refused naming how many the run has (``again``: the
    command that verifies the run, or the call: ``assay.verify_run(...)``)."""
    if given is None or not isinstance(given, str | GivenAgain):
        return given  # (none: the run's own; objects from Python: in place of them all)
    urls = [given] if isinstance(given, str) else list(given)
    if all(redact_text(u) != u and redact_text(u) in stored for u in urls):
        return GivenAgain(urls)  # (each the stored spec it is, credentials given again)
    if len(urls) == len(stored):
        twice = sorted({str(u) for u in urls if urls.count(u) > 1})
        if twice:  # (the differential's own refusal advises --oracle, which verify has not)
            raise UsageError(
                f"{', '.join(twice)} was given for more than one of run {run_id}'s "
                f"classifiers: one compared with itself can never disagree; give a different "
                f"one for each, in the run's order ({again}{' --model SPEC' * len(stored)}), "
                "or none to verify the run's own",
                argument="--model",
            )
        return urls
    shown = ", ".join(map(str, stored))
    example = again if again.startswith("assay.") else f"{again}{' --model SPEC' * len(stored)}"
    raise UsageError(
        f"run {run_id} has {len(stored)} classifier{'s' * (len(stored) != 1)} ({shown}) and "
        f"{len(urls)} {'was' if len(urls) == 1 else 'were'} given in their place: give one "
        f"for each, in the run's order, to verify others in their place ({example}), or one "
        "for each URL of the run that held credentials",
        argument="--model",
    )


def labels_refused(
    exc: UsageError,
    *,
    run_id: str,
    resumed: bool,
    kept_map: bool,
    verify_line: str,
    in_place: Sequence[tuple[str, str]] = (),
) -> UsageError:
    """A refusal of the classifiers' labels (``argument --label-map``) met while a stored run
    is set up again: the classifiers as they answer now no longer align as the run's did (a
    retrained one dropped a label the run's map names, or names its labels otherwise).  Said
    in the run's terms, with what can be done: a verify given a map of the labels as they
    are now (``verify_line``, the command or call up to its map); a resume cannot go on.
    ``in_place``: the run's name of each classifier given in its place, and what was given
    (the message names them as the run did)."""
    whose = "the run's label map (kept from its --label-map)" if kept_map else "their labels"
    named = "; ".join(f"{name} is {spec} now" for name, spec in in_place)
    said = (
        f"run {run_id}'s classifiers, as they answer now, no longer align through {whose}"
        + (f" (named as in the run: {named})" if named else "")
        + f": {exc.bare_message.rstrip('.')}"
    )
    if resumed:
        return UsageError(
            f"{said}; a run cannot go on with classifiers whose labels changed: start a new "
            "run, its --label-map a map of their labels as they answer now",
            argument="RUN_ID",
        )
    return UsageError(
        f"{said}. Verify them through a map of their labels as they answer now (FILE: one "
        f"line per label, CLASSIFIER LABEL -> COMMON; docs/text.md): {verify_line}",
        argument="RUN_ID",
    )


def said_names(
    names: Sequence[str], stored: Sequence[Any], specs: Sequence[Any], given: Sequence[str]
) -> list[str]:
    """Each classifier's name as a verify's words say it: the run's (``names``, which its
    findings' columns and any label map name), or, for one given in its place (``--model
    SPEC``; an object from Python), its own with the place it takes ("tclf.py:silent_on_soup
    in tclf.py:soup_wrong's place"): a replay said a label without a counterpart was
    answered by "tclf.py:soup_wrong", a classifier the user had not given (left51).  The
    run's name alone where the one given is the run's (its URL with its credentials given
    again), is named the same, or shares its name with another given (``given``: each
    spec's own name, ``text.loading.name_of``)."""
    out = []
    for k, (name, spec) in enumerate(zip(names, specs, strict=False)):
        was = stored[k] if k < len(stored) else None
        same = isinstance(spec, str) and was in (absolute_spec(spec), redact_text(spec))
        mine = given[k]
        out.append(
            name if same or mine == name or given.count(mine) > 1 else f"{mine} in {name}'s place"
        )
    return out
